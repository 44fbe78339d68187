import type { RankingRow, SupervisionOverview, TodayCounts } from '@tongban/shared';

export type MeasureKey = 'today' | 'open' | 'overdueRate' | 'index';
export type Rgba = [number, number, number, number];

/** A district's efficiency index (1.0 = on target) and rank: the API's row type, defined once in shared. */
export type { RankingRow };

export interface MeasureSources {
  today: TodayCounts | undefined;
  supervision: SupervisionOverview | undefined;
  ranking: RankingRow[] | undefined;
}

export type Palette = 'volume' | 'alarm' | 'target';

export interface Measure {
  key: MeasureKey;
  label: string;
  /** What the source is, for the empty state. */
  source: string;
  palette: Palette;
  format: (v: number) => string;
}

const count = (v: number) => Math.round(v).toLocaleString('zh-CN');
const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

export const MEASURES: Record<MeasureKey, Measure> = {
  today: { key: 'today', label: '今日办件', source: '实时统计', palette: 'volume', format: count },
  open: { key: 'open', label: '在办', source: '监察引擎', palette: 'volume', format: count },
  overdueRate: { key: 'overdueRate', label: '超期率', source: '监察引擎', palette: 'alarm', format: percent },
  index: { key: 'index', label: '效能指数', source: '效能指标', palette: 'target', format: (v) => v.toFixed(2) },
};

export const MEASURE_ORDER: MeasureKey[] = ['today', 'open', 'overdueRate', 'index'];

/**
 * Pure: each district's value of a measure, or undefined when the measure's data source has not reported
 * (the map then shows 暂无数据, never invented numbers). A district without a figure maps to null.
 */
export function measureValues(key: MeasureKey, codes: string[], src: MeasureSources): Map<string, number | null> | undefined {
  switch (key) {
    case 'today': {
      const today = src.today;
      if (!today) return undefined;
      return new Map(codes.map((c) => [c, today.districts[c]?.submitted ?? 0]));
    }
    case 'open': {
      const sup = src.supervision;
      if (!sup) return undefined;
      return new Map(codes.map((c) => [c, sup.byDistrict[c]?.open ?? 0]));
    }
    case 'overdueRate': {
      const sup = src.supervision;
      if (!sup) return undefined;
      return new Map(
        codes.map((c) => {
          const d = sup.byDistrict[c];
          return [c, d && d.open > 0 ? d.red / d.open : null];
        }),
      );
    }
    case 'index': {
      if (!src.ranking) return undefined;
      const byCode = new Map(src.ranking.map((r) => [r.code, r.index]));
      return new Map(codes.map((c) => [c, byCode.get(c) ?? null]));
    }
  }
}

const STOPS: Record<Palette, Array<[number, number, number]>> = {
  // Low volume recedes into the dark background; high volume glows.
  volume: [
    [16, 50, 92],
    [0, 122, 178],
    [40, 190, 220],
    [255, 204, 92],
    [255, 112, 67],
  ],
  alarm: [
    [20, 70, 80],
    [180, 160, 40],
    [240, 120, 40],
    [230, 40, 50],
  ],
  // Below target red, on target neutral, above target green (the index is 1.0 on target).
  target: [
    [200, 50, 60],
    [130, 110, 70],
    [60, 90, 110],
    [40, 150, 110],
    [60, 210, 130],
  ],
};

export const NO_DATA_COLOR: Rgba = [34, 46, 66, 255];

export interface ColorScale {
  domain: [number, number];
  colorOf: (v: number | null | undefined) => Rgba;
  /** CSS gradient of the palette, for the legend. */
  gradient: string;
}

/**
 * Colour steps along a palette. Finer than the eye tells apart on a map, coarse enough that a count going
 * from 412 to 413 leaves the colours — and so the GPU buffers — as they are.
 */
export const COLOR_STEPS = 48;

function lerp(stops: Array<[number, number, number]>, t: number): [number, number, number] {
  const x = (Math.round(Math.min(1, Math.max(0, t)) * COLOR_STEPS) / COLOR_STEPS) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** Pure: the colour scale of a measure over its current values. */
export function colorScale(key: MeasureKey, values: Map<string, number | null>): ColorScale {
  return paletteScale(MEASURES[key].palette, values);
}

/** Pure: the colour scale of one of the map's palettes over some values (the map's measures, the township tiles). */
export function paletteScale(palette: Palette, values: Map<string, number | null>): ColorScale {
  const xs = [...values.values()].filter((v): v is number => v !== null && Number.isFinite(v));
  let domain: [number, number];
  if (palette === 'target') {
    // Symmetric around the target so that 1.0 always has the neutral colour.
    const spread = Math.max(0.05, ...xs.map((v) => Math.abs(v - 1)));
    domain = [1 - spread, 1 + spread];
  } else {
    domain = [0, Math.max(palette === 'alarm' ? 0.05 : 1, ...xs)];
  }
  const stops = STOPS[palette];
  const span = domain[1] - domain[0];
  return {
    domain,
    colorOf: (v) => (v === null || v === undefined || !Number.isFinite(v) ? NO_DATA_COLOR : [...lerp(stops, (v - domain[0]) / span), 235]),
    gradient: `linear-gradient(90deg, ${stops.map((s, i) => `rgb(${s.join(',')}) ${Math.round((i / (stops.length - 1)) * 100)}%`).join(', ')})`,
  };
}

export interface HeatColoring {
  available: boolean;
  scale: ColorScale | undefined;
  colors: Map<string, Rgba>;
  /** Changes exactly when a colour does: the fill layer's update trigger. */
  key: string;
}

/** Pure: every district's colour for the chosen measure, and the key that tells deck.gl to recolour. */
export function heatColoring(key: MeasureKey, codes: string[], src: MeasureSources): HeatColoring {
  const values = measureValues(key, codes, src);
  if (!values) return { available: false, scale: undefined, colors: new Map(codes.map((c) => [c, NO_DATA_COLOR])), key: `${key}:none` };
  const scale = colorScale(key, values);
  const colors = new Map(codes.map((c) => [c, scale.colorOf(values.get(c))]));
  return { available: true, scale, colors, key: `${key}:${codes.map((c) => colors.get(c)!.join('.')).join(',')}` };
}
