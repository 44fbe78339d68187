import { createHash } from 'node:crypto';
import { addCalendarDays, addFacts, cityFromDistricts, computeWudu, consistentItemCodes, DISTRICTS, districtByCode, emptyFacts, itemDepartment, METRIC_DEFINITION_VERSION, previousPeriod, rankRows, rowInScope, scopeItems, scopeKey, scopeLevel, shanghaiDate, shanghaiIso, sumFacts, type CatalogueItem, type CityFigures, type FactRow, type FactSource, type IsoDate, type MetricConfig, type MetricFacts, type MetricScope, type Period, type RankingInput, type RectificationFacts, type ScopeView, type StageRow, type WorkingCalendar, type WuduResponse, type WuduResult } from '@tongban/shared';
import type { ItemCatalogue } from '../catalogue/item-catalogue.store.ts';
import { RECTIFICATION_LOOKBACK_DAYS, rectificationDue } from '../supervision/rating-clocks/rating-clock.ts';
import type { MetricConfigStore } from './metric-config.store.ts';
import type { BadRatingGroup, MetricFactsRepository, StageFilter } from './metric-facts.store.ts';
import type { RollupBuilder } from './rollup-builder.ts';

/**
 * How to read facts: `live` takes the rollup as the last refresh left it (the wall, the analysts' page);
 * `verified` fixes a cut-off, refreshes, and uses the rollup only where its builds hold exactly the events
 * received by the cut-off, else the raw log (reports); `raw` is the reference; `rollup` reads the rollup as
 * it stands, even before the first build is done (tests and benchmarks: refresh first).
 */
export type FactMode = 'live' | 'verified' | 'raw' | 'rollup';

export interface BadRatingOutcome extends BadRatingGroup {
  deadline: IsoDate;
  /** onTime: rectified by the deadline; late: deadline passed without; pending: deadline not reached yet. */
  status: 'onTime' | 'late' | 'pending';
}

export interface PeriodData {
  period: Period;
  rows: FactRow[];
  /** Items with at least one 申办 in the 12 months to the period's end, per district. */
  implemented: Map<string, Set<string>>;
  /** Bad ratings whose rectification deadline falls in the period (grouped, with their outcome). */
  badRatings: BadRatingOutcome[];
  /** Whether any rectification had been recorded by the cut-off (else 差评按期整改率 is unknown). */
  rectificationRecorded: boolean;
  cutoffMs: number;
  source: FactSource;
}

const CACHE_SIZE = 24;

/** The date one year before (29 February → 1 March). */
function yearBefore(date: IsoDate): IsoDate {
  const y = `${String(Number(date.slice(0, 4)) - 1).padStart(4, '0')}${date.slice(4)}`;
  return date.slice(5) === '02-29' ? `${y.slice(0, 4)}-03-01` : y;
}

export interface UnitFigures {
  code: string;
  name: string;
  result: WuduResult;
  activity: number;
}

/** 五度 scores, headline ratios, efficiency index and rankings for any period and scope. */
/** The catalogue in the shapes the formulas need, rebuilt when an item changes. */
interface CatalogueView {
  items: CatalogueItem[];
  byCode: Map<string, CatalogueItem>;
  consistent: Set<string>;
  departments: Map<string, string>;
  itemsOfDepartment: Map<string, string[]>;
}

/** Rows of a period grouped for the scopes (figures of 41 districts and 33 departments read only their own). */
interface RowIndex {
  byDistrict: Map<string, FactRow[]>;
  byItem: Map<string, FactRow[]>;
  /** Items implemented in any district. */
  implementedAnywhere: Set<string>;
  badByDistrict: Map<string, BadRatingOutcome[]>;
  badByItem: Map<string, BadRatingOutcome[]>;
  /** Facts summed per district, per item and in all. */
  sumByDistrict: Map<string, MetricFacts>;
  sumByItem: Map<string, MetricFacts>;
  sum: MetricFacts;
}

interface FiguresMemo {
  config: MetricConfig;
  view: CatalogueView;
  /** By scopeKey. */
  scopes: Map<string, WuduResult>;
  city?: CityFigures;
}

