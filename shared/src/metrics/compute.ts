import { CHANNELS, LEVELS } from '../event-schema.ts';
import type { ServiceItemRecord } from '../service-item.ts';
import { GUIDE_ELEMENTS } from '../service-item.ts';
import {
  METRIC_DEFINITION_VERSION,
  SUB_MEASURES,
  WUDU_DIMENSIONS,
  type MetricConfig,
  type MetricSource,
  type SubMeasureDefinition,
  type WuduDimension,
} from './definitions.ts';
import { sumFacts, type FactRow, type MetricFacts, type RectificationFacts } from './facts.ts';

/*
 * The formulas of definitions.ts as pure functions of summed facts and catalogue items. Nothing here reads a
 * database or a clock: the server computes facts (raw log or rollup) and hands them over.
 */

export type ScopeLevel = 'city' | 'district' | 'department' | 'item';

/** What a figure is about: the city, or narrowed to a district, a department and/or an item. */
export interface MetricScope {
  districtCode?: string | undefined;
  departmentCode?: string | undefined;
  itemCode?: string | undefined;
}

export function scopeLevel(scope: MetricScope): ScopeLevel {
  if (scope.itemCode) return 'item';
  if (scope.departmentCode) return 'department';
  if (scope.districtCode) return 'district';
  return 'city';
}

