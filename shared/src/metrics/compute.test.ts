import { describe, expect, it } from 'vitest';
import type { ServiceItemRecord } from '../service-item.ts';
import { cityFromDistricts, computeWudu, consistentItemCodes, efficiencyIndex, gradeFor, rankRows, rowInScope, scopeItems, scopeKey } from './compute.ts';
import { DEFAULT_METRIC_CONFIG, SUB_MEASURES, validateMetricConfig } from './definitions.ts';
import { addFacts, emptyFacts, FACT_KEYS, type FactRow, type MetricFacts } from './facts.ts';

const guide = (filled: number) =>
  Object.fromEntries(['basis', 'conditions', 'materials', 'process', 'timeLimit', 'fees', 'place', 'contact'].map((e, i) => [e, i < filled]));

/** Three items: A and C share a name but differ in power type and department (三级四同 broken). */
const A = { itemCode: 'A', name: '甲事项', powerType: '行政许可', department: '甲局', departmentCode: 'D1', level: 'district', statutoryLimitDays: 20, promisedLimitDays: 10, onlineDepth: 4, channels: ['window', 'pc', 'mobile'], crossDistrict: true, visitsRequired: 0, guide: guide(8), materialsCount: 3 } as ServiceItemRecord;
const B = { itemCode: 'B', name: '乙事项', powerType: '行政许可', department: '甲局', departmentCode: 'D1', level: 'township', statutoryLimitDays: 10, promisedLimitDays: 8, onlineDepth: 2, channels: ['window'], crossDistrict: false, visitsRequired: 2, guide: guide(6), materialsCount: 2 } as ServiceItemRecord;
const C = { itemCode: 'C', name: '甲事项', powerType: '行政确认', department: '乙局', departmentCode: 'D2', level: 'city', statutoryLimitDays: 0, promisedLimitDays: 0, onlineDepth: 3, channels: ['window', 'pc', 'mobile', 'kiosk'], crossDistrict: true, visitsRequired: 1, guide: guide(8), materialsCount: 3 } as ServiceItemRecord;
const ITEMS = [A, B, C];
const byCode = new Map(ITEMS.map((i) => [i.itemCode, i]));

const facts = (f: Partial<MetricFacts>): MetricFacts => ({ ...emptyFacts(), ...f });
const ROWS: FactRow[] = [
  {
    districtCode: '500118',
    itemCode: 'A',
    facts: facts({
      submitted: 6, submittedWindow: 2, submittedPc: 2, submittedMobile: 2, accepted: 5, supplements: 1, rejected: 1, completed: 4,
      visitsKnown: 4, visits0: 3, visits1: 1, onTimeKnown: 4, onTime: 3, statutoryKnown: 4, statutoryOnTime: 4,
      daysKnown: 4, usedDays: 12, statutoryDays: 80, promisedDays: 40, rated: 4, ratedGood: 3, ratedBad: 1, ratingSum: 15,
      handlingKnown: 4, handlingMinutes: 480,
    }),
  },
  {
    districtCode: '500118',
    itemCode: 'B',
    facts: facts({
      submitted: 2, submittedWindow: 2, accepted: 2, completed: 1, visitsKnown: 1, onTimeKnown: 1, onTime: 0, statutoryKnown: 1, statutoryOnTime: 1,
      daysKnown: 1, usedDays: 9, statutoryDays: 10, promisedDays: 8, handlingKnown: 1, handlingMinutes: 120,
    }),
  },
  { districtCode: '500101', itemCode: 'C', facts: facts({ submitted: 1, submittedKiosk: 1 }) },
];

