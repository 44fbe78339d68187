import {
  DISTRICTS,
  formatCell,
  periodAt,
  previousPeriod,
  rankingBarOption,
  REPORT_KIND_NAMES,
  REPORT_PERIOD_KIND,
  reportTables,
  stageBarOption,
  trendLineOption,
  tryParsePeriod,
  wuduRadarOption,
  type ChartOption,
  type Period,
  type PeriodKind,
  type ReportAnswer,
  type ReportDocument,
  type ReportFormat,
  type ReportKind,
} from '@tongban/shared';

/*
 * Pure functions behind the analysts' reports page: what can be picked, which URL a choice means, and the
 * report as preview tables and chart options. The page only mounts what these return.
 */

export type ScopeChoice = { kind: 'city' } | { kind: 'district'; code: string } | { kind: 'department'; code: string };

export interface ReportChoice {
  kind: ReportKind;
  period: string;
  scope: ScopeChoice;
}

/** The latest `count` periods of a report kind that have ended, newest first (the default is the first). */
export function periodChoices(kind: ReportKind, nowMs: number, count = 12): Period[] {
  const out: Period[] = [];
  for (let p = previousPeriod(periodAt(REPORT_PERIOD_KIND[kind], nowMs)); out.length < count; p = previousPeriod(p)) out.push(p);
  return out;
}

/** Whether a typed period is one of the kind's periods (月通报 takes 2025-10, 季分析 2025-Q3 …). */
export function periodFits(kind: ReportKind, key: string): boolean {
  return tryParsePeriod(key)?.kind === REPORT_PERIOD_KIND[kind];
}

export const PERIOD_HINT: Record<PeriodKind, string> = { day: '如 2025-10-09', week: '如 2025-W41', month: '如 2025-10', quarter: '如 2025-Q3', year: '如 2025' };

export const KIND_OPTIONS = (Object.keys(REPORT_KIND_NAMES) as ReportKind[]).map((k) => ({ value: k, label: REPORT_KIND_NAMES[k] }));

export const DISTRICT_OPTIONS = DISTRICTS.map((d) => ({ value: d.code, label: d.name }));

/** Departments (code → name) of the item catalogue, sorted by code. */
export function departmentOptions(items: ReadonlyArray<{ department: string; departmentCode?: string | undefined }>): Array<{ value: string; label: string }> {
  const byCode = new Map<string, string>();
  for (const i of items) byCode.set(i.departmentCode ?? i.department, i.department);
  return [...byCode.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([value, label]) => ({ value, label }));
}

function scopeQuery(scope: ScopeChoice): string {
  if (scope.kind === 'district') return `&districtCode=${encodeURIComponent(scope.code)}`;
  if (scope.kind === 'department') return `&departmentCode=${encodeURIComponent(scope.code)}`;
  return '';
}

/** The report a choice means, as JSON (or fresh: computed again with the current data). */
export function reportUrl(choice: ReportChoice, opts: { fresh?: boolean } = {}): string {
  return `/api/v1/reports/${choice.kind}?period=${encodeURIComponent(choice.period)}${scopeQuery(choice.scope)}${opts.fresh ? '&fresh=1' : ''}`;
}

/** A download of exactly the previewed report (by its id), in a format; CSV of one table. */
export function downloadUrl(doc: Pick<ReportDocument, 'id' | 'kind'>, format: Exclude<ReportFormat, 'json'>, table?: string): string {
  return `/api/v1/reports/${doc.kind}?id=${encodeURIComponent(doc.id)}&format=${format}${table ? `&table=${encodeURIComponent(table)}` : ''}`;
}

export interface PreviewTable {
  key: string;
  title: string;
  headers: string[];
  /** true = right-aligned number column */
  numeric: boolean[];
  rows: string[][];
  /** Rows left out of the preview (the downloads have them all). */
  more: number;
}

/** The report's tables as text for the preview, at most `limit` rows each. */
export function previewTables(doc: ReportDocument, limit = 200): PreviewTable[] {
  return reportTables(doc).map((t) => ({
    key: t.key,
    title: t.title,
    headers: t.columns.map((c) => c.header),
    numeric: t.columns.map((c) => c.format !== 'text' && c.format !== 'datetime'),
    rows: t.rows.slice(0, limit).map((r) => r.map((cell, i) => formatCell(cell, t.columns[i]!.format, '—'))),
    more: Math.max(0, (t.total ?? t.rows.length) - Math.min(limit, t.rows.length)),
  }));
}

