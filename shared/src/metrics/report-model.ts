import type { Headline, RankingRow, ScopeLevel, SubMeasureResult, WuduScores } from './compute.ts';
import type { MetricConfig } from './definitions.ts';
import type { Period, PeriodKind } from './period.ts';

/*
 * Shapes of the metrics API answers and of a stored report, shared by the server (which builds them) and the
 * dashboard (which previews them). Ratios are fractions 0–1; scores 0–100; an index of 1.0 is on target.
 */

export interface ScopeView {
  level: ScopeLevel;
  /** scopeKey(): 'city', 'district:500118' … */
  key: string;
  districtCode?: string;
  departmentCode?: string;
  itemCode?: string;
  /** 重庆市, 永川区, 市场监管局, 永川区 · 市场监管局 … */
  name: string;
}

/** GET /api/v1/metrics/wudu */
export interface WuduResponse {
  period: string;
  periodRange: Period;
  scope: ScopeView;
  definitionVersion: string;
  scores: WuduScores;
  total: number | null;
  /** Efficiency index against the configured targets (1.0 = on target). */
  index: number | null;
  subMeasures: SubMeasureResult[];
  headline: Headline;
  /** Events received after this instant are not counted (ISO 8601, +08:00). */
  cutoff: string;
  /** Whether the figures came from the daily rollup or from the raw event log. */
  source: FactSource;
}

export type FactSource = 'rollup' | 'raw';

/** GET /api/v1/metrics/ranking */
export interface RankingResponse {
  period: string;
  periodRange: Period;
  scope: 'district' | 'department';
  definitionVersion: string;
  previousPeriod: string;
  rows: Array<RankingRow & { scores: WuduScores; submitted: number }>;
  cutoff: string;
  source: FactSource;
}

export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'quarterly', 'annual'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_KIND_NAMES: Record<ReportKind, string> = {
  daily: '日扫描',
  weekly: '周调度',
  monthly: '月通报',
  quarterly: '季分析',
  annual: '年考评',
};

export const REPORT_PERIOD_KIND: Record<ReportKind, PeriodKind> = {
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
  quarterly: 'quarter',
  annual: 'year',
};