describe('the 五度 formulas on a hand-built scope', () => {
  const scope = { districtCode: '500118' };
  const items = scopeItems(ITEMS, scope);
  const result = computeWudu({
    rows: ROWS.filter((r) => rowInScope(r, scope, byCode)),
    items,
    itemByCode: byCode,
    consistent: consistentItemCodes(ITEMS),
    implemented: new Set(['A', 'B']),
    rectification: { due: 1, onTime: 1, pending: 0 },
    config: DEFAULT_METRIC_CONFIG,
  });
  const sub = (key: string) => result.subMeasures.find((s) => s.key === key)!;

  it('leaves city-level items out of a district’s scope', () => {
    expect(items.map((i) => i.itemCode)).toEqual(['A', 'B']);
    expect(scopeKey(scope)).toBe('district:500118');
  });

  it('computes every sub-measure as worked out by hand', () => {
    // channels offered: A 3 + B 1 of 2 × 4
    expect(sub('completeness.channelOffer')).toMatchObject({ value: 0.5, score: 50, numerator: 4, denominator: 8 });
    // submissions window 4, pc 2, mobile 2: −(½ln½ + 2·¼ln¼) ÷ ln 4 = 0.75
    expect(sub('completeness.channelUsage')).toMatchObject({ value: 0.75, score: 75 });
    expect(sub('coverage.implemented')).toMatchObject({ value: 1, score: 100, detail: { district: 1, township: 1 } });
    expect(sub('coverage.crossDistrict')).toMatchObject({ value: 0.5, score: 50 });
    expect(sub('coverage.active')).toMatchObject({ value: 1, numerator: 2, denominator: 2 });
    // guide elements 8 + 6 of 16
    expect(sub('guideAccuracy.guideComplete')).toMatchObject({ value: 0.875, score: 87.5 });
    // A shares its name with C, which has another power type and department: only B is consistent
    expect(sub('guideAccuracy.consistency')).toMatchObject({ value: 0.5, score: 50 });
    // 1 补正 per 7 受理: score 100 × 6/7
    expect(sub('guideAccuracy.supplementRate')).toMatchObject({ value: 0.1429, score: 85.7 });
    expect(sub('guideAccuracy.returnRate')).toMatchObject({ value: 0.125, score: 87.5 });
    expect(sub('onlineDepth.fullOnlineItems')).toMatchObject({ value: 0.5 });
    expect(sub('onlineDepth.onlineCases')).toMatchObject({ value: 0.5, numerator: 4, denominator: 8 });
    expect(sub('onlineDepth.zeroTrip')).toMatchObject({ value: 0.6, numerator: 3, denominator: 5 });
    expect(sub('onlineDepth.atMostOneTrip')).toMatchObject({ value: 0.8 });
    expect(sub('effectiveness.onTime')).toMatchObject({ value: 0.6, numerator: 3, denominator: 5 });
    // 21 working days used of 90 statutory
    expect(sub('effectiveness.timeUsed')).toMatchObject({ value: 0.2333, score: 76.7 });
    expect(sub('effectiveness.goodRating')).toMatchObject({ value: 0.75 });
    expect(sub('effectiveness.rectifiedOnTime')).toMatchObject({ value: 1, score: 100 });
    expect(result.subMeasures).toHaveLength(SUB_MEASURES.length);
  });

  it('averages sub-measures into the five scores, the weighted total and the index', () => {
    expect(result.scores).toEqual({ completeness: 62.5, coverage: 83.3, guideAccuracy: 77.7, onlineDepth: 60, effectiveness: 77.9 });
    // (62.5 + 83.333 + 77.679 + 60 + 77.917) / 5
    expect(result.total).toBe(72.3);
    // (62.5/70 + 83.333/70 + 77.679/90 + 60/70 + 77.917/90) / 5
    expect(result.index).toBe(0.934);
  });

  it('gives the headline ratios', () => {
    expect(result.headline).toMatchObject({
      onTimeRate: 0.6,
      statutoryOnTimeRate: 1,
      promisedVsStatutoryReduction: 0.35, // mean of 1 − 10/20 and 1 − 8/10
      zeroTripRate: 0.6,
      oneTripRate: 0.2,
      zeroOrOneTripRate: 0.8,
      zeroOrOneTripItemShare: 0.5,
      crossDistrictItemShare: 0.5,
      crossDistrictCaseShare: 0.75,
      onlineShare: 0.5,
      goodRatingRate: 0.75,
      badRatingRate: 0.25,
      badRectifiedOnTimeRate: 1,
      averageHandlingHours: 2,
    });
    expect(result.headline.counts).toMatchObject({ items: 2, submitted: 8, completed: 5, completedLate: 2, badRatings: 1 });
  });

  it('leaves a sub-measure without data out of its 度 instead of scoring it 0', () => {
    const empty = computeWudu({ rows: [], items, itemByCode: byCode, consistent: new Set(), implemented: new Set(), rectification: { due: 0, onTime: 0, pending: 0 }, config: DEFAULT_METRIC_CONFIG });
    expect(empty.subMeasures.find((s) => s.key === 'effectiveness.onTime')!.value).toBeNull();
    expect(empty.scores.effectiveness).toBeNull();
    expect(empty.scores.completeness).toBe(50); // channel offer only
  });
});