export interface HeadlineTile {
  label: string;
  value: string;
}

/** The figures shown above the tables. */
export function headlineTiles(doc: ReportDocument): HeadlineTile[] {
  const s = doc.summary;
  const h = s.headline;
  const pct = (v: number | null) => formatCell(v, 'ratio', '—');
  return [
    { label: '五度总分', value: formatCell(s.total, 'score', '—') },
    { label: '效能指数', value: formatCell(s.index, 'index', '—') },
    { label: '按时办结率', value: pct(h.onTimeRate) },
    { label: '最多跑一次率', value: pct(h.zeroOrOneTripRate) },
    { label: '网上办件率', value: pct(h.onlineShare) },
    { label: '好评率', value: pct(h.goodRatingRate) },
    { label: '差评按期整改率', value: pct(h.badRectifiedOnTimeRate) },
    { label: '申办件数', value: String(h.counts.submitted) },
    { label: '超期办件', value: String(doc.overdue.total) },
  ];
}

export interface ReportChart {
  key: string;
  title: string;
  option: ChartOption;
  height: number;
}

/** The report's charts (the same options the PDF prints). */
export function reportCharts(doc: ReportDocument): ReportChart[] {
  const ranked = doc.ranking.districts.filter((r) => r.rank !== null).length;
  const charts: ReportChart[] = [
    { key: 'wudu', title: '“五度”得分与目标', option: wuduRadarOption(doc.summary.scores, doc.config.targets), height: 320 },
    { key: 'ranking', title: '区县效能指数', option: rankingBarOption(doc.ranking.districts), height: Math.max(160, 70 + 16 * ranked) },
  ];
  if (doc.trends) charts.push({ key: 'trend', title: '趋势', option: trendLineOption(doc.trends.points), height: 300 });
  if (doc.bottlenecks.stages.length) charts.push({ key: 'stages', title: '各环节平均停留（小时）', option: stageBarOption(doc.bottlenecks.stages), height: Math.max(160, 60 + 26 * doc.bottlenecks.stages.length) });
  return charts;
}

/** One line saying how the report was made (for reproducing it). */
export function provenance(doc: ReportDocument): string {
  const at = (iso: string) => iso.slice(0, 16).replace('T', ' ');
  return `数据截止 ${at(doc.cutoff)} · 指标定义版本 ${doc.definitionVersion} · 生成于 ${at(doc.generatedAt)}（${doc.trigger === 'schedule' ? '定时' : '按需'}，${doc.source === 'rollup' ? '日汇总表' : '原始日志'}）· 编号 ${doc.id}`;
}

/** The choice a shown report answers (kind, period, scope), for computing it again with the latest data. */
export function choiceOf(doc: Pick<ReportDocument, 'kind' | 'period' | 'scope'>): ReportChoice {
  const scope: ScopeChoice = doc.scope.districtCode
    ? { kind: 'district', code: doc.scope.districtCode }
    : doc.scope.departmentCode
      ? { kind: 'department', code: doc.scope.departmentCode }
      : { kind: 'city' };
  return { kind: doc.kind, period: doc.period.key, scope };
}

/** The cut-off of what is on screen, as the page shows it. */
export function cutoffLine(doc: Pick<ReportDocument, 'cutoff' | 'issue'>): string {
  return `本报告数据截止 ${doc.cutoff.slice(0, 16).replace('T', ' ')}（北京时间）${doc.issue ? ` · ${doc.issue.docNumber}` : ''}`;
}

/** Says when the report on screen is older than the data (events of its period arrived after its cut-off). */
export function staleNotice(doc: Pick<ReportAnswer, 'freshness' | 'period'>): string | undefined {
  const n = doc.freshness?.eventsAfterCutoff ?? 0;
  if (n <= 0 && doc.freshness?.stale) return `${doc.period.label}的数据在本报告截止后有变化（补录或迟到的事件），本报告不是最终版，请重新计算。`;
  if (n <= 0) return undefined;
  return `数据截止后又收到 ${doc.period.label}的 ${n} 条事件，本报告未包含这些数据。`;
}
