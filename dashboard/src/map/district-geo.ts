import geoJson from '@tongban/reference/geo';
import { DISTRICTS, districtByCode, districtShortName, type LiveEvent } from '@tongban/shared';

const CODE_BY_NAME = new Map(DISTRICTS.map((d) => [d.name, d.code]));
/** The simulator's and source systems' wording: 全渝通办：申请人属地永川区，异地申办. */
const HOME_IN_NOTE = /申请人属地([^，,。；;\s]+?[区县])/;

export type LonLat = [number, number];

export interface DistrictFeature {
  type: 'Feature';
  properties: { adcode: string; name: string; label: LonLat };
  geometry: { type: 'MultiPolygon'; coordinates: LonLat[][][] };
}

export interface DistrictCollection {
  type: 'FeatureCollection';
  features: DistrictFeature[];
}

/** The 38 district polygons (GCJ-02), bundled: one copy in reference/data, imported, never fetched. */
export const DISTRICT_GEO = geoJson as unknown as DistrictCollection;

export interface DistrictLabel {
  code: string;
  text: string;
  position: LonLat;
  /** Pixels: the tiny central districts (渝中, 大渡口 …) get smaller labels so they do not pile up. */
  size: number;
}

/** Area of a ring in square degrees (shoelace); only used to compare districts with each other. */
export function ringArea(ring: LonLat[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0] + ring[i]![0]) * (ring[j]![1] - ring[i]![1]);
  return Math.abs(a / 2);
}

/** Label size for a district of this area (square degrees; 渝中 0.002, 沙坪坝 0.04, 万州 0.3). */
export function labelSize(area: number): number {
  return area < 0.03 ? 9 : area < 0.05 ? 10 : area < 0.1 ? 11 : 13;
}

/** Map labels: short names (永川, 石柱) at each district's label point, sized by the district's area. */
export function districtLabels(geo: DistrictCollection): DistrictLabel[] {
  return geo.features.map((f) => ({
    code: f.properties.adcode,
    text: districtShortName(f.properties.adcode),
    position: f.properties.label,
    size: labelSize(f.geometry.coordinates.reduce((sum, polygon) => sum + ringArea(polygon[0]!), 0)),
  }));
}

/**
 * The characters TextLayer must put in its font atlas. Its default is ASCII only, so Chinese labels would
 * render as nothing: pass exactly the characters of the labels.
 */
export function labelCharacterSet(labels: Array<{ text: string }>): string[] {
  return [...new Set(labels.flatMap((l) => [...l.text]))].sort();
}

/**
 * [[west, south], [east, north]] of one district (a district screen's map is zoomed to it); the whole
 * city's for a code without a shape of its own (a development zone).
 */
export function districtBounds(geo: DistrictCollection, code: string): [LonLat, LonLat] {
  const own = geo.features.filter((f) => f.properties.adcode === code);
  return geoBounds(own.length ? { ...geo, features: own } : geo);
}

/** [[west, south], [east, north]] of every ring. */
export function geoBounds(geo: DistrictCollection): [LonLat, LonLat] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const f of geo.features)
    for (const polygon of f.geometry.coordinates)
      for (const ring of polygon)
        for (const [lon, lat] of ring) {
          if (lon < w) w = lon;
          if (lon > e) e = lon;
          if (lat < s) s = lat;
          if (lat > n) n = lat;
        }
  return [
    [w, s],
    [e, n],
  ];
}

/**
 * Where a district's activity is drawn: its label point; a development zone (两江新区 …) at the mean
 * of the label points of the districts it overlaps. Undefined for codes with no place on the map.
 */
export function districtAnchors(labels: DistrictLabel[]): Map<string, LonLat> {
  const anchors = new Map<string, LonLat>(labels.map((l) => [l.code, l.position]));
  for (const d of DISTRICTS) {
    if (d.kind !== 'zone' || !d.overlaps) continue;
    const points = d.overlaps.map((c) => anchors.get(c)).filter((p): p is LonLat => p !== undefined);
    if (points.length) anchors.set(d.code, [mean(points.map((p) => p[0])), mean(points.map((p) => p[1]))]);
  }
  return anchors;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Where a cross-district (全渝通办) submission comes from, when the event says so: its note names the
 * applicant's home district (申请人属地…), or its township or village code lies in another district than
 * the handling one (the first six digits are the district). Undefined for every other event.
 */
export function crossDistrictOrigin(e: Pick<LiveEvent, 'type' | 'districtCode' | 'townshipCode' | 'villageCode' | 'note'>): string | undefined {
  if (e.type !== 'submitted') return undefined;
  const named = e.note ? HOME_IN_NOTE.exec(e.note)?.[1] : undefined;
  const place = e.villageCode ?? e.townshipCode;
  const origin = named ? CODE_BY_NAME.get(named) : place && /^\d{9,12}$/.test(place) ? place.slice(0, 6) : undefined;
  if (!origin || origin === e.districtCode || !districtByCode(origin)) return undefined;
  // A zone handles matters of the districts it overlaps: that is not a cross-district case.
  if (districtByCode(e.districtCode)?.overlaps?.includes(origin)) return undefined;
  return origin;
}