export const REPORT_FORMATS = ['json', 'xlsx', 'pdf', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** One district's or department's line in a report: scores, index, rank and a few headline figures. */
export interface UnitRow extends RankingRow {
  scores: WuduScores;
  submitted: number;
  completed: number;
  onTimeRate: number | null;
  goodRatingRate: number | null;
  onlineShare: number | null;
  zeroOrOneTripRate: number | null;
  grade?: string | null;
  /** Every sub-measure of the unit (五度明细). */
  subMeasures: Array<Pick<SubMeasureResult, 'key' | 'value' | 'score' | 'numerator' | 'denominator'>>;
}

/** A case in a report list. The applicant is masked. */
export interface CaseRow {
  caseId: string;
  itemCode: string;
  itemName: string;
  districtCode: string;
  districtName: string;
  departmentName: string;
  acceptedAt: string | null;
  promisedDeadline: string | null;
  completedAt: string | null;
  /** Working days past the promised deadline, counted to completion or to the end of the period. */
  workingDaysOverdue: number | null;
  /** 已办结（超期）, 未办结, 办结过快 … as of the report's cut-off. */
  status: string;
  applicant: string;
  note?: string;
}

export interface BadRatingRow {
  caseId: string;
  itemName: string;
  districtName: string;
  ratedAt: string;
  rating: number;
  deadline: string;
  workingDaysLeft: number;
  applicant: string;
}

export interface BottleneckRow {
  departmentCode: string;
  departmentName: string;
  itemCode: string;
  itemName: string;
  /** The item's catalogue level (two items of one name differ by code and level). */
  itemLevel?: string;
  stage: string;
  stageName: string;
  waits: number;
  averageHours: number;
  maxHours: number;
  /** Cases of the item overdue in the period (see the overdue list). */
  overdue: number;
}

export interface StageSummaryRow {
  stage: string;
  stageName: string;
  waits: number;
  averageHours: number;
  maxHours: number;
  /** Waits on the applicant (补正, 特别程序) are shown but not counted against departments. */
  applicantSide: boolean;
}

export interface SupervisionSummary {
  issued: number;
  resolved: number;
  openAtEnd: number;
  overdueOpen: number;
  byDistrict: Array<{ code: string; name: string; issued: number; resolved: number; openAtEnd: number; overdueOpen: number }>;
  orders: Array<{ orderId: string; caseId: string; districtName: string; itemName: string; issuedAt: string; dueOn: string; status: string; reason: string }>;
}

/**
 * How much of a period holds data (COMPARISON_RULE): `none` = not one day with events, `insufficient` =
 * fewer days than the configured share, `ok` = comparable.
 */
export interface Coverage {
  days: number;
  coveredDays: number;
  status: 'ok' | 'insufficient' | 'none';
}

/** The text a comparison shows instead of a figure. */
export const COVERAGE_TEXT: Record<Exclude<Coverage['status'], 'ok'>, string> = { none: '无数据', insufficient: '数据不足' };

export interface TrendPoint {
  period: string;
  label: string;
  /** Absent in reports of definition 1.0.0. */
  coverage?: Coverage;
  total: number | null;
  index: number | null;
  scores: WuduScores;
  headline: Pick<Headline, 'onTimeRate' | 'goodRatingRate' | 'onlineShare' | 'zeroOrOneTripRate' | 'badRectifiedOnTimeRate'> & { submitted: number };
}

export interface ComparisonRow {
  code: string;
  name: string;
  total: number | null;
  /** null: the previous period is not comparable (see comparisons.previous.coverage) or the unit had no cases in it. */
  previousTotal: number | null;
  lastYearTotal: number | null;
  index: number | null;
  previousIndex: number | null;
  rank: number | null;
  rankChange: number | null;
}

/** The 红头 of a bulletin: who issues it, its 文号 and the date of issue. */
export interface ReportIssue {
  office: string;
  /** 文号: configured prefix〔year〕sequence号, e.g. 渝效监〔2026〕12号; one sequence per year of issue. */
  docNumber: string;
  /** Date of issue (Asia/Shanghai). */
  issuedOn: string;
}

/** The findings a bulletin states in words; every comparison in it is one the data holds. */
export interface Narrative {
  /** Paragraphs of the 总体情况 (plain text). */
  overview: string[];
  improvements: string[];
  declines: string[];
  /** Why no improvements or declines are stated (the comparison period lacks data), if so. */
  noComparison?: string;
  belowTarget: string[];
  overdueItems: string[];
  /** 整改要求 for the worst districts and items. */
  requirements: string[];
}

/** A stored report: everything needed to render it in any format, and to say how it was computed. */
export interface ReportDocument {
  id: string;
  kind: ReportKind;
  kindName: string;
  title: string;
  period: Period;
  scope: ScopeView;
  generatedAt: string;
  /** Events received after the cut-off are not counted (each report is reproducible from it). */
  cutoff: string;
  definitionVersion: string;
  config: MetricConfig;
  /** sha-256 prefix of the catalogue the report was computed with. */
  catalogueDigest: string;
  source: FactSource;
  trigger: 'schedule' | 'demand';
  summary: Omit<WuduResponse, 'cutoff' | 'source' | 'period' | 'periodRange' | 'scope' | 'definitionVersion'>;
  ranking: { previousPeriod: string; districts: UnitRow[]; departments: UnitRow[] };
  /**
   * The overdue cases, most overdue first: `rows` holds the first ones (the PDF and the preview); the XLSX and
   * CSV hold every one of the `total` (read from the list stored beside the report when `complete` is set).
   */
  overdue: { total: number; rows: CaseRow[]; complete?: boolean };
  /** The bulletin's 红头, 文号 and date (absent in reports made before 1.1.0). */
  issue?: ReportIssue;
  narrative?: Narrative;
  /** Built from simulated data (SIMULATE=1): every page says 演示数据. */
  simulated?: boolean;
  /** How the city's figures were formed (CITY_DEFINITION), for a city report. */
  city?: { districts: number; weight: number; definition: string };
  bottlenecks: { stages: StageSummaryRow[]; rows: BottleneckRow[] };
  daily?: { newRed: CaseRow[]; longOverdue: CaseRow[]; tooFast: CaseRow[]; badRatingsDue: BadRatingRow[] };
  weekly?: { supervision: SupervisionSummary };
  trends?: { points: TrendPoint[]; districts: Array<{ code: string; name: string; totals: Array<number | null> }> };
  comparisons?: { previous: TrendPoint; lastYear: TrendPoint; rows: ComparisonRow[] };
}

/** GET /api/v1/reports/:kind as JSON: the stored document and whether newer data exists for its period. */
export interface ReportAnswer extends ReportDocument {
  freshness?: {
    /** Events of the report's period received after its cut-off. */
    eventsAfterCutoff: number;
    checkedAt: string;
    /**
     * The period's data changed after the cut-off (an event of the period accepted later, a backfill): the
     * report is not final. A request without `id` or `cutoff` builds it anew instead of serving it.
     */
    stale: boolean;
    /** When the period's data last changed (null: not since reports began tracking it). */
    periodChangedAt: string | null;
  };
}

/** One line of GET /api/v1/reports. */
export interface ReportListEntry {
  id: string;
  kind: ReportKind;
  period: string;
  scope: string;
  title: string;
  generatedAt: string;
  cutoff: string;
  definitionVersion: string;
  trigger: 'schedule' | 'demand';
  source: FactSource;
}