export class MetricsService {
  private readonly cache = new Map<string, PeriodData>();
  private view: CatalogueView | undefined;
  private readonly indexes = new WeakMap<PeriodData, RowIndex>();
  private readonly figuresMemo = new WeakMap<PeriodData, FiguresMemo>();

  constructor(
    private readonly o: {
      repo: MetricFactsRepository;
      builder: RollupBuilder;
      catalogue: ItemCatalogue;
      config: MetricConfigStore;
      calendar: () => WorkingCalendar;
      now: () => number;
      settleMs: number;
    },
  ) {
    this.o.catalogue.onChange(() => (this.view = undefined));
  }

  private catalogueView(): CatalogueView {
    if (this.view) return this.view;
    const items = this.o.catalogue.list().sort((a, b) => a.itemCode.localeCompare(b.itemCode));
    const departments = new Map<string, string>();
    const itemsOfDepartment = new Map<string, string[]>();
    for (const i of [...items].sort((a, b) => itemDepartment(a).localeCompare(itemDepartment(b)))) {
      departments.set(itemDepartment(i), i.department);
      push(itemsOfDepartment, itemDepartment(i), i.itemCode);
    }
    this.view = { items, byCode: new Map(items.map((i) => [i.itemCode, i])), consistent: consistentItemCodes(items), departments, itemsOfDepartment };
    return this.view;
  }

  private rowIndex(data: PeriodData): RowIndex {
    let index = this.indexes.get(data);
    if (!index) {
      index = {
        byDistrict: new Map(),
        byItem: new Map(),
        implementedAnywhere: new Set(),
        badByDistrict: new Map(),
        badByItem: new Map(),
        sumByDistrict: new Map(),
        sumByItem: new Map(),
        sum: emptyFacts(),
      };
      for (const r of data.rows) {
        push(index.byDistrict, r.districtCode, r);
        push(index.byItem, r.itemCode, r);
        addFacts(sumOf(index.sumByDistrict, r.districtCode), r.facts);
        addFacts(sumOf(index.sumByItem, r.itemCode), r.facts);
        addFacts(index.sum, r.facts);
      }
      for (const b of data.badRatings) {
        push(index.badByDistrict, b.districtCode, b);
        push(index.badByItem, b.itemCode, b);
      }
      for (const set of data.implemented.values()) for (const item of set) index.implementedAnywhere.add(item);
      this.indexes.set(data, index);
    }
    return index;
  }

  /** The facts of a scope from the index's sums, when the scope is one of theirs (else undefined: summed from rows). */
  private presummed(index: RowIndex, scope: MetricScope): MetricFacts | undefined {
    const parts = Number(!!scope.districtCode) + Number(!!scope.departmentCode) + Number(!!scope.itemCode);
    if (parts === 0) return index.sum;
    if (parts > 1) return undefined;
    if (scope.districtCode) return index.sumByDistrict.get(scope.districtCode) ?? emptyFacts();
    if (scope.itemCode) return index.sumByItem.get(scope.itemCode) ?? emptyFacts();
    return sumFacts((this.catalogueView().itemsOfDepartment.get(scope.departmentCode!) ?? []).map((i) => index.sumByItem.get(i) ?? emptyFacts()));
  }

  /** The rows (or bad ratings) a scope can contain, then filtered exactly with rowInScope. */
  private candidates<T>(all: readonly T[], byDistrict: Map<string, T[]>, byItem: Map<string, T[]>, scope: MetricScope): readonly T[] {
    if (scope.itemCode) return byItem.get(scope.itemCode) ?? [];
    if (scope.districtCode) return byDistrict.get(scope.districtCode) ?? [];
    if (scope.departmentCode) return (this.catalogueView().itemsOfDepartment.get(scope.departmentCode) ?? []).flatMap((i) => byItem.get(i) ?? []);
    return all;
  }

  get config(): MetricConfig {
    return this.o.config.config;
  }

  items(): CatalogueItem[] {
    return this.catalogueView().items;
  }

  itemByCode(): Map<string, CatalogueItem> {
    return this.catalogueView().byCode;
  }

  /** Department code → name, from the catalogue. */
  departments(): Map<string, string> {
    return this.catalogueView().departments;
  }

  /** sha-256 prefix of the catalogue, recorded with every report. */
  catalogueDigest(): string {
    return createHash('sha256').update(JSON.stringify(this.items())).digest('hex').slice(0, 16);
  }

