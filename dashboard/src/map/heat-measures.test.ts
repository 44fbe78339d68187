import { describe, expect, it } from 'vitest';
import { overview } from '../../test/wire-fixtures.ts';
import { districtFigures } from './district-figures.ts';
import { MEASURES, NO_DATA_COLOR, colorScale, heatColoring, measureValues, type MeasureSources } from './heat-measures.ts';

const codes = ['500118', '500101', '500103'];
const src: MeasureSources = {
  today: { day: '2025-10-15', totals: {}, districts: { '500118': { submitted: 40, accepted: 30 }, '500101': { submitted: 10 } } },
  supervision: overview({
    counts: { open: 30, yellow: 4, red: 3 },
    byLevel: { city: 0, district: 30, township: 0, village: 0 },
    byDistrict: { '500118': { open: 20, yellow: 4, red: 2 }, '500101': { open: 10, yellow: 0, red: 1 } },
    redList: [],
  }),
  ranking: [{ code: '500118', name: '永川区', index: 1.12, rank: 1, rankChange: 2, total: 88 }],
};

describe('heat map measures', () => {
  it('reads each measure from its own source', () => {
    expect([...measureValues('today', codes, src)!.values()]).toEqual([40, 10, 0]);
    expect([...measureValues('open', codes, src)!.values()]).toEqual([20, 10, 0]);
    expect([...measureValues('overdueRate', codes, src)!.values()]).toEqual([0.1, 0.1, null]);
    expect([...measureValues('index', codes, src)!.values()]).toEqual([1.12, null, null]);
  });

  it('has no values, rather than zeros, when the source has not reported', () => {
    const none: MeasureSources = { today: undefined, supervision: undefined, ranking: undefined };
    for (const key of ['today', 'open', 'overdueRate', 'index'] as const) expect(measureValues(key, codes, none)).toBeUndefined();
    const c = heatColoring('open', codes, none);
    expect(c.available).toBe(false);
    expect([...c.colors.values()].every((x) => x === NO_DATA_COLOR)).toBe(true);
  });

  it('colours the largest value hottest and districts without a figure as no data', () => {
    const scale = colorScale('today', new Map([['a', 0], ['b', 40], ['c', null]]));
    expect(scale.domain).toEqual([0, 40]);
    expect(scale.colorOf(40)).toEqual([255, 112, 67, 235]);
    expect(scale.colorOf(null)).toBe(NO_DATA_COLOR);
    expect(scale.gradient).toMatch(/^linear-gradient\(90deg, rgb\(/);
  });

  it('centres the efficiency index on its target of 1.0', () => {
    const scale = colorScale('index', new Map([['a', 0.8], ['b', 1.1]]));
    expect(scale.domain[0]).toBeCloseTo(0.8);
    expect(scale.domain[1]).toBeCloseTo(1.2);
  });

  it('changes the colouring key exactly when a colour changes', () => {
    const a = heatColoring('today', codes, src);
    const b = heatColoring('today', codes, { ...src, today: { ...src.today!, districts: { ...src.today!.districts } } });
    expect(b.key).toBe(a.key);
    const c = heatColoring('today', codes, { ...src, today: { ...src.today!, districts: { ...src.today!.districts, '500103': { submitted: 5 } } } });
    expect(c.key).not.toBe(a.key);
    expect(heatColoring('open', codes, src).key).not.toBe(a.key);
  });

  it('keeps the colours when a count moves by one among hundreds', () => {
    const counts = (n: number) => ({ ...src, today: { ...src.today!, districts: { '500118': { submitted: 500 }, '500101': { submitted: n } } } });
    expect(heatColoring('today', codes, counts(301)).key).toBe(heatColoring('today', codes, counts(300)).key);
    expect(heatColoring('today', codes, counts(400)).key).not.toBe(heatColoring('today', codes, counts(300)).key);
  });

  it('formats each measure in its unit', () => {
    expect(MEASURES.overdueRate.format(0.125)).toBe('12.5%');
    expect(MEASURES.today.format(12345)).toBe('12,345');
    expect(MEASURES.index.format(1.1234)).toBe('1.12');
  });

  it('lists a district’s figures, leaving out sources that have not reported', () => {
    const all = districtFigures('500118', src);
    expect(all.name).toBe('永川区');
    expect(all.figures.map((f) => f.label)).toEqual(['今日申办', '今日受理', '今日办结', '在办', '预警（黄）', '超期（红）', '超期率', '效能指数']);
    expect(all.figures.at(-1)!.value).toBe('1.12（第1名）');
    const bare = districtFigures('500118', { today: src.today, supervision: undefined, ranking: undefined });
    expect(bare.figures.map((f) => f.label)).toEqual(['今日申办', '今日受理', '今日办结']);
  });
});
