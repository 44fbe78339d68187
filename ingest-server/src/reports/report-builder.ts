import { addCalendarDays, CITY_DEFINITION, periodDays, scopeLevel, type Coverage, districtByCode, EVENT_TYPE_NAMES, gradeFor, itemDepartment, maskFreeText, METRIC_DEFINITION_VERSION, previousPeriod, REPORT_KIND_NAMES, rowInScope, samePeriodLastYear, scopeKey, shanghaiDate, subPeriods, type BadRatingRow, type BottleneckRow, type CaseRow, type ComparisonRow, type EventType, type IsoDate, type MetricScope, type Period, type RankingRow, type ReportDocument, type ReportKind, type StageSummaryRow, type SupervisionSummary, type TrendPoint, type UnitRow, type WorkingCalendar, shanghaiIso } from '@tongban/shared';
import type { MetricFactsRepository } from '../metrics/metric-facts.store.ts';
import type { MetricsService, PeriodData, UnitFigures } from '../metrics/metrics-service.ts';
import { workingDaysOverdue } from '../supervision/case-clock.ts';
import type { OverdueWindow, ReportListsQuery, StateRow } from './report-lists.query.ts';
import { buildNarrative, type OverdueItem } from './report-narrative.ts';
import { DEFAULT_REPORT_SETTINGS, type ReportSettings } from './report-settings.ts';

/** A district's total where it had cases; null without (catalogue measures alone are not a score). */
const activeTotal = (r: { total: number | null; facts: { submitted: number; accepted: number; completed: number; rated: number } }) =>
  r.facts.submitted + r.facts.accepted + r.facts.completed + r.facts.rated > 0 ? r.total : null;
import { RECTIFICATION_LOOKBACK_DAYS, rectificationDue } from '../supervision/rating-clocks/rating-clock.ts';

export interface ReportRequest {
  kind: ReportKind;
  period: Period;
  scope: MetricScope;
  /** Events received after this instant are not counted; default: now (less the ingest settle time). */
  cutoffMs?: number | undefined;
  trigger: 'schedule' | 'demand';
  /** `raw` computes every figure from the raw log (the reference), not the rollup. */
  source?: 'auto' | 'raw' | undefined;
}

/** Overdue cases kept in the document itself (the preview and the PDF); the XLSX and CSV hold every one. */
export const DOC_OVERDUE_ROWS = 200;
/** Stages where the case waits on the applicant or an outside procedure, not on the department. */
const APPLICANT_SIDE = new Set(['supplement_requested', 'suspended']);

const stageName = (stage: string) => `${EVENT_TYPE_NAMES[stage as EventType] ?? stage}环节`;
const hours = (minutes: number, n: number) => (n > 0 ? Math.round((minutes / n / 60) * 100) / 100 : 0);
const stamp = (ms: number) => shanghaiIso(ms).slice(0, 23).replace(/[-:.]/g, '');

/**
 * Builds the report documents of 日扫描 · 周调度 · 月通报 · 季分析 · 年考评 from the metrics service and the
 * case lists, all as of one cut-off, so a report can be computed again with the same figures.
 */
export class ReportBuilder {
  /** Milliseconds of each phase of a build (logged with the report). */
  readonly timings = new WeakMap<ReportDocument, Record<string, number>>();

  constructor(
    private readonly o: {
      metrics: MetricsService;
      lists: ReportListsQuery;
      repo: MetricFactsRepository;
      calendar: () => WorkingCalendar;
      now: () => number;
      /** The reports' configuration (REPORTS_* and SIMULATE); defaults when absent. */
      settings?: ReportSettings | undefined;
      /**
       * Whether the data is simulated, as recorded with the data (system_flags, written by a backfill or a
       * server run with SIMULATE=1), so a report says 演示数据 whichever command serves the data dir.
       */
      simulated?: () => Promise<boolean>;
    },
  ) {}

  get settings(): ReportSettings {
    return this.o.settings ?? DEFAULT_REPORT_SETTINGS;
  }

  /** COMPARISON_RULE: how many of a period's days (up to the cut-off's day) hold events received by the cut-off. */
  async coverage(p: Period, cutoffMs: number): Promise<Coverage> {
    const days = periodDays(p).length;
    const coveredDays = await this.o.repo.activeDays(p.from, p.to, cutoffMs);
    const status = coveredDays === 0 ? 'none' : coveredDays < this.settings.minCoverage * days ? 'insufficient' : 'ok';
    return { days, coveredDays, status };
  }

