import { WUDU_DIMENSIONS, WUDU_NAMES, type MetricConfig } from './definitions.ts';
import type { WuduScores } from './compute.ts';
import type { StageSummaryRow, TrendPoint, UnitRow } from './report-model.ts';

/*
 * ECharts options for the report charts, as pure functions of report data (STYLE.md habit 10). The server
 * renders them to SVG for the PDF; the analysts' page mounts the same options on a canvas. Plain objects:
 * shared does not depend on echarts.
 */

export type ChartOption = Record<string, unknown>;

export interface ChartStyle {
  fontFamily?: string;
  /** No animation for print and tests. */
  animation?: boolean;
}

const COLORS = ['#1f6fb2', '#e8833a', '#3a9e5c', '#c0392b', '#8e44ad'];

const base = (style: ChartStyle): ChartOption => ({
  animation: style.animation ?? false,
  color: COLORS,
  textStyle: { fontFamily: style.fontFamily ?? 'Noto Sans CJK SC, Noto Sans SC, sans-serif', fontSize: 12 },
});

/** 五度 radar: the scores against their targets. */
export function wuduRadarOption(scores: WuduScores, targets: MetricConfig['targets'], style: ChartStyle = {}): ChartOption {
  return {
    ...base(style),
    legend: { bottom: 0, data: ['得分', '目标'] },
    radar: {
      radius: '62%',
      indicator: WUDU_DIMENSIONS.map((d) => ({ name: scores[d] === null ? `${WUDU_NAMES[d]}（无数据）` : WUDU_NAMES[d], max: 100 })),
    },
    series: [
      {
        type: 'radar',
        data: [
          // A 度 without data is a gap ('-'), not a point at the centre.
          { name: '得分', value: WUDU_DIMENSIONS.map((d) => scores[d] ?? '-'), areaStyle: { opacity: 0.25 }, label: { show: true, formatter: '{c}' } },
          { name: '目标', value: WUDU_DIMENSIONS.map((d) => targets[d]), lineStyle: { type: 'dashed' } },
        ],
      },
    ],
  };
}

/** Efficiency index by unit, best first, with the target line at 1.0. Unranked units are left out. */
export function rankingBarOption(rows: ReadonlyArray<Pick<UnitRow, 'name' | 'index' | 'rank'>>, style: ChartStyle = {}, limit = 41): ChartOption {
  const ranked = rows.filter((r) => r.rank !== null && r.index !== null).slice(0, limit).reverse();
  return {
    ...base(style),
    grid: { left: 110, right: 40, top: 20, bottom: 30 },
    xAxis: { type: 'value', name: '效能指数', min: 0 },
    yAxis: { type: 'category', data: ranked.map((r) => r.name), axisLabel: { interval: 0, fontSize: 10 } },
    series: [
      {
        type: 'bar',
        data: ranked.map((r) => ({ value: r.index, itemStyle: { color: (r.index ?? 0) >= 1 ? COLORS[2] : COLORS[0] } })),
        label: { show: true, position: 'right', fontSize: 9, formatter: (p: { value: number }) => p.value.toFixed(3) },
        markLine: { symbol: 'none', silent: true, data: [{ xAxis: 1 }], lineStyle: { color: COLORS[3], type: 'dashed' }, label: { formatter: '目标 1.0' } },
      },
    ],
  };
}

/** Total score and on-time / good-rating rates over the sub-periods of a quarter or year. */
export function trendLineOption(points: readonly TrendPoint[], style: ChartStyle = {}): ChartOption {
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  return {
    ...base(style),
    legend: { bottom: 0, data: ['五度总分', '按时办结率(%)', '好评率(%)'] },
    grid: { left: 50, right: 50, top: 30, bottom: 50 },
    xAxis: { type: 'category', data: points.map((p) => p.label) },
    yAxis: [
      { type: 'value', name: '总分', min: 0, max: 100 },
      { type: 'value', name: '%', min: 0, max: 100 },
    ],
    series: [
      { name: '五度总分', type: 'line', data: points.map((p) => p.total), label: { show: true } },
      { name: '按时办结率(%)', type: 'line', yAxisIndex: 1, data: points.map((p) => pct(p.headline.onTimeRate)) },
      { name: '好评率(%)', type: 'line', yAxisIndex: 1, data: points.map((p) => pct(p.headline.goodRatingRate)) },
    ],
  };
}

/** Average dwell by stage (堵点), the department's stages apart from the applicant's. */
export function stageBarOption(stages: readonly StageSummaryRow[], style: ChartStyle = {}): ChartOption {
  return {
    ...base(style),
    grid: { left: 110, right: 50, top: 20, bottom: 30 },
    xAxis: { type: 'value', name: '平均停留（小时）' },
    yAxis: { type: 'category', data: stages.map((s) => s.stageName).reverse() },
    series: [
      {
        type: 'bar',
        data: [...stages].reverse().map((s) => ({ value: s.averageHours, itemStyle: { color: s.applicantSide ? '#9aa5b1' : COLORS[1] } })),
        label: { show: true, position: 'right', formatter: (p: { value: number }) => p.value.toFixed(1) },
      },
    ],
  };
}