describe('facts', () => {
  it('adds every fact', () => {
    const ones = Object.fromEntries(FACT_KEYS.map((k) => [k, 1])) as MetricFacts;
    expect(Object.values(addFacts(addFacts(emptyFacts(), ones), ones))).toEqual(FACT_KEYS.map(() => 2));
  });
});

describe('department scope', () => {
  it('takes a department’s items and the rows of those items in every district', () => {
    const scope = { departmentCode: 'D2' };
    expect(scopeItems(ITEMS, scope).map((i) => i.itemCode)).toEqual(['C']);
    expect(ROWS.filter((r) => rowInScope(r, scope, byCode)).map((r) => r.districtCode)).toEqual(['500101']);
  });
});

describe('the efficiency index and rankings', () => {
  it('is 1.0 on target and caps over-performance', () => {
    const onTarget = { completeness: 70, coverage: 70, guideAccuracy: 90, onlineDepth: 70, effectiveness: 90 };
    expect(efficiencyIndex(onTarget, DEFAULT_METRIC_CONFIG)).toBeCloseTo(1, 10);
    expect(efficiencyIndex({ ...onTarget, completeness: 100 }, DEFAULT_METRIC_CONFIG)).toBeCloseTo((1.2 + 4) / 5, 10);
    expect(gradeFor(1.05, DEFAULT_METRIC_CONFIG)).toBe('优秀');
    expect(gradeFor(0.9, DEFAULT_METRIC_CONFIG)).toBe('合格');
  });

  it('ranks by index, says how far each moved, and lists units without cases last', () => {
    const rows = rankRows(
      [
        { code: 'a', name: '甲', index: 0.9, total: 60, activity: 5 },
        { code: 'b', name: '乙', index: 1.1, total: 80, activity: 5 },
        { code: 'c', name: '丙', index: 0.9, total: 70, activity: 5 },
        { code: 'd', name: '丁', index: 0.5, total: 40, activity: 0 },
      ],
      new Map([['a', 1], ['b', 3]]),
    );
    // a and c tie at 0.900: both 2nd (listed by code), and nobody is 3rd.
    expect(rows.map((r) => [r.code, r.rank, r.rankChange])).toEqual([['b', 1, 2], ['a', 2, -1], ['c', 2, null], ['d', null, null]]);
  });

  it('gives equal indexes an equal rank and skips the next ranks (competition ranking)', () => {
    const unit = (code: string, index: number) => ({ code, name: code, index, total: 50, activity: 1 });
    const rows = rankRows([unit('e', 0.95), unit('a', 0.977), unit('d', 0.977), unit('b', 0.9771), unit('c', 0.977), unit('f', 0.99)]);
    // 0.9771 publishes as 0.977: four districts tie for 2nd; the next is 6th.
    expect(rows.map((r) => [r.code, r.rank])).toEqual([['f', 1], ['a', 2], ['b', 2], ['c', 2], ['d', 2], ['e', 6]]);
  });

  it('forms the city figures as the case-weighted mean of the districts', () => {
    const scores = (v: number | null) => ({ completeness: v, coverage: v, guideAccuracy: v, onlineDepth: v, effectiveness: v });
    const city = cityFromDistricts([
      { code: 'a', index: 0.9, total: 60, scores: scores(60), submitted: 300 },
      { code: 'b', index: 1.0, total: 80, scores: scores(null), submitted: 100 },
      { code: 'c', index: null, total: null, scores: scores(null), submitted: 0 },
      { code: 'd', index: 2.0, total: 99, scores: scores(99), submitted: 0 },
    ]);
    expect(city).toMatchObject({ index: 0.925, total: 65, districts: 2, weight: 400 });
    expect(city.scores.coverage).toBe(60);
  });

  it('validates configuration with every reason', () => {
    const bad = validateMetricConfig({ ...DEFAULT_METRIC_CONFIG, weights: { ...DEFAULT_METRIC_CONFIG.weights, coverage: -1 }, indexCap: 0.5 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.length).toBe(2);
  });
});
