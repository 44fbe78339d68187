import type { ArcLayerProps, GeoJsonLayerProps, ScatterplotLayerProps, TextLayerProps } from '@deck.gl/layers';
import type { DistrictCollection, DistrictFeature, DistrictLabel } from './district-geo.ts';
import { NO_DATA_COLOR, type HeatColoring, type Rgba } from './heat-measures.ts';
import { arcAlpha, pulseAlpha, pulseRadius, type ArcSlot, type PulseSlot } from './pulse-field.ts';

export const WALL_FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';

const BORDER: Rgba = [120, 170, 220, 150];
const SELECTED_BORDER: Rgba = [255, 230, 120, 255];
const PULSE_COLOR = [120, 240, 255] as const;
const ARC_FROM = [255, 214, 102] as const;
const ARC_TO = [120, 240, 255] as const;

/**
 * Pure: props of the district fill. `data` is the same collection object on every call, so deck.gl keeps
 * its buffers; colours change through `updateTriggers` (the colouring's key), borders when the selection does.
 */
export function districtFillProps(geo: DistrictCollection, coloring: HeatColoring, selected: string | undefined): GeoJsonLayerProps<DistrictFeature['properties']> {
  return {
    id: 'districts',
    data: geo as unknown as GeoJsonLayerProps<DistrictFeature['properties']>['data'],
    filled: true,
    stroked: true,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 50],
    lineWidthUnits: 'pixels',
    getFillColor: (f) => coloring.colors.get(f.properties.adcode) ?? NO_DATA_COLOR,
    getLineColor: (f) => (f.properties.adcode === selected ? SELECTED_BORDER : BORDER),
    getLineWidth: (f) => (f.properties.adcode === selected ? 3 : 1),
    // No attribute transitions: starting one reads the colour buffer back from the GPU (a sync stall),
    // and the colours move at most twice a second anyway.
    updateTriggers: { getFillColor: coloring.key, getLineColor: selected ?? '', getLineWidth: selected ?? '' },
  };
}

/** Pure: props of the Chinese district labels (the font atlas gets exactly their characters). */
export function districtLabelProps(labels: DistrictLabel[], characterSet: string[]): TextLayerProps<DistrictLabel> {
  return {
    id: 'district-labels',
    data: labels,
    getPosition: (l) => l.position,
    getText: (l) => l.text,
    getSize: (l) => l.size,
    sizeUnits: 'pixels',
    getColor: [225, 236, 255, 235],
    fontFamily: WALL_FONT_FAMILY,
    characterSet,
    fontSettings: { sdf: true, fontSize: 48, buffer: 6 },
    outlineWidth: 3,
    outlineColor: [6, 14, 30, 230],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    pickable: false,
  };
}

/** Pure: props of the arrival pulses at time `now`: same slots array, radius and colour by age. */
export function pulseLayerProps(slots: PulseSlot[], now: number): ScatterplotLayerProps<PulseSlot> {
  return {
    id: 'arrival-pulses',
    data: slots,
    getPosition: (s) => s.position,
    getRadius: (s) => pulseRadius(now - s.bornAt),
    radiusUnits: 'pixels',
    filled: true,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 2,
    getFillColor: (s) => [...PULSE_COLOR, Math.round(pulseAlpha(now - s.bornAt) * 0.25)],
    getLineColor: (s) => [...PULSE_COLOR, pulseAlpha(now - s.bornAt)],
    updateTriggers: { getRadius: now, getFillColor: now, getLineColor: now },
    pickable: false,
  };
}

/** Pure: props of the cross-district arcs (origin → handling district) at time `now`; `version` counts arcs added. */
export function arcLayerProps(slots: ArcSlot[], now: number, version: number): ArcLayerProps<ArcSlot> {
  return {
    id: 'cross-district-arcs',
    data: slots,
    getSourcePosition: (s) => s.source,
    getTargetPosition: (s) => s.target,
    getSourceColor: (s) => [...ARC_FROM, arcAlpha(now - s.bornAt)],
    getTargetColor: (s) => [...ARC_TO, arcAlpha(now - s.bornAt)],
    getWidth: 2,
    widthUnits: 'pixels',
    // Seen from straight above an arc's height is invisible: tilting it flat onto the map shows the curve.
    getHeight: 0.35,
    getTilt: 90,
    updateTriggers: { getSourceColor: now, getTargetColor: now, getSourcePosition: version, getTargetPosition: version },
    pickable: false,
  };
}