  private overdueWindow(period: Period, cutoffMs: number): OverdueWindow {
    const cutoffDay = shanghaiDate(cutoffMs);
    const lastDay = addCalendarDays(period.to, -1);
    return { from: period.from, to: period.to, cutoffMs, asOfOpen: cutoffDay < lastDay ? cutoffDay : lastDay, calendar: this.o.calendar() };
  }

  private overdueFilter(scope: MetricScope) {
    return { districtCode: scope.districtCode, itemCodes: this.o.metrics.itemCodesOf(scope) };
  }

  /** Events of a report's period received after its cut-off. */
  eventsAfterCutoff(doc: ReportDocument): Promise<number> {
    return this.o.repo.eventsAfterCutoff(doc.period.from, doc.period.to, Date.parse(doc.cutoff));
  }

  /** Every overdue case of a built report, most overdue first, in pages (for the XLSX and CSV). */
  async *overdueList(doc: ReportDocument): AsyncGenerator<CaseRow[]> {
    const scope: MetricScope = { districtCode: doc.scope.districtCode, departmentCode: doc.scope.departmentCode, itemCode: doc.scope.itemCode };
    const cutoffMs = Date.parse(doc.cutoff);
    for await (const page of this.o.lists.overduePages(this.overdueWindow(doc.period, cutoffMs), this.overdueFilter(scope))) {
      yield await this.caseRows(page, doc.period, cutoffMs);
    }
  }

