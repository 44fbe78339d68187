import { describe, expect, it } from 'vitest';
import { districtShortName, type RankingRow } from '@tongban/shared';
import { caseLevelOption } from './case-level-option.ts';
import { districtRankingOption, indexAxisRange, indexColor, rankChangeLabel, rankingRowsShown } from './district-ranking-option.ts';
import { compareLabel, hourlyTrendOption } from './hourly-trend-option.ts';
import { WUDU_DIMENSIONS, wuduRadarOption, type WuduScores } from './wudu-radar-option.ts';

type Series = Array<{ type: string; name?: string; data: Array<{ value: unknown; name?: string; itemStyle?: { color: string }; label?: { formatter: string } } | number | null> }>;
const seriesOf = (o: object) => (o as { series: Series }).series;

const scores = (v: number): WuduScores => ({ completeness: v, coverage: v + 1, guideAccuracy: v + 2, onlineDepth: v + 3, effectiveness: v + 4 });

describe('五度 radar', () => {
  it('draws the city alone, or the city and the selected district, on the five 度 out of 100', () => {
    const cityOnly = wuduRadarOption({ name: '全市', scores: scores(80), total: 82 }, undefined);
    const radar = (cityOnly as { radar: { indicator: Array<{ name: string; max: number }> } }).radar;
    expect(radar.indicator.map((i) => i.name)).toEqual(WUDU_DIMENSIONS.map((d) => d.name));
    expect(radar.indicator.every((i) => i.max === 100)).toBe(true);
    expect(seriesOf(cityOnly)[0]!.data).toHaveLength(1);
    const both = wuduRadarOption({ name: '全市', scores: scores(80), total: 82 }, { name: '永川区', scores: scores(70.04), total: 72 });
    const data = seriesOf(both)[0]!.data as Array<{ name: string; value: number[] }>;
    expect(data.map((d) => d.name)).toEqual(['全市', '永川区']);
    expect(data[1]!.value).toEqual([70, 71, 72, 73, 74]);
  });

  it('leaves a gap, not a zero, for a 度 without data', () => {
    const o = wuduRadarOption({ name: '全市', scores: { ...scores(80), effectiveness: null }, total: null }, undefined);
    expect((seriesOf(o)[0]!.data[0] as { value: unknown[] }).value).toEqual([80, 81, 82, 83, '-']);
  });
});

describe('district ranking', () => {
  const rows: RankingRow[] = Array.from({ length: 38 }, (_, i) => ({ code: `5001${String(i + 1).padStart(2, '0')}`, name: '', index: 1.3 - i * 0.02, rank: i + 1, rankChange: i % 3 - 1, total: 90 - i }));

  it('shows the top ten, and the selected district wherever it stands', () => {
    expect(rankingRowsShown(rows, undefined).map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rankingRowsShown(rows, '500130').map((r) => r.rank).at(-1)).toBe(30);
    expect(rankingRowsShown(rows, '500103')).toHaveLength(10);
  });

  it('leaves districts without activity (no rank) out of the chart', () => {
    const withUnranked = [...rows.slice(0, 3), { code: '500150', name: '', index: 0.7, rank: null, rankChange: null, total: null }];
    expect(rankingRowsShown(withUnranked, '500150').map((r) => r.code)).toEqual(['500101', '500102', '500103']);
  });

  it('puts rank 1 on top, marks the target and the rank change, highlights the selection', () => {
    const o = districtRankingOption(rows, '500102', districtShortName);
    const y = (o as { yAxis: { data: string[] } }).yAxis.data;
    expect(y.at(-1)).toBe('1  万州');
    const bars = seriesOf(o)[0]!.data as Array<{ value: number; itemStyle: { color: string }; label: { formatter: string } }>;
    expect(bars.at(-1)!.label.formatter).toBe('1.30  ▼1');
    expect(bars.at(-2)!.itemStyle.color).toBe('#b388ff');
  });

  it('shows the differences between close indexes, with the target of 1.0 always in view', () => {
    expect(indexAxisRange([0.92, 0.93])).toEqual([0.8, 1.1]);
    expect(indexAxisRange([1.25, 0.5])).toEqual([0.4, 1.3]);
    expect([indexColor(1.02), indexColor(0.9), indexColor(0.6)]).toEqual(['#3ad0ff', '#e8a33c', '#ff4d5a']);
  });

  it('labels rank changes', () => {
    expect([rankChangeLabel(3), rankChangeLabel(-2), rankChangeLabel(0), rankChangeLabel(null)]).toEqual(['▲3', '▼2', '—', '—']);
  });
});

describe('hourly trend', () => {
  it('compares today with the same weekday last week, leaving future hours empty', () => {
    const o = hourlyTrendOption({
      day: '2025-10-15',
      compareDay: '2025-10-08',
      type: 'submitted',
      hours: Array.from({ length: 24 }, (_, hour) => ({ hour, today: hour <= 9 ? hour * 2 : null, compare: hour })),
    });
    const [today, last] = seriesOf(o);
    expect(today!.name).toBe('今日');
    expect(last!.name).toBe('上周三（10-08）');
    expect(today!.data[10]).toBeNull();
    expect(today!.data[9]).toBe(18);
    expect(last!.data).toHaveLength(24);
  });

  it('names the weekday in Chinese', () => {
    expect(compareLabel('2025-10-12')).toBe('上周日（10-12）');
  });
});

describe('where cases sit', () => {
  it('has one bar per level, 市 to 村, with counts and shares', () => {
    const o = caseLevelOption({ city: 10, district: 60, township: 20, village: 10 });
    expect((o as { yAxis: { data: string[] } }).yAxis.data).toEqual(['市', '区县', '乡镇', '村']);
    const bars = seriesOf(o)[0]!.data as Array<{ value: number; label: { formatter: string } }>;
    expect(bars.map((b) => b.value)).toEqual([10, 60, 20, 10]);
    expect(bars[1]!.label.formatter).toBe('60  60%');
    expect((o as { animationDurationUpdate: number }).animationDurationUpdate).toBe(0);
  });
});

describe('series identity', () => {
  it('gives every series of every wall chart a stable id, so a data update changes bars in place', () => {
    const a = caseLevelOption({ city: 1, district: 2, township: 3, village: 4 });
    const b = caseLevelOption({ city: 2, district: 2, township: 3, village: 4 });
    const ids = (o: typeof a) => (o.series as Array<{ id?: string }>).map((s) => s.id);
    expect(ids(a)).toEqual(['case-levels']);
    expect(ids(b)).toEqual(ids(a));
  });
});