  scopeView(scope: MetricScope): ScopeView {
    const parts: string[] = [];
    if (scope.districtCode) parts.push(districtByCode(scope.districtCode)?.name ?? scope.districtCode);
    if (scope.departmentCode) parts.push(this.departments().get(scope.departmentCode) ?? scope.departmentCode);
    if (scope.itemCode) parts.push(this.o.catalogue.get(scope.itemCode)?.name ?? scope.itemCode);
    return {
      level: scopeLevel(scope),
      key: scopeKey(scope),
      ...(scope.districtCode ? { districtCode: scope.districtCode } : {}),
      ...(scope.departmentCode ? { departmentCode: scope.departmentCode } : {}),
      ...(scope.itemCode ? { itemCode: scope.itemCode } : {}),
      name: parts.length ? parts.join(' · ') : '重庆市',
    };
  }

  /** Facts, stage waits, implemented items and bad-rating outcomes of a period. */
  async periodData(period: Period, mode: FactMode = 'live', cutoffMs?: number, opts: { refresh?: boolean } = {}): Promise<PeriodData> {
    const { builder } = this.o;
    const implementedFrom = yearBefore(period.to);
    if (mode === 'live' && builder.ready) {
      const key = `${period.key}|${builder.generation}`;
      const hit = this.cache.get(key);
      if (hit) return hit;
      const data = await this.read(period, implementedFrom, builder.lastCutoff, 'rollup', 'rollup');
      this.cache.set(key, data);
      while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      return data;
    }
    if (mode === 'raw' || !builder.ready) return this.read(period, implementedFrom, cutoffMs ?? this.o.now(), 'raw', 'raw');
    if (mode === 'rollup') return this.read(period, implementedFrom, builder.lastCutoff, 'rollup', 'rollup');
    // verified
    const cutoff = cutoffMs ?? this.defaultCutoff();
    if (opts.refresh !== false) await this.refreshFor(cutoff);
    const periodOk = await this.rollupHolds(period.from, period.to, cutoff);
    const windowOk = periodOk && (await this.rollupHolds(implementedFrom, period.from, cutoff));
    return this.read(period, implementedFrom, cutoff, periodOk ? 'rollup' : 'raw', windowOk ? 'rollup' : 'raw');
  }

  /** Brings the rollup up to a cut-off (a past cut-off: up to now, the builds then show what they read). */
  async refreshFor(cutoffMs: number): Promise<void> {
    await this.o.builder.refresh(cutoffMs >= this.o.builder.lastCutoff ? cutoffMs : undefined);
  }

  /** The cut-off a report takes by default: now, less the time an accepted event may take to reach ClickHouse. */
  defaultCutoff(): number {
    return this.o.now() - this.o.settleMs;
  }

  /** Whether every build of [from, to) read no event received after the cut-off. */
  private async rollupHolds(from: IsoDate, to: IsoDate, cutoffMs: number): Promise<boolean> {
    for (const b of (await this.o.builder.builds(from, to)).values()) if (b.maxReceived > cutoffMs) return false;
    return true;
  }

  private async read(period: Period, implementedFrom: IsoDate, cutoffMs: number, facts: FactSource, window: FactSource): Promise<PeriodData> {
    const { repo } = this.o;
    const w = { from: period.from, to: period.to, cutoffMs };
    const [rows, pairs, bad, rectificationRecorded] = await Promise.all([
      facts === 'rollup' ? repo.rollupFacts(period.from, period.to) : repo.rawFacts(w),
      window === 'rollup' ? repo.rollupSubmittedPairs(implementedFrom, period.to) : repo.rawSubmittedPairs({ from: implementedFrom, to: period.to, cutoffMs }),
      // The ratings reach back before the period: from the rollup only where the window's builds hold too.
      repo.badRatingGroups(facts === 'rollup' && window === 'rollup' ? 'rollup' : 'raw', addCalendarDays(period.from, -RECTIFICATION_LOOKBACK_DAYS), period.to, cutoffMs),
      repo.rectificationRecorded(cutoffMs),
    ]);
    const implemented = new Map<string, Set<string>>();
    for (const p of pairs) {
      const [district, item] = p.split('|') as [string, string];
      implemented.set(district, (implemented.get(district) ?? new Set()).add(item));
    }
    return {
      period,
      rows,
      implemented,
      badRatings: this.rectificationOutcomes(bad, period, cutoffMs),
      rectificationRecorded,
      cutoffMs,
      source: facts === 'raw' || window === 'raw' ? 'raw' : 'rollup',
    };
  }

