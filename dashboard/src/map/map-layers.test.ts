import { describe, expect, it } from 'vitest';
import { DISTRICT_GEO, districtLabels, labelCharacterSet } from './district-geo.ts';
import { heatColoring } from './heat-measures.ts';
import { arcLayerProps, districtFillProps, districtLabelProps, pulseLayerProps } from './map-layers.ts';
import { canvasPixelRatio, fitViewState } from './map-view.ts';
import { ARC_MS, ArcRing, PULSE_MS, PULSE_MAX_RADIUS_PX, PulseField, pulseAlpha, pulseRadius } from './pulse-field.ts';

const codes = DISTRICT_GEO.features.map((f) => f.properties.adcode);
const feature = (code: string) => DISTRICT_GEO.features.find((f) => f.properties.adcode === code)!;
type Accessor<T> = (x: T) => unknown;

describe('map layer props', () => {
  const today = { day: 'd', totals: {}, districts: { '500118': { submitted: 10 } } };
  const coloring = heatColoring('today', codes, { today, supervision: undefined, ranking: undefined });

  it('keeps the same data object and recolours through update triggers', () => {
    const a = districtFillProps(DISTRICT_GEO, coloring, undefined);
    const b = districtFillProps(DISTRICT_GEO, heatColoring('today', codes, { today: { ...today, districts: { '500101': { submitted: 3 } } }, supervision: undefined, ranking: undefined }), '500118');
    expect(b.data).toBe(a.data);
    expect(b.updateTriggers!.getFillColor).not.toBe(a.updateTriggers!.getFillColor);
    expect((a.getFillColor as Accessor<unknown>)(feature('500118'))).toEqual(coloring.colors.get('500118'));
    expect((b.getLineWidth as Accessor<unknown>)(feature('500118'))).toBe(3);
    expect((b.getLineWidth as Accessor<unknown>)(feature('500101'))).toBe(1);
  });

  it('labels in Chinese with a character set and a CJK font stack', () => {
    const labels = districtLabels(DISTRICT_GEO);
    const p = districtLabelProps(labels, labelCharacterSet(labels));
    expect(p.characterSet).toContain('渝');
    expect(p.fontFamily).toMatch(/Noto Sans CJK SC/);
    expect((p.getText as Accessor<unknown>)(labels[0]!)).toBe(labels[0]!.text);
  });

  it('grows and fades a pulse over its life, then hides it', () => {
    expect(pulseRadius(0)).toBe(4);
    expect(pulseRadius(PULSE_MS / 2)).toBeGreaterThan(pulseRadius(PULSE_MS / 4));
    expect(pulseRadius(PULSE_MS - 1)).toBeLessThanOrEqual(PULSE_MAX_RADIUS_PX);
    expect(pulseRadius(PULSE_MS)).toBe(0);
    expect(pulseAlpha(0)).toBe(255);
    expect(pulseAlpha(PULSE_MS)).toBe(0);
    expect(pulseAlpha(-5)).toBe(0);
  });

  it('pulses the district where a case arrives, in the same slots every frame', () => {
    const field = new PulseField(new Map([['500118', [105.9, 29.3]], ['500101', [108.4, 30.7]]]));
    expect(field.hit('500118', 1000)).toBe(true);
    expect(field.hit('999999', 1000)).toBe(false);
    const p1 = pulseLayerProps(field.slots, 1100);
    const p2 = pulseLayerProps(field.slots, 1200);
    expect(p2.data).toBe(p1.data);
    expect(p2.updateTriggers!.getRadius).not.toBe(p1.updateTriggers!.getRadius);
    const radius = p2.getRadius as Accessor<(typeof field.slots)[number]>;
    expect(radius(field.slots[0]!)).toBeGreaterThan(4);
    expect(radius(field.slots[1]!)).toBe(0);
    expect(field.isActive(1000 + PULSE_MS - 1)).toBe(true);
    expect(field.isActive(1000 + PULSE_MS)).toBe(false);
  });

  it('keeps a fixed ring of arcs, overwriting the oldest', () => {
    const ring = new ArcRing();
    for (let i = 0; i < ring.slots.length + 3; i++) ring.add([i, 0], [0, i], i);
    expect(ring.slots).toHaveLength(24);
    expect(ring.slots[0]!.source).toEqual([24, 0]);
    const p = arcLayerProps(ring.slots, 30, ring.version);
    expect(p.data).toBe(ring.slots);
    expect(p.updateTriggers!.getSourcePosition).toBe(27);
    expect(ring.isActive(26 + ARC_MS - 1)).toBe(true);
    expect(ring.isActive(26 + ARC_MS)).toBe(false);
  });

  it('fits Chongqing into the panel and caps canvas pixels', () => {
    const v = fitViewState([[105.3, 28.2], [110.2, 32.2]], 960, 620);
    expect(v.longitude).toBeCloseTo(107.75, 1);
    expect(v.zoom).toBeGreaterThan(5);
    expect(v.zoom).toBeLessThan(8);
    expect(canvasPixelRatio(1, 2)).toBe(2);
    expect(canvasPixelRatio(2, 2)).toBe(2);
    expect(canvasPixelRatio(1, 0.5)).toBe(1);
  });
});
