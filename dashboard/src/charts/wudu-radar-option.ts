import { WUDU_DIMENSIONS as SHARED_DIMENSIONS, WUDU_NAMES, type WuduDimension, type WuduScores } from '@tongban/shared';
import { CHART_FONT, CYAN, GOLD, GRID_LINE, TEXT, TOOLTIP } from './chart-theme.ts';
import type { WallChartOption } from './echarts-setup.ts';

/** 0–100 each; null where the period has no data for a 度 (drawn as a gap, not as zero). */
export type { WuduScores };

/** The five 度 in DOMAIN.md's order, with the names the city uses (the versioned definitions in shared). */
export const WUDU_DIMENSIONS: Array<{ key: WuduDimension; name: string }> = SHARED_DIMENSIONS.map((key) => ({ key, name: WUDU_NAMES[key] }));

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
      // A 度 without data in the period says so on its axis (its point is a gap, never a zero).
      indicator: WUDU_DIMENSIONS.map((d) => ({ name: series.every((x) => x.s.scores[d.key] === null) ? `${d.name}\n(无数据)` : d.name, max: 100, min: 0 })),
      axisName: { color: TEXT, fontSize: 12 },
      splitLine: { lineStyle: { color: GRID_LINE } },
      splitArea: { areaStyle: { color: ['rgba(58,208,255,0.02)', 'rgba(58,208,255,0.05)'] } },
      axisLine: { lineStyle: { color: GRID_LINE } },
    },
    series: [
      {
        id: 'wudu',
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
