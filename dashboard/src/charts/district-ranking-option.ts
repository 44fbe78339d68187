import type { RankingRow } from '@tongban/shared';
import { AMBER, AXIS_LINE, CHART_FONT, CYAN, GOLD, GREEN, GRID_LINE, MUTED, RED, TEXT, TOOLTIP, VIOLET } from './chart-theme.ts';
import type { WallChartOption } from './echarts-setup.ts';

export const RANKING_ROWS = 10;

type RankedRow = RankingRow & { rank: number; index: number };

/** Pure: the ranked rows, best first (units without activity in the period have no rank and are left out). */
export function rankedRows(rows: RankingRow[]): RankedRow[] {
  return rows.filter((r): r is RankedRow => r.rank !== null && r.index !== null).sort((a, b) => a.rank - b.rank || b.index - a.index);
}

/** Pure: the rows shown — the top `n` by rank, plus the selected district wherever it stands. */
export function rankingRowsShown(rows: RankingRow[], selected: string | undefined, n = RANKING_ROWS): RankedRow[] {
  const sorted = rankedRows(rows);
  const top = sorted.slice(0, n);
  const extra = selected && !top.some((r) => r.code === selected) ? sorted.find((r) => r.code === selected) : undefined;
  return extra ? [...top, extra] : top;
}

/** ▲3 / ▼2 / — : rank change against the previous period (positive = moved up). */
export function rankChangeLabel(change: number | null): string {
  if (change === null || change === undefined) return '—';
  if (change > 0) return `▲${change}`;
  if (change < 0) return `▼${-change}`;
  return '—';
}

/** Bar colour: on or above target, a little below (≥ 0.8), well below. */
export function indexColor(index: number): string {
  return index >= 1 ? CYAN : index >= 0.8 ? AMBER : RED;
}

/**
 * Pure: the index axis starts a little below the lowest index shown (a ranking is about differences; from
 * zero, 0.92 and 0.93 look the same) and always reaches past 1.0 so the target line shows.
 */
export function indexAxisRange(indexes: number[]): [number, number] {
  const lo = Math.min(1, ...indexes);
  const hi = Math.max(1, ...indexes);
  return [Math.max(0, Math.floor((lo - 0.05) * 10) / 10), Math.ceil((hi + 0.02) * 10) / 10];
}

/** Pure: horizontal bars of the efficiency index (1.0 = on target), best at the top, rank change beside. */
export function districtRankingOption(rows: RankingRow[], selected: string | undefined, shortName: (code: string) => string): WallChartOption {
  const shown = rankingRowsShown(rows, selected);
  // ECharts draws the first category at the bottom: reverse so rank 1 is on top.
  const ordered = [...shown].reverse();
  const [min, max] = indexAxisRange(shown.map((r) => r.index));
  return {
    textStyle: { fontFamily: CHART_FONT },
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 4, right: 74, top: 6, bottom: 4, containLabel: true },
    xAxis: { type: 'value', min, max, splitLine: { lineStyle: { color: GRID_LINE } }, axisLabel: { color: MUTED, fontSize: 11 } },
    yAxis: {
      type: 'category',
      data: ordered.map((r) => `${r.rank}  ${shortName(r.code)}`),
      axisLine: { lineStyle: { color: AXIS_LINE } },
      axisTick: { show: false },
      axisLabel: { color: TEXT, fontSize: 12 },
    },
    series: [
      {
        id: 'district-ranking',
        type: 'bar',
        barWidth: '58%',
        data: ordered.map((r) => ({
          value: Math.round(r.index * 1000) / 1000,
          itemStyle: { color: r.code === selected ? VIOLET : indexColor(r.index), borderRadius: [0, 3, 3, 0] },
          label: {
            show: true,
            position: 'right',
            formatter: `${r.index.toFixed(2)}  ${rankChangeLabel(r.rankChange)}`,
            color: (r.rankChange ?? 0) > 0 ? GREEN : (r.rankChange ?? 0) < 0 ? RED : TEXT,
            fontSize: 12,
          },
        })),
        markLine: { silent: true, symbol: 'none', data: [{ xAxis: 1 }], lineStyle: { color: GOLD, type: 'dashed', opacity: 0.6 }, label: { show: false } },
      },
    ],
  };
}
