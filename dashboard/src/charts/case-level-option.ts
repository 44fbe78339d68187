import { LEVELS, LEVEL_NAMES, type Level } from '@tongban/shared';
import { AXIS_LINE, CHART_FONT, GRID_LINE, MUTED, TEXT, TEXT_BRIGHT, TOOLTIP } from './chart-theme.ts';
import type { WallChartOption } from './echarts-setup.ts';

const LEVEL_COLORS: Record<Level, string> = { city: '#b388ff', district: '#3ad0ff', township: '#3ddc97', village: '#ffcc5c' };

/** Pure: open cases by the level that holds them now (市 / 区县 / 乡镇 / 村), four bars. */
export function caseLevelOption(byLevel: Record<Level, number>): WallChartOption {
  const total = LEVELS.reduce((s, l) => s + byLevel[l], 0);
  return {
    textStyle: { fontFamily: CHART_FONT },
    // Updated with the stats (twice a second): an update animation would keep the canvas redrawing non-stop.
    animationDurationUpdate: 0,
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 6, right: 86, top: 6, bottom: 6, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: GRID_LINE } }, axisLabel: { color: MUTED, fontSize: 11 } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: LEVELS.map((l) => LEVEL_NAMES[l]),
      axisLine: { lineStyle: { color: AXIS_LINE } },
      axisTick: { show: false },
      axisLabel: { color: TEXT, fontSize: 14 },
    },
    series: [
      {
        // A stable id: EChart replaces series by id, so the bars update in place rather than regrowing from zero.
        id: 'case-levels',
        type: 'bar',
        barWidth: '52%',
        data: LEVELS.map((l) => ({
          value: byLevel[l],
          itemStyle: { color: LEVEL_COLORS[l], borderRadius: [0, 3, 3, 0] },
          label: {
            show: true,
            position: 'right',
            color: TEXT_BRIGHT,
            fontSize: 13,
            formatter: `${byLevel[l].toLocaleString('zh-CN')}  ${total ? ((byLevel[l] / total) * 100).toFixed(0) : 0}%`,
          },
        })),
      },
    ],
  };
}