  async build(req: ReportRequest): Promise<ReportDocument> {
    const { metrics } = this.o;
    const { kind, period, scope } = req;
    const cutoffMs = req.cutoffMs ?? metrics.defaultCutoff();
    const timings: Record<string, number> = {};
    let mark = Date.now();
    const lap = (phase: string) => {
      timings[phase] = Date.now() - mark;
      mark = Date.now();
    };
    const mode = req.source === 'raw' ? 'raw' : 'verified';
    if (mode === 'verified') await metrics.refreshFor(cutoffMs);
    lap('refresh');
    const memo = new Map<string, Promise<PeriodData>>();
    const dataOf = (p: Period) => {
      if (!memo.has(p.key)) memo.set(p.key, metrics.periodData(p, mode, cutoffMs, { refresh: false }));
      return memo.get(p.key)!;
    };
    const [data, prev] = await Promise.all([dataOf(period), dataOf(previousPeriod(period))]);
    lap('facts');
    const generatedAt = this.o.now();
    const view = metrics.scopeView(scope);
    const summary = metrics.wuduResponse(data, scope);
    // Rank changes only against a previous period that holds enough data (COMPARISON_RULE).
    const prevCoverage = await this.coverage(prev.period, cutoffMs);
    const comparable = prevCoverage.status === 'ok' ? prev : undefined;
    const districtsWithin: MetricScope = scope.departmentCode ? { departmentCode: scope.departmentCode } : {};

    const districts = metrics.rank(data, comparable, 'district', districtsWithin);
    const departments = metrics.rank(data, comparable, 'department', scope.districtCode ? { districtCode: scope.districtCode } : {});
    const graded = kind === 'annual';
    lap('rankings');
    const overdue = await this.o.lists.overdue(this.overdueWindow(period, cutoffMs), this.overdueFilter(scope), DOC_OVERDUE_ROWS);
    const overdueRows = await this.caseRows(overdue.rows, period, cutoffMs);

    lap('overdue');
    const doc: ReportDocument = {
      id: `${kind}-${period.key}-${scopeKey(scope).replace(/[^A-Za-z0-9-]/g, '_')}-${stamp(generatedAt)}`,
      kind,
      kindName: REPORT_KIND_NAMES[kind],
      title: `${view.name}${period.label}政务服务效能${REPORT_KIND_NAMES[kind]}`,
      period,
      scope: view,
      generatedAt: shanghaiIso(generatedAt),
      cutoff: shanghaiIso(cutoffMs),
      definitionVersion: METRIC_DEFINITION_VERSION,
      config: metrics.config,
      catalogueDigest: metrics.catalogueDigest(),
      source: data.source === 'raw' || prev.source === 'raw' ? 'raw' : 'rollup',
      trigger: req.trigger,
      summary: { scores: summary.scores, total: summary.total, index: summary.index, subMeasures: summary.subMeasures, headline: summary.headline },
      ranking: {
        previousPeriod: prev.period.key,
        districts: districts.rows.map((r) => this.unitRow(r, districts.units.get(r.code)!, graded)),
        departments: departments.rows.map((r) => this.unitRow(r, departments.units.get(r.code)!, graded)),
      },
      overdue: { total: overdue.total, rows: overdueRows },
      bottlenecks: await this.bottlenecks(data, scope, overdue.byItem),
      simulated: this.settings.simulated || ((await this.o.simulated?.()) ?? false),
      ...(scopeLevel(scope) === 'city' ? { city: { districts: metrics.cityOf(data).districts, weight: metrics.cityOf(data).weight, definition: CITY_DEFINITION } } : {}),
    };

    lap('document');
    // The rollup of bad ratings holds exactly the cut-off's events where the period's facts did.
    if (kind === 'daily') doc.daily = await this.dailyLists(period, scope, cutoffMs, data.source);
    if (kind === 'weekly') doc.weekly = { supervision: await this.supervision(period, scope, cutoffMs) };
    if (kind === 'quarterly' || kind === 'annual') {
      const subs = subPeriods(period, kind === 'quarterly' ? 'month' : 'quarter');
      const [subData, subCoverage] = await Promise.all([Promise.all(subs.map(dataOf)), Promise.all(subs.map((p) => this.coverage(p, cutoffMs)))]);
      doc.trends = {
        points: subData.map((d, i) => this.trendPoint(d, scope, subCoverage[i]!, false)),
        districts: districts.rows.map((r) => ({
          code: r.code,
          name: r.name,
          totals: subData.map((d, i) => (subCoverage[i]!.status === 'none' ? null : activeTotal(metrics.figures(d, { ...scope, districtCode: r.code })))),
        })),
      };
    }
    if (kind === 'monthly' || kind === 'quarterly' || kind === 'annual') {
      const lastYearPeriod = samePeriodLastYear(period);
      const [lastYear, lastYearCoverage] = await Promise.all([dataOf(lastYearPeriod), this.coverage(lastYearPeriod, cutoffMs)]);
      const unitsOf = (d: PeriodData, cov: Coverage) =>
        cov.status === 'ok' ? new Map(metrics.units(d, 'district', districtsWithin).map((u) => [u.code, u])) : new Map<string, UnitFigures>();
      const before = unitsOf(prev, prevCoverage);
      const yearAgo = unitsOf(lastYear, lastYearCoverage);
      // A unit without cases in the comparison period has no figure there (catalogue measures alone are not a score).
      const active = (u: UnitFigures | undefined) => (u && u.activity > 0 ? u.result : undefined);
      doc.comparisons = {
        previous: this.trendPoint(prev, scope, prevCoverage),
        lastYear: this.trendPoint(lastYear, scope, lastYearCoverage),
        rows: districts.rows.map((r): ComparisonRow => ({
          code: r.code,
          name: r.name,
          total: r.total,
          previousTotal: active(before.get(r.code))?.total ?? null,
          lastYearTotal: active(yearAgo.get(r.code))?.total ?? null,
          index: r.index,
          previousIndex: active(before.get(r.code))?.index ?? null,
          rank: r.rank,
          rankChange: r.rankChange,
        })),
      };
    }
    if (kind !== 'daily' && kind !== 'weekly') doc.narrative = buildNarrative(doc, this.overdueItems(overdue.byItem), metrics.config);
    lap('kind');
    this.timings.set(doc, timings);
    return doc;
  }

  private unitRow(r: RankingRow, u: UnitFigures, graded: boolean): UnitRow {
    const h = u.result.headline;
    // A unit without cases in the period has no figures (catalogue measures alone are not a score).
    const scores = u.activity > 0 ? u.result.scores : (Object.fromEntries(Object.keys(u.result.scores).map((k) => [k, null])) as UnitRow['scores']);
    return {
      ...r,
      scores,
      submitted: h.counts.submitted,
      completed: h.counts.completed,
      onTimeRate: h.onTimeRate,
      goodRatingRate: h.goodRatingRate,
      onlineShare: h.onlineShare,
      zeroOrOneTripRate: h.zeroOrOneTripRate,
      subMeasures: u.result.subMeasures.map((m) => ({ key: m.key, value: m.value, score: m.score, numerator: m.numerator, denominator: m.denominator })),
      ...(graded ? { grade: r.rank === null ? null : gradeFor(r.index, this.o.metrics.config) } : {}),
    };
  }

