import type { AreaOverview } from '@tongban/shared';
import { paletteScale, type Rgba } from '../map/heat-measures.ts';

/**
 * The district screen's townships as a schematic grid: the reference data has no township boundaries, so
 * each township (or street) the administrative tree and the data know is a tile, not a shape.
 */
export interface TownshipTile {
  /** Null for the district's cases whose events named no township. */
  code: string | null;
  name: string;
  open: number;
  yellow: number;
  red: number;
  /** CSS colour of the tile: the map's 超期 palette over the townships' overdue counts. */
  color: string;
}

export interface TownshipTiles {
  tiles: TownshipTile[];
  /** The overdue counts' range the colours span, and the palette as a CSS gradient (the legend). */
  domain: [number, number];
  gradient: string;
}

const css = (c: Rgba) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3] / 255).toFixed(2)})`;

/**
 * Pure: one tile per township of the overview, in the tree's order, coloured by its overdue (red) cases on
 * the palette the map uses for 超期率. The cases without a recorded township get a tile only when there are any.
 */
export function townshipTiles(overview: AreaOverview): TownshipTiles {
  const rows = overview.rows.filter((r) => r.code !== null || r.open > 0);
  const scale = paletteScale('alarm', new Map(rows.map((r) => [r.code ?? '', r.red])));
  return {
    tiles: rows.map((r) => ({ code: r.code, name: r.code === null ? '未记录乡镇' : r.name, open: r.open, yellow: r.yellow, red: r.red, color: css(scale.colorOf(r.red)) })),
    domain: scale.domain,
    gradient: scale.gradient,
  };
}

export interface TileGrid {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  /** Font size of a tile's name, in design pixels. */
  fontSize: number;
}

const GAP = 6;
/** A tile reads best a little wider than high (a name over a line of figures). */
const ASPECT = 1.8;
const MAX_TILE_HEIGHT = 84;

/** Pure: the columns and tile size that fit `n` tiles into `width` × `height` with the largest tiles. */
export function tileGrid(n: number, width: number, height: number): TileGrid {
  let best: TileGrid = { columns: 1, rows: Math.max(1, n), tileWidth: width, tileHeight: 0, fontSize: 11 };
  let bestSize = -1;
  for (let columns = 1; columns <= Math.max(1, n); columns++) {
    const rows = Math.max(1, Math.ceil(n / columns));
    const tileWidth = (width - (columns - 1) * GAP) / columns;
    const tileHeight = Math.min(MAX_TILE_HEIGHT, (height - (rows - 1) * GAP) / rows);
    const size = Math.min(tileWidth, tileHeight * ASPECT);
    if (size > bestSize) {
      bestSize = size;
      best = { columns, rows, tileWidth: Math.floor(tileWidth), tileHeight: Math.floor(tileHeight), fontSize: 0 };
    }
  }
  best.fontSize = Math.max(11, Math.min(17, Math.floor(Math.min(best.tileHeight * 0.3, best.tileWidth / 6))));
  return best;
}
