import { CHART_FONT, CYAN, GOLD, GRID_LINE, TEXT, TOOLTIP } from './chart-theme.ts';
import type { WallChartOption } from './echarts-setup.ts';

export type WuduDimension = 'completeness' | 'coverage' | 'guideAccuracy' | 'onlineDepth' | 'effectiveness';
/** 0–100 each; null where the period has no data for a 度 (drawn as a gap, not as zero). */
export type WuduScores = Record<WuduDimension, number | null>;

/** The five 度 in DOMAIN.md's order, with the names the city uses. */
export const WUDU_DIMENSIONS: Array<{ key: WuduDimension; name: string }> = [
  { key: 'completeness', name: '服务方式完备度' },
  { key: 'coverage', name: '服务事项覆盖度' },
  { key: 'guideAccuracy', name: '办事指南准确度' },
  { key: 'onlineDepth', name: '在线服务深度' },
  { key: 'effectiveness', name: '在线服务成效度' },
];

export interface WuduSeries {
  name: string;
  scores: WuduScores;
  total: number | null;
}

/** Pure: the 五度 radar of the city and, when one is selected, a district (scores 0–100). */
export function wuduRadarOption(city: WuduSeries | undefined, district: WuduSeries | undefined): WallChartOption {
  const series = [city && { s: city, color: CYAN }, district && { s: district, color: GOLD }].filter((x) => x !== undefined);
  return {
    textStyle: { fontFamily: CHART_FONT },
    tooltip: { ...TOOLTIP, trigger: 'item' },
    legend: { bottom: 0, itemWidth: 12, itemHeight: 8, textStyle: { color: TEXT, fontSize: 12 }, data: series.map((x) => x.s.name) },
    radar: {
      center: ['50%', '48%'],
      radius: '64%',
      indicator: WUDU_DIMENSIONS.map((d) => ({ name: d.name, max: 100, min: 0 })),
      axisName: { color: TEXT, fontSize: 12 },
      splitLine: { lineStyle: { color: GRID_LINE } },
      splitArea: { areaStyle: { color: ['rgba(58,208,255,0.02)', 'rgba(58,208,255,0.05)'] } },
      axisLine: { lineStyle: { color: GRID_LINE } },
    },
    series: [
      {
        type: 'radar',
        symbolSize: 4,
        data: series.map(({ s, color }) => ({
          name: s.name,
          value: WUDU_DIMENSIONS.map((d) => {
            const v = s.scores[d.key];
            return v === null ? '-' : Math.round(v * 10) / 10;
          }),
          lineStyle: { color, width: 2 },
          itemStyle: { color },
          areaStyle: { color, opacity: 0.18 },
        })),
      },
    ],
  };
}