  /**
   * A period's figures for a comparison (`strict`: null unless the period holds enough data) or for a trend
   * within the report's own period (null only without any data).
   */
  private trendPoint(d: PeriodData, scope: MetricScope, coverage: Coverage, strict = true): TrendPoint {
    const r = this.o.metrics.figures(d, scope);
    const h = r.headline;
    const known = coverage.status === 'ok' || (!strict && coverage.status === 'insufficient');
    const none = <T>(v: T) => (known ? v : null);
    return {
      period: d.period.key,
      label: d.period.label,
      coverage,
      total: none(r.total),
      index: none(r.index),
      scores: Object.fromEntries(Object.entries(r.scores).map(([k, v]) => [k, none(v)])) as TrendPoint['scores'],
      headline: {
        onTimeRate: none(h.onTimeRate),
        goodRatingRate: none(h.goodRatingRate),
        onlineShare: none(h.onlineShare),
        zeroOrOneTripRate: none(h.zeroOrOneTripRate),
        badRectifiedOnTimeRate: none(h.badRectifiedOnTimeRate),
        submitted: h.counts.submitted,
      },
    };
  }

  /** The items with overdue cases, most first, with their names and departments (for the narrative). */
  private overdueItems(byItem: Map<string, number>): OverdueItem[] {
    const byCode = this.o.metrics.itemByCode();
    const departments = this.o.metrics.departments();
    return [...byItem.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 5)
      .map(([code, n]) => {
        const item = byCode.get(code);
        return { itemCode: code, itemName: item?.name ?? code, departmentName: item ? (departments.get(itemDepartment(item)) ?? item.department) : '', overdue: n };
      });
  }

  /** Department and item filters of a scope, applied to case rows (the district is filtered in SQL). */
  private inScope<T extends { districtCode: string; itemCode: string }>(rows: T[], scope: MetricScope): T[] {
    if (!scope.departmentCode && !scope.itemCode) return rows;
    const byCode = this.o.metrics.itemByCode();
    return rows.filter((r) => rowInScope(r, scope, byCode));
  }

  /** Case rows as of the end of the period (or the cut-off, when earlier), applicants masked. */
  private async caseRows(rows: Array<StateRow & { workingDaysOverdue?: number }>, period: Period, cutoffMs: number, status?: (r: StateRow) => string): Promise<CaseRow[]> {
    const cal = this.o.calendar();
    const byCode = this.o.metrics.itemByCode();
    const departments = this.o.metrics.departments();
    const applicants = await this.o.lists.maskedApplicants(rows.map((r) => r.caseId));
    const cutoffDay = shanghaiDate(cutoffMs);
    const lastDay = addCalendarDays(period.to, -1);
    const asOfOpen = cutoffDay < lastDay ? cutoffDay : lastDay;
    const ended = cutoffDay > lastDay;
    return rows.map((r) => {
      const completed = r.completedMs !== null && r.completedMs <= cutoffMs && shanghaiDate(r.completedMs) < period.to;
      const asOf = completed ? shanghaiDate(r.completedMs!) : asOfOpen;
      const item = byCode.get(r.itemCode);
      return {
        caseId: r.caseId,
        itemCode: r.itemCode,
        itemName: item?.name ?? r.itemCode,
        districtCode: r.districtCode,
        districtName: districtByCode(r.districtCode)?.name ?? r.districtCode,
        departmentName: item ? (departments.get(itemDepartment(item)) ?? item.department) : '',
        acceptedAt: r.acceptedMs === null ? null : shanghaiIso(r.acceptedMs),
        promisedDeadline: r.promisedDeadline,
        completedAt: completed ? shanghaiIso(r.completedMs!) : null,
        workingDaysOverdue: r.workingDaysOverdue ?? workingDaysOverdue(cal, r.promisedDeadline, asOf),
        status: status?.(r) ?? (completed ? '已办结（超期）' : ended ? '期末未办结' : '未办结'),
        applicant: applicants.get(r.caseId) ?? '—',
      };
    });
  }

