import type { HourlyTrend } from '@tongban/shared';
import { AXIS_LINE, CHART_FONT, CYAN, GRID_LINE, MUTED, TEXT, TOOLTIP } from './chart-theme.ts';
import type { WallChartOption } from './echarts-setup.ts';

export type { HourlyTrend };

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** 上周三 for the comparison series: the same weekday a week earlier. */
export function compareLabel(compareDay: string): string {
  const weekday = new Date(`${compareDay}T00:00:00Z`).getUTCDay();
  return `上周${WEEKDAYS[weekday]}（${compareDay.slice(5)}）`;
}

/** Pure: today's submissions per hour as an area line, the same weekday last week dashed beside it. */
export function hourlyTrendOption(trend: HourlyTrend): WallChartOption {
  const last = compareLabel(trend.compareDay);
  return {
    textStyle: { fontFamily: CHART_FONT },
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    legend: { top: 0, right: 4, itemWidth: 14, itemHeight: 8, textStyle: { color: TEXT, fontSize: 12 }, data: ['今日', last] },
    grid: { left: 6, right: 12, top: 30, bottom: 4, containLabel: true },
    xAxis: {
      type: 'category',
      boundaryGap: false,
      data: trend.hours.map((h) => `${h.hour}时`),
      axisLine: { lineStyle: { color: AXIS_LINE } },
      axisLabel: { color: MUTED, fontSize: 11, interval: 3 },
    },
    yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: GRID_LINE } }, axisLabel: { color: MUTED, fontSize: 11 } },
    series: [
      {
        id: 'today',
        name: '今日',
        type: 'line',
        smooth: true,
        symbol: 'none',
        data: trend.hours.map((h) => h.today),
        lineStyle: { color: CYAN, width: 2 },
        itemStyle: { color: CYAN },
        areaStyle: {
          color: { type: 'linear', x: 0, y: 0, x2: 0, y2: 1, colorStops: [{ offset: 0, color: 'rgba(58,208,255,0.45)' }, { offset: 1, color: 'rgba(58,208,255,0)' }] },
        },
      },
      {
        id: 'compare',
        name: last,
        type: 'line',
        smooth: true,
        symbol: 'none',
        data: trend.hours.map((h) => h.compare),
        lineStyle: { color: MUTED, width: 1.5, type: 'dashed' },
        itemStyle: { color: MUTED },
      },
    ],
  };
}
