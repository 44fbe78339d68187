import type { AreaRow } from '@tongban/shared';
import type { DistrictCollection, LonLat } from '../map/district-geo.ts';

export interface MapShape {
  code: string;
  name: string;
  d: string;
  label: [number, number];
}

/**
 * Pure: SVG paths of the districts fitted into width × height (equirectangular, longitudes shrunk by the
 * cosine of the middle latitude so the shapes keep their proportions). Computed once per geometry.
 */
export function mapShapes(geo: DistrictCollection, width: number, height: number, pad = 6): MapShape[] {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const f of geo.features)
    for (const poly of f.geometry.coordinates)
      for (const [x, y] of poly[0]!) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
  const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const scale = Math.min((width - 2 * pad) / ((maxX - minX) * k), (height - 2 * pad) / (maxY - minY));
  const ox = (width - (maxX - minX) * k * scale) / 2;
  const oy = (height - (maxY - minY) * scale) / 2;
  const at = ([x, y]: LonLat): [number, number] => [ox + (x - minX) * k * scale, oy + (maxY - y) * scale];
  const f1 = (n: number) => n.toFixed(1);
  return geo.features.map((f) => ({
    code: f.properties.adcode,
    name: f.properties.name,
    d: f.geometry.coordinates.map((poly) => poly.map((ring) => `M${ring.map((p) => at(p).map(f1).join(',')).join('L')}Z`).join('')).join(''),
    label: at(f.properties.label),
  }));
}

/** Pure: a district's fill by its red cases against the worst district (no open cases: dim grey). */
export function districtFill(row: AreaRow | undefined, maxRed: number): string {
  if (!row || row.open === 0) return '#1a2740';
  if (row.red === 0) return '#1f5f5a';
  const t = maxRed > 0 ? row.red / maxRed : 0;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(120, 255)},${mix(90, 60)},${mix(60, 70)})`;
}