  private async bottlenecks(data: PeriodData, scope: MetricScope, overdueByItem: Map<string, number>): Promise<{ stages: StageSummaryRow[]; rows: BottleneckRow[] }> {
    const byCode = this.o.metrics.itemByCode();
    const departments = this.o.metrics.departments();
    const stages = await this.o.metrics.stages(data, scope);
    const byStage = new Map<string, { waits: number; minutes: number; max: number }>();
    const byKey = new Map<string, { item: string; stage: string; waits: number; minutes: number; max: number }>();
    for (const s of stages) {
      const st = byStage.get(s.stage) ?? { waits: 0, minutes: 0, max: 0 };
      st.waits += s.waits;
      st.minutes += s.waitMinutes;
      st.max = Math.max(st.max, s.maxWaitMinutes);
      byStage.set(s.stage, st);
      if (APPLICANT_SIDE.has(s.stage)) continue;
      const key = `${s.itemCode}|${s.stage}`;
      const k = byKey.get(key) ?? { item: s.itemCode, stage: s.stage, waits: 0, minutes: 0, max: 0 };
      k.waits += s.waits;
      k.minutes += s.waitMinutes;
      k.max = Math.max(k.max, s.maxWaitMinutes);
      byKey.set(key, k);
    }
    const rows = [...byKey.values()]
      .sort((a, b) => b.minutes - a.minutes || a.item.localeCompare(b.item) || a.stage.localeCompare(b.stage))
      .map((k): BottleneckRow => {
        const item = byCode.get(k.item);
        const dept = item ? itemDepartment(item) : '';
        return {
          departmentCode: dept,
          departmentName: departments.get(dept) ?? dept,
          itemCode: k.item,
          itemName: item?.name ?? k.item,
          ...(item ? { itemLevel: item.level } : {}),
          stage: k.stage,
          stageName: stageName(k.stage),
          waits: k.waits,
          averageHours: hours(k.minutes, k.waits),
          maxHours: hours(k.max, 1),
          overdue: overdueByItem.get(k.item) ?? 0,
        };
      });
    return {
      stages: [...byStage.entries()]
        .sort((a, b) => b[1].minutes - a[1].minutes || a[0].localeCompare(b[0]))
        .map(([stage, s]) => ({ stage, stageName: stageName(stage), waits: s.waits, averageHours: hours(s.minutes, s.waits), maxHours: hours(s.max, 1), applicantSide: APPLICANT_SIDE.has(stage) })),
      rows,
    };
  }

  /** 日扫描 lists for one day: new red cases, long-overdue, too fast, bad ratings nearing their deadline. */
  private async dailyLists(period: Period, scope: MetricScope, cutoffMs: number, source: 'rollup' | 'raw'): Promise<NonNullable<ReportDocument['daily']>> {
    const { lists, calendar } = this.o;
    const cal = calendar();
    const day = period.from;
    const n = this.o.metrics.config.longOverdueWorkingDays;
    const newRed = this.inScope(await lists.newRed(day, cutoffMs, scope.districtCode), scope);
    const long = this.inScope(await lists.openOverdue(day, addCalendarDays(day, -n), cutoffMs, scope.districtCode), scope).filter(
      (r) => workingDaysOverdue(cal, r.promisedDeadline, day) >= n,
    );
    const tooFast = this.inScope(await lists.tooFast(day, cutoffMs, scope.districtCode), scope);
    return {
      newRed: await this.caseRows(newRed, period, cutoffMs, () => '新增超期'),
      longOverdue: await this.caseRows(long.sort((a, b) => (a.promisedDeadline ?? '').localeCompare(b.promisedDeadline ?? '') || a.caseId.localeCompare(b.caseId)), period, cutoffMs, () => '长期超期'),
      tooFast: await this.caseRows(tooFast, period, cutoffMs, () => '办结过快'),
      badRatingsDue: await this.badRatingsDue(day, scope, cutoffMs, source),
    };
  }

