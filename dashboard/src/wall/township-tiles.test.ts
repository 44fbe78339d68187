import { describe, expect, it } from 'vitest';
import type { AreaOverview, AreaRow } from '@tongban/shared';
import { NO_DATA_COLOR, colorScale } from '../map/heat-measures.ts';
import { tileGrid, townshipTiles } from './township-tiles.ts';

const row = (code: string | null, name: string, open: number, yellow: number, red: number): AreaRow => ({
  code, name, open, yellow, red, atRisk: null, dataQuality: 0, pauseOverdue: 0, stageOverdue: 0, overdueRate: null, openOrders: 0, overdueOrders: 0, badRatingsPastDue: 0,
});
const overview = (rows: AreaRow[]): AreaOverview => ({
  level: 'township',
  asOf: '2026-12-02T10:00:00.000+08:00',
  day: '2026-12-02',
  district: { code: '500118', name: '永川区' },
  township: null,
  rows,
  totals: row(null, '合计', 0, 0, 0),
});

describe('township tiles', () => {
  it('gives every township of the district a tile, named, with its counts, in the tree’s order', () => {
    const t = townshipTiles(overview([row('500118001', '中山路街道', 12, 3, 2), row('500118002', '胜利路街道', 0, 0, 0), row('500118100', '朱沱镇', 5, 0, 4)]));
    expect(t.tiles.map((x) => [x.code, x.name, x.open, x.yellow, x.red])).toEqual([
      ['500118001', '中山路街道', 12, 3, 2],
      ['500118002', '胜利路街道', 0, 0, 0],
      ['500118100', '朱沱镇', 5, 0, 4],
    ]);
  });

  it('colours by overdue cases on the map’s 超期 palette: none at its low end, the most at its high end', () => {
    const t = townshipTiles(overview([row('500118001', 'A', 12, 3, 2), row('500118002', 'B', 0, 0, 0), row('500118100', 'C', 5, 0, 4)]));
    expect(t.domain).toEqual([0, 4]);
    // The same stops as the map's 超期率 legend.
    expect(t.gradient).toBe(colorScale('overdueRate', new Map()).gradient);
    const [a, b, c] = t.tiles.map((x) => x.color);
    expect(b).toBe('rgba(20, 70, 80, 0.92)');
    expect(c).toBe('rgba(230, 40, 50, 0.92)');
    expect(new Set([a, b, c]).size).toBe(3);
    expect(t.tiles.some((x) => x.color === `rgba(${NO_DATA_COLOR.slice(0, 3).join(', ')}, 1.00)`)).toBe(false);
  });

  it('adds a tile for cases without a recorded township only when there are any', () => {
    expect(townshipTiles(overview([row('500118001', 'A', 1, 0, 0), row(null, '未记录', 0, 0, 0)])).tiles.map((x) => x.code)).toEqual(['500118001']);
    const t = townshipTiles(overview([row('500118001', 'A', 1, 0, 0), row(null, '未记录', 3, 1, 1)]));
    expect(t.tiles.map((x) => [x.code, x.name, x.open])).toEqual([
      ['500118001', 'A', 1],
      [null, '未记录乡镇', 3],
    ]);
  });
});

describe('the tile grid', () => {
  it('fits every tile inside the panel, whatever the number of townships', () => {
    for (const n of [1, 7, 23, 35, 52]) {
      const g = tileGrid(n, 400, 560);
      expect(g.columns * g.rows).toBeGreaterThanOrEqual(n);
      expect(g.columns * g.tileWidth + (g.columns - 1) * 6).toBeLessThanOrEqual(400);
      expect(g.rows * g.tileHeight + (g.rows - 1) * 6).toBeLessThanOrEqual(560);
      expect(g.tileHeight).toBeGreaterThan(0);
      expect(g.fontSize).toBeGreaterThanOrEqual(11);
    }
  });

  it('keeps a few townships’ tiles from growing into slabs', () => {
    const g = tileGrid(3, 400, 560);
    expect(g.tileHeight).toBeLessThanOrEqual(84);
    expect(g.columns).toBe(1);
  });
});