/** A stable key for a scope: 'city', 'district:500118', 'district:500118+department:SCJG' … */
export function scopeKey(scope: MetricScope): string {
  const parts = [
    scope.districtCode ? `district:${scope.districtCode}` : '',
    scope.departmentCode ? `department:${scope.departmentCode}` : '',
    scope.itemCode ? `item:${scope.itemCode}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('+') : 'city';
}

export type CatalogueItem = ServiceItemRecord;

/** The department code of an item (the catalogue's departmentCode, else its department name). */
export const itemDepartment = (item: CatalogueItem): string => item.departmentCode ?? item.department;

/** The catalogue items a scope answers for (see SUB_MEASURES in definitions.ts). */
export function scopeItems(items: readonly CatalogueItem[], scope: MetricScope): CatalogueItem[] {
  if (scope.itemCode) return items.filter((i) => i.itemCode === scope.itemCode);
  return items.filter(
    (i) => (!scope.departmentCode || itemDepartment(i) === scope.departmentCode) && (!scope.districtCode || i.level !== 'city'),
  );
}

/** Whether a fact row belongs to a scope (department through the item's catalogue entry). */
export function rowInScope(row: { districtCode: string; itemCode: string }, scope: MetricScope, itemByCode: ReadonlyMap<string, CatalogueItem>): boolean {
  if (scope.districtCode && row.districtCode !== scope.districtCode) return false;
  if (scope.itemCode && row.itemCode !== scope.itemCode) return false;
  if (scope.departmentCode) {
    const item = itemByCode.get(row.itemCode);
    if (!item || itemDepartment(item) !== scope.departmentCode) return false;
  }
  return true;
}

const materialsOf = (item: CatalogueItem): unknown => (item as Record<string, unknown>).materialsCount;

/**
 * 三级四同: an item is consistent when every item of the same name (at any level) has the same power type,
 * department and number of materials. The catalogue codes items per level, so codes are not compared.
 */
export function consistentItemCodes(items: readonly CatalogueItem[]): Set<string> {
  const byName = new Map<string, CatalogueItem[]>();
  for (const i of items) byName.set(i.name, [...(byName.get(i.name) ?? []), i]);
  const out = new Set<string>();
  for (const group of byName.values()) {
    const first = group[0]!;
    const same = group.every((i) => i.powerType === first.powerType && itemDepartment(i) === itemDepartment(first) && materialsOf(i) === materialsOf(first));
    if (same) for (const i of group) out.add(i.itemCode);
  }
  return out;
}

export interface SubMeasureResult {
  key: string;
  dimension: WuduDimension;
  name: string;
  source: MetricSource;
  /** The ratio (0–1; a rate for inverse measures), null without data. */
  value: number | null;
  /** 0–100, null without data. */
  score: number | null;
  numerator: number | null;
  denominator: number | null;
  detail?: Record<string, number | null>;
}

export interface Headline {
  onTimeRate: number | null;
  statutoryOnTimeRate: number | null;
  promisedVsStatutoryReduction: number | null;
  zeroTripRate: number | null;
  oneTripRate: number | null;
  zeroOrOneTripRate: number | null;
  zeroOrOneTripItemShare: number | null;
  crossDistrictItemShare: number | null;
  crossDistrictCaseShare: number | null;
  onlineShare: number | null;
  goodRatingRate: number | null;
  badRatingRate: number | null;
  badRectifiedOnTimeRate: number | null;
  averageHandlingHours: number | null;
  counts: {
    items: number;
    submitted: number;
    accepted: number;
    completed: number;
    completedLate: number;
    rejected: number;
    withdrawn: number;
    supplements: number;
    rated: number;
    badRatings: number;
    badRatingsDue: number;
    badRectifiedOnTime: number;
    badRatingsPending: number;
    tooFast: number;
    dataQuality: number;
  };
}

export type WuduScores = Record<WuduDimension, number | null>;

export interface WuduResult {
  scores: WuduScores;
  total: number | null;
  index: number | null;
  subMeasures: SubMeasureResult[];
  headline: Headline;
  facts: MetricFacts;
  definitionVersion: string;
}

export interface WuduInput {
  /** Fact rows of the scope (already filtered with rowInScope). */
  rows: readonly FactRow[];
  /** The scope's catalogue items (scopeItems). */
  items: readonly CatalogueItem[];
  /** Every catalogue item, for looking up the rows' items. */
  itemByCode: ReadonlyMap<string, CatalogueItem>;
  /** consistentItemCodes over the whole catalogue. */
  consistent: ReadonlySet<string>;
  /** Items of the scope with at least one 申办 in the 12 months to the period's end. */
  implemented: ReadonlySet<string>;
  rectification: RectificationFacts;
  /**
   * Whether any rectification has been recorded anywhere by the cut-off. While none has, the source systems
   * do not report follow-ups at all and 差评按期整改率 is unknown (null), not 0. Default true.
   */
  rectificationRecorded?: boolean | undefined;
  config: MetricConfig;
  /** The rows' facts already summed (a caller computing many scopes sums once); summed here when absent. */
  facts?: MetricFacts | undefined;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);
const round = (x: number | null, digits: number): number | null => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

function scoreOf(def: SubMeasureDefinition, value: number | null): number | null {
  if (value === null) return null;
  return 100 * (def.scoring === 'inverse' ? 1 - clamp01(value) : clamp01(value));
}

/** Weighted mean of the values that are not null; null when none is. */
function weightedMean(pairs: Array<[number | null, number]>): number | null {
  let sum = 0;
  let weights = 0;
  for (const [v, w] of pairs) {
    if (v === null || w <= 0) continue;
    sum += v * w;
    weights += w;
  }
  return weights > 0 ? sum / weights : null;
}

/** The efficiency index: Σ weight × min(cap, score ÷ target) ÷ Σ weight over the 度 with a score. 1.0 = on target. */
export function efficiencyIndex(scores: WuduScores, config: MetricConfig): number | null {
  return weightedMean(WUDU_DIMENSIONS.map((d) => [scores[d] === null ? null : Math.min(config.indexCap, scores[d]! / config.targets[d]), config.weights[d]]));
}

/** 年考评 grade of an index. */
export function gradeFor(index: number | null, config: MetricConfig): string | null {
  if (index === null) return null;
  return config.grades.find((g) => index >= g.minIndex)?.name ?? config.grades.at(-1)!.name;
}

/** The five scores, total, index, sub-measures and headline of one scope and period. */
export function computeWudu(input: WuduInput): WuduResult {
  const { items, config } = input;
  const f = input.facts ?? sumFacts(input.rows.map((r) => r.facts));
  const n = items.length;
  const inScope = new Set(items.map((i) => i.itemCode));
  const values = new Map<string, { num: number | null; den: number | null; value: number | null; detail?: Record<string, number | null> }>();
  const put = (key: string, num: number | null, den: number | null, detail?: Record<string, number | null>, value?: number | null) =>
    values.set(key, { num, den, value: value !== undefined ? value : num === null || den === null ? null : ratio(num, den), ...(detail ? { detail } : {}) });

  // 服务方式完备度
  const offered = Object.fromEntries(CHANNELS.map((c) => [c, items.filter((i) => i.channels.includes(c)).length]));
  put('completeness.channelOffer', items.reduce((s, i) => s + CHANNELS.filter((c) => i.channels.includes(c)).length, 0), 4 * n,
    Object.fromEntries(CHANNELS.map((c) => [c, round(ratio(offered[c]!, n), 4)])));
  const byChannel = { window: f.submittedWindow, pc: f.submittedPc, mobile: f.submittedMobile, kiosk: f.submittedKiosk };
  const channelTotal = Object.values(byChannel).reduce((a, b) => a + b, 0);
  const entropy = channelTotal > 0
    ? -Object.values(byChannel).reduce((s, c) => (c > 0 ? s + (c / channelTotal) * Math.log(c / channelTotal) : s), 0) / Math.log(CHANNELS.length)
    : null;
  put('completeness.channelUsage', null, channelTotal, Object.fromEntries(CHANNELS.map((c) => [c, round(ratio(byChannel[c], channelTotal), 4)])), entropy);

  // 服务事项覆盖度
  const perLevel: Record<string, number | null> = {};
  for (const level of LEVELS) {
    const atLevel = items.filter((i) => i.level === level);
    if (atLevel.length) perLevel[level] = round(ratio(atLevel.filter((i) => input.implemented.has(i.itemCode)).length, atLevel.length), 4);
  }
  put('coverage.implemented', items.filter((i) => input.implemented.has(i.itemCode)).length, n, perLevel);
  put('coverage.crossDistrict', items.filter((i) => i.crossDistrict).length, n);
  const activeItems = new Set(input.rows.filter((r) => r.facts.submitted > 0 && inScope.has(r.itemCode)).map((r) => r.itemCode));
  put('coverage.active', activeItems.size, n);

  // 办事指南准确度
  put('guideAccuracy.guideComplete', items.reduce((s, i) => s + GUIDE_ELEMENTS.filter((e) => i.guide[e] === true).length, 0), GUIDE_ELEMENTS.length * n);
  put('guideAccuracy.consistency', items.filter((i) => input.consistent.has(i.itemCode)).length, n);
  put('guideAccuracy.supplementRate', f.supplements, f.accepted);
  put('guideAccuracy.returnRate', f.rejected + f.withdrawn, f.submitted, { rejected: f.rejected, withdrawn: f.withdrawn });

  // 在线服务深度
  put('onlineDepth.fullOnlineItems', items.filter((i) => i.onlineDepth === 4).length, n,
    Object.fromEntries([1, 2, 3, 4].map((d) => [`depth${d}`, round(ratio(items.filter((i) => i.onlineDepth === d).length, n), 4)])));
  put('onlineDepth.onlineCases', f.submittedPc + f.submittedMobile, f.submitted);
  put('onlineDepth.zeroTrip', f.visits0, f.visitsKnown);
  put('onlineDepth.atMostOneTrip', f.visits0 + f.visits1, f.visitsKnown);

  // 在线服务成效度
  put('effectiveness.onTime', f.onTime, f.onTimeKnown);
  put('effectiveness.timeUsed', f.usedDays, f.statutoryDays, { promisedDays: f.promisedDays, cases: f.daysKnown });
  put('effectiveness.goodRating', f.ratedGood, f.rated);
  const rectKnown = input.rectificationRecorded !== false;
  put('effectiveness.rectifiedOnTime', rectKnown ? input.rectification.onTime : null, input.rectification.due, { pending: input.rectification.pending });

  const subMeasures: SubMeasureResult[] = SUB_MEASURES.map((def) => {
    const v = values.get(def.key)!;
    const score = scoreOf(def, v.value);
    return {
      key: def.key,
      dimension: def.dimension,
      name: def.name,
      source: def.source,
      value: round(v.value, 4),
      score: round(score, 1),
      numerator: v.num,
      denominator: v.den,
      ...(v.detail ? { detail: v.detail } : {}),
    };
  });
  const rawScores = Object.fromEntries(
    WUDU_DIMENSIONS.map((d) => [d, weightedMean(SUB_MEASURES.filter((s) => s.dimension === d).map((s) => [scoreOf(s, values.get(s.key)!.value), s.weight]))]),
  ) as WuduScores;
  const total = weightedMean(WUDU_DIMENSIONS.map((d) => [rawScores[d], config.weights[d]]));
  const index = efficiencyIndex(rawScores, config);

  const withLimits = items.filter((i) => i.statutoryLimitDays > 0);
  const withVisits = items.filter((i) => i.visitsRequired !== undefined);
  const crossSubmitted = input.rows.filter((r) => input.itemByCode.get(r.itemCode)?.crossDistrict).reduce((s, r) => s + r.facts.submitted, 0);
  const headline: Headline = {
    onTimeRate: round(ratio(f.onTime, f.onTimeKnown), 4),
    statutoryOnTimeRate: round(ratio(f.statutoryOnTime, f.statutoryKnown), 4),
    promisedVsStatutoryReduction: round(
      withLimits.length ? withLimits.reduce((s, i) => s + (1 - i.promisedLimitDays / i.statutoryLimitDays), 0) / withLimits.length : null,
      4,
    ),
    zeroTripRate: round(ratio(f.visits0, f.visitsKnown), 4),
    oneTripRate: round(ratio(f.visits1, f.visitsKnown), 4),
    zeroOrOneTripRate: round(ratio(f.visits0 + f.visits1, f.visitsKnown), 4),
    zeroOrOneTripItemShare: round(ratio(withVisits.filter((i) => (i.visitsRequired ?? 0) <= 1).length, withVisits.length), 4),
    crossDistrictItemShare: round(ratio(items.filter((i) => i.crossDistrict).length, n), 4),
    crossDistrictCaseShare: round(ratio(crossSubmitted, f.submitted), 4),
    onlineShare: round(ratio(f.submittedPc + f.submittedMobile, f.submitted), 4),
    goodRatingRate: round(ratio(f.ratedGood, f.rated), 4),
    badRatingRate: round(ratio(f.ratedBad, f.rated), 4),
    badRectifiedOnTimeRate: rectKnown ? round(ratio(input.rectification.onTime, input.rectification.due), 4) : null,
    averageHandlingHours: round(f.handlingKnown > 0 ? f.handlingMinutes / f.handlingKnown / 60 : null, 2),
    counts: {
      items: n,
      submitted: f.submitted,
      accepted: f.accepted,
      completed: f.completed,
      completedLate: f.onTimeKnown - f.onTime,
      rejected: f.rejected,
      withdrawn: f.withdrawn,
      supplements: f.supplements,
      rated: f.rated,
      badRatings: f.ratedBad,
      badRatingsDue: input.rectification.due,
      badRectifiedOnTime: input.rectification.onTime,
      badRatingsPending: input.rectification.pending,
      tooFast: f.tooFast,
      dataQuality: f.dataQuality,
    },
  };

  return {
    scores: Object.fromEntries(WUDU_DIMENSIONS.map((d) => [d, round(rawScores[d], 1)])) as WuduScores,
    total: round(total, 1),
    index: round(index, 3),
    subMeasures,
    headline,
    facts: f,
    definitionVersion: METRIC_DEFINITION_VERSION,
  };
}

export interface RankingInput {
  code: string;
  name: string;
  index: number | null;
  total: number | null;
  /** Events in the period; a unit without any is listed but not ranked. */
  activity: number;
}

export interface RankingRow {
  code: string;
  name: string;
  index: number | null;
  rank: number | null;
  /** Previous rank − rank: positive = moved up; null when not ranked in one of the two periods. */
  rankChange: number | null;
  total: number | null;
}

/**
 * Ranks by index, best first, by the competition rule of RANKING_RULE: equal index (three decimals, as
 * published) → equal rank, and the next rank skips (1, 2, 2, 4). Tied units are listed by code. Units without
 * activity or index come last, unranked (and without cases, without index or total).
 */
export function rankRows(rows: readonly RankingInput[], previousRanks: ReadonlyMap<string, number> = new Map()): RankingRow[] {
  const key = (x: number) => Math.round(x * 1000);
  const ranked = rows
    .filter((r) => r.activity > 0 && r.index !== null)
    .sort((a, b) => key(b.index!) - key(a.index!) || a.code.localeCompare(b.code));
  const unranked = rows.filter((r) => !(r.activity > 0 && r.index !== null)).sort((a, b) => a.code.localeCompare(b.code));
  let rank = 0;
  return [
    ...ranked.map((r, i) => {
      if (i === 0 || key(ranked[i - 1]!.index!) !== key(r.index!)) rank = i + 1;
      const prev = previousRanks.get(r.code);
      return { code: r.code, name: r.name, index: r.index, rank, rankChange: prev === undefined ? null : prev - rank, total: r.total };
    }),
    // Without cases in the period there is no index to speak of (only catalogue measures would score).
    ...unranked.map((r) => ({ code: r.code, name: r.name, index: r.activity > 0 ? r.index : null, rank: null, rankChange: null, total: r.activity > 0 ? r.total : null })),
  ];
}

export interface DistrictFigure {
  code: string;
  index: number | null;
  total: number | null;
  scores: WuduScores;
  /** 申办件数 in the period: the weight. */
  submitted: number;
}

export interface CityFigures {
  index: number | null;
  total: number | null;
  scores: WuduScores;
  /** Districts that entered the index (with 申办 and an index). */
  districts: number;
  /** Σ 申办 of those districts. */
  weight: number;
}

/** CITY_DEFINITION: the city's index, total and 五度 as 申办-weighted means of the districts' (published) figures. */
export function cityFromDistricts(districts: readonly DistrictFigure[]): CityFigures {
  const mean = (pick: (d: DistrictFigure) => number | null, digits: number) => {
    let sum = 0;
    let w = 0;
    for (const d of districts) {
      const v = pick(d);
      if (v === null || d.submitted <= 0) continue;
      sum += v * d.submitted;
      w += d.submitted;
    }
    return w > 0 ? Math.round((sum / w) * 10 ** digits) / 10 ** digits : null;
  };
  const counted = districts.filter((d) => d.submitted > 0 && d.index !== null);
  return {
    index: mean((d) => d.index, 3),
    total: mean((d) => d.total, 1),
    scores: Object.fromEntries(WUDU_DIMENSIONS.map((k) => [k, mean((d) => d.scores[k], 1)])) as WuduScores,
    districts: counted.length,
    weight: counted.reduce((s, d) => s + d.submitted, 0),
  };
}