  /** The bad ratings whose deadline (15 working days after the rating) falls in the period, with their outcome as of the cut-off. */
  rectificationOutcomes(groups: BadRatingGroup[], period: Period, cutoffMs: number): BadRatingOutcome[] {
    const cal = this.o.calendar();
    const cutoffDay = shanghaiDate(cutoffMs);
    const deadlines = new Map<IsoDate, IsoDate>();
    const out: BadRatingOutcome[] = [];
    for (const g of groups) {
      let deadline = deadlines.get(g.ratedDay);
      if (deadline === undefined) deadlines.set(g.ratedDay, (deadline = rectificationDue(cal, g.ratedDay)));
      if (deadline < period.from || deadline >= period.to) continue;
      const status = g.rectifiedDay !== null && g.rectifiedDay <= deadline ? 'onTime' : cutoffDay > deadline ? 'late' : 'pending';
      out.push({ ratedDay: g.ratedDay, districtCode: g.districtCode, itemCode: g.itemCode, rectifiedDay: g.rectifiedDay, n: g.n, deadline, status });
    }
    return out;
  }

  /** The item codes a scope is limited to (one item, a department's items), or undefined for all items. */
  itemCodesOf(scope: MetricScope): string[] | undefined {
    if (scope.itemCode) return [scope.itemCode];
    if (scope.departmentCode) return this.catalogueView().itemsOfDepartment.get(scope.departmentCode) ?? [];
    return undefined;
  }

  /** Stage waits (堵点) of a period, narrowed to a scope, per item and stage. */
  async stages(data: PeriodData, scope: MetricScope): Promise<StageRow[]> {
    const itemCodes = this.itemCodesOf(scope);
    const filter: StageFilter = { ...(scope.districtCode ? { districtCode: scope.districtCode } : {}), ...(itemCodes ? { itemCodes } : {}) };
    const { period, cutoffMs } = data;
    return data.source === 'rollup'
      ? this.o.repo.rollupStages(period.from, period.to, filter)
      : this.o.repo.rawStages({ from: period.from, to: period.to, cutoffMs }, filter);
  }

  /**
   * The 五度 of one scope from period data. For the whole city the scores, total and index are the
   * case-weighted means of the districts (CITY_DEFINITION); everything else is city-wide facts.
   */
  figures(data: PeriodData, scope: MetricScope): WuduResult {
    const own = this.scopeFigures(data, scope);
    if (scopeLevel(scope) !== 'city') return own;
    const city = this.cityOf(data);
    return { ...own, scores: city.scores, total: city.total, index: city.index };
  }

  /** CITY_DEFINITION over the districts' figures of a period (memoised with them). */
  cityOf(data: PeriodData): CityFigures {
    const memo = this.memoOf(data);
    memo.city ??= cityFromDistricts(
      DISTRICTS.map((d) => {
        const r = this.scopeFigures(data, { districtCode: d.code });
        return { code: d.code, index: r.index, total: r.total, scores: r.scores, submitted: r.facts.submitted };
      }),
    );
    return memo.city;
  }

  /**
   * The memo of a period's figures. They are pure of the period data (immutable: a live period's is replaced
   * at each rollup generation), the metric config and the catalogue; a new config or catalogue starts it
   * afresh. A ranking computes every district's or department's figures (≈ 1 ms each at a month of 3M
   * events), so the wall's repeated rankings, and the city figures, which need every district's too, share them.
   */
  private memoOf(data: PeriodData): FiguresMemo {
    const config = this.config;
    const view = this.catalogueView();
    let memo = this.figuresMemo.get(data);
    if (!memo || memo.config !== config || memo.view !== view) this.figuresMemo.set(data, (memo = { config, view, scopes: new Map() }));
    return memo;
  }

  private scopeFigures(data: PeriodData, scope: MetricScope): WuduResult {
    const memo = this.memoOf(data);
    const key = scopeKey(scope);
    let figures = memo.scopes.get(key);
    if (!figures) memo.scopes.set(key, (figures = this.computeScopeFigures(data, scope)));
    return figures;
  }

