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

export interface TrendPoint {
  period: string;
  label: string;
  total: number | null;
  index: number | null;
  scores: WuduScores;
  headline: Pick<Headline, 'onTimeRate' | 'goodRatingRate' | 'onlineShare' | 'zeroOrOneTripRate' | 'badRectifiedOnTimeRate'> & { submitted: number };
}

export interface ComparisonRow {
  code: string;
  name: string;
  total: number | null;
  previousTotal: number | null;
  lastYearTotal: number | null;
  index: number | null;
  previousIndex: number | null;
  rank: number | null;
  rankChange: number | null;
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
  overdue: { total: number; rows: CaseRow[] };
  bottlenecks: { stages: StageSummaryRow[]; rows: BottleneckRow[] };
  daily?: { newRed: CaseRow[]; longOverdue: CaseRow[]; tooFast: CaseRow[]; badRatingsDue: BadRatingRow[] };
  weekly?: { supervision: SupervisionSummary };
  trends?: { points: TrendPoint[]; districts: Array<{ code: string; name: string; totals: Array<number | null> }> };
  comparisons?: { previous: TrendPoint; lastYear: TrendPoint; rows: ComparisonRow[] };
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