  /** Bad ratings not rectified whose deadline is at most N working days after `day`, or already passed. */
  private async badRatingsDue(day: IsoDate, scope: MetricScope, cutoffMs: number, source: 'rollup' | 'raw'): Promise<BadRatingRow[]> {
    const cal = this.o.calendar();
    const warn = this.o.metrics.config.rectificationWarnWorkingDays;
    const byCode = this.o.metrics.itemByCode();
    const bad = (await this.o.repo.badRatingCases(source, addCalendarDays(day, -RECTIFICATION_LOOKBACK_DAYS), addCalendarDays(day, 1), cutoffMs)).filter((b) => rowInScope(b, scope, byCode));
    const rows: Array<Omit<BadRatingRow, 'applicant'>> = [];
    for (const b of bad) {
      if (b.rectifiedAtMs !== null) continue;
      const deadline = rectificationDue(cal, shanghaiDate(b.ratedAtMs));
      const left = deadline >= day ? cal.countWorkingDays(day, deadline).days : -cal.countWorkingDays(deadline, day).days;
      if (left > warn) continue;
      rows.push({
        caseId: b.caseId,
        itemName: byCode.get(b.itemCode)?.name ?? b.itemCode,
        districtName: districtByCode(b.districtCode)?.name ?? b.districtCode,
        ratedAt: shanghaiIso(b.ratedAtMs),
        rating: b.rating,
        deadline,
        workingDaysLeft: left,
      });
    }
    rows.sort((a, b) => a.workingDaysLeft - b.workingDaysLeft || a.caseId.localeCompare(b.caseId));
    const applicants = await this.o.lists.maskedApplicants(rows.map((r) => r.caseId));
    return rows.map((r) => ({ ...r, applicant: applicants.get(r.caseId) ?? '—' }));
  }

  /** 周调度: 督办 issued, resolved, open and overdue at the end of the week, by district. */
  private async supervision(period: Period, scope: MetricScope, cutoffMs: number): Promise<SupervisionSummary> {
    const byCode = this.o.metrics.itemByCode();
    const fromMs = Date.parse(`${period.from}T00:00:00+08:00`);
    const toMs = Date.parse(`${period.to}T00:00:00+08:00`);
    const cutoffDay = shanghaiDate(cutoffMs);
    const overdueBefore = cutoffDay < period.to ? cutoffDay : period.to;
    const orders = (await this.o.lists.supervisionOrders(period.to, cutoffMs))
      .map((o) => ({ ...o, districtCode: o.district_code, itemCode: o.item_code }))
      .filter((o) => rowInScope(o, scope, byCode));
    const facts = orders.map((o) => {
      const resolvedMs = o.resolved_ms === null ? null : Number(o.resolved_ms);
      const resolvedByEnd = resolvedMs !== null && resolvedMs < toMs && resolvedMs <= cutoffMs;
      return {
        o,
        issued: Number(o.issued_ms) >= fromMs,
        resolved: resolvedByEnd && resolvedMs >= fromMs,
        open: !resolvedByEnd,
        overdue: !resolvedByEnd && o.due_on < overdueBefore,
      };
    });
    const byDistrict = new Map<string, { issued: number; resolved: number; openAtEnd: number; overdueOpen: number }>();
    for (const f of facts) {
      const d = byDistrict.get(f.o.districtCode) ?? { issued: 0, resolved: 0, openAtEnd: 0, overdueOpen: 0 };
      d.issued += Number(f.issued);
      d.resolved += Number(f.resolved);
      d.openAtEnd += Number(f.open);
      d.overdueOpen += Number(f.overdue);
      byDistrict.set(f.o.districtCode, d);
    }
    const count = (k: 'issued' | 'resolved' | 'open' | 'overdue') => facts.filter((f) => f[k]).length;
    return {
      issued: count('issued'),
      resolved: count('resolved'),
      openAtEnd: count('open'),
      overdueOpen: count('overdue'),
      byDistrict: [...byDistrict.entries()]
        .map(([code, d]) => ({ code, name: districtByCode(code)?.name ?? (code || '—'), ...d }))
        .sort((a, b) => b.overdueOpen - a.overdueOpen || b.openAtEnd - a.openAtEnd || a.code.localeCompare(b.code)),
      orders: facts
        .filter((f) => f.issued || f.open)
        .map((f) => ({
          orderId: f.o.order_id,
          caseId: f.o.case_id,
          districtName: districtByCode(f.o.districtCode)?.name ?? f.o.districtCode,
          itemName: byCode.get(f.o.itemCode)?.name ?? f.o.itemCode,
          issuedAt: shanghaiIso(Number(f.o.issued_ms)),
          dueOn: f.o.due_on,
          status: f.open ? (f.overdue ? '逾期未办结' : '办理中') : '已办结',
          reason: maskFreeText(f.o.reason),
        })),
    };
  }
}