  private computeScopeFigures(data: PeriodData, scope: MetricScope): WuduResult {
    const { items, byCode, consistent } = this.catalogueView();
    const inScope = scopeItems(items, scope);
    const implemented = scope.districtCode ? (data.implemented.get(scope.districtCode) ?? new Set<string>()) : this.rowIndex(data).implementedAnywhere;
    const rect: RectificationFacts = { due: 0, onTime: 0, pending: 0 };
    const index = this.rowIndex(data);
    for (const b of this.candidates(data.badRatings, index.badByDistrict, index.badByItem, scope)) {
      if (!rowInScope(b, scope, byCode)) continue;
      if (b.status === 'pending') rect.pending += b.n;
      else {
        rect.due += b.n;
        if (b.status === 'onTime') rect.onTime += b.n;
      }
    }
    return computeWudu({
      facts: this.presummed(index, scope),
      rows: this.candidates(data.rows, index.byDistrict, index.byItem, scope).filter((r) => rowInScope(r, scope, byCode)),
      items: inScope,
      itemByCode: byCode,
      consistent,
      implemented,
      rectification: rect,
      rectificationRecorded: data.rectificationRecorded,
      config: this.config,
    });
  }

  async wudu(period: Period, scope: MetricScope, mode: FactMode = 'live', cutoffMs?: number): Promise<WuduResponse> {
    const data = await this.periodData(period, mode, cutoffMs);
    return this.wuduResponse(data, scope);
  }

  wuduResponse(data: PeriodData, scope: MetricScope): WuduResponse {
    const r = this.figures(data, scope);
    return {
      period: data.period.key,
      periodRange: data.period,
      scope: this.scopeView(scope),
      definitionVersion: METRIC_DEFINITION_VERSION,
      scores: r.scores,
      total: r.total,
      index: r.index,
      subMeasures: r.subMeasures,
      headline: r.headline,
      cutoff: shanghaiIso(data.cutoffMs),
      source: data.source,
    };
  }

  /** The figures of every district (all 38 and the three zones) or every department of the catalogue. */
  units(data: PeriodData, kind: 'district' | 'department', within: MetricScope = {}): UnitFigures[] {
    const units: Array<[string, string]> =
      kind === 'district' ? DISTRICTS.map((d) => [d.code, d.name]) : [...this.departments().entries()];
    return units.map(([code, name]) => {
      const scope: MetricScope = kind === 'district' ? { ...within, districtCode: code } : { ...within, departmentCode: code };
      const result = this.figures(data, scope);
      const f = result.facts;
      return { code, name, result, activity: f.submitted + f.accepted + f.completed + f.rated };
    });
  }

  /** Rankings of a period with rank changes against the previous period. */
  async ranking(period: Period, kind: 'district' | 'department', mode: FactMode = 'live', cutoffMs?: number) {
    const data = await this.periodData(period, mode, cutoffMs);
    const previous = await this.periodData(previousPeriod(period), mode === 'verified' ? 'verified' : mode, mode === 'verified' ? data.cutoffMs : cutoffMs);
    return { data, previous, ...this.rank(data, previous, kind) };
  }

  /** Ranks a period's units; without `previous` (not comparable, see COMPARISON_RULE) no rank changes. */
  rank(data: PeriodData, previous: PeriodData | undefined, kind: 'district' | 'department', within: MetricScope = {}) {
    const current = this.units(data, kind, within);
    const before = previous ? rankRows(this.units(previous, kind, within).map(toRankingInput)) : [];
    const prevRanks = new Map(before.filter((r) => r.rank !== null).map((r) => [r.code, r.rank!]));
    const rows = rankRows(current.map(toRankingInput), prevRanks);
    const byCode = new Map(current.map((u) => [u.code, u]));
    return { rows, units: byCode };
  }
}

function sumOf(map: Map<string, MetricFacts>, key: string): MetricFacts {
  let f = map.get(key);
  if (!f) map.set(key, (f = emptyFacts()));
  return f;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const toRankingInput = (u: UnitFigures): RankingInput => ({ code: u.code, name: u.name, index: u.result.index, total: u.result.total, activity: u.activity });
