import { memo, useEffect, useRef, useState, type MouseEvent } from 'react';
import { Deck, MapView, type PickingInfo } from '@deck.gl/core';
import { ArcLayer, GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { SubscribeArrivals } from '../live/arrival-bus.ts';
import { DISTRICT_GEO, crossDistrictOrigin, districtAnchors, districtBounds, districtLabels, geoBounds, labelCharacterSet, type DistrictFeature } from './district-geo.ts';
import type { HeatColoring } from './heat-measures.ts';
import { arcLayerProps, districtFillProps, districtLabelProps, pulseLayerProps } from './map-layers.ts';
import { fitViewState } from './map-view.ts';
import { ArcRing, PulseField } from './pulse-field.ts';

const LABELS = districtLabels(DISTRICT_GEO);
const CHARACTERS = labelCharacterSet(LABELS);
const ANCHORS = districtAnchors(LABELS);
const BOUNDS = geoBounds(DISTRICT_GEO);

export interface MapHover {
  code: string;
  x: number;
  y: number;
}

interface Props {
  /** Panel size in design pixels (the wall is scaled as a whole, so these never change with the screen). */
  width: number;
  height: number;
  /** Canvas pixels per CSS pixel (already capped). */
  pixelRatio: number;
  coloring: HeatColoring;
  selected: string | undefined;
  /** A district screen's district: the view is zoomed to it (the city otherwise). */
  focus?: string | undefined;
  onSelect: (code: string | undefined) => void;
  onHover: (hover: MapHover | undefined) => void;
  subscribeArrivals: SubscribeArrivals;
}

/** Pulses and arcs are redrawn at most this often (30 fps is smooth for a ring; half the GPU work of 60). */
const ANIMATION_FRAME_MS = 32;
const OVERLAY_PIXEL_RATIO = 1;

/**
 * Chongqing's 38 districts with no base map (nothing fetched): coloured by the chosen measure, labelled in
 * Chinese, pulsing where cases arrive, with arcs for cross-district cases. Two deck instances for the life
 * of the component: the districts and labels, redrawn only when a colour or the selection changes, and an
 * overlay (pointer-transparent) for pulses and arcs, driven by one animation loop that runs only while a
 * pulse or arc is alive. All layer props come from the pure functions in map-layers.ts.
 */
export const DistrictHeatMap = memo(function DistrictHeatMap(props: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const deckRef = useRef<Deck<MapView> | null>(null);
  const overlayDeck = useRef<Deck<MapView> | null>(null);
  const handlers = useRef({ onSelect: props.onSelect, onHover: props.onHover });
  handlers.current = { onSelect: props.onSelect, onHover: props.onHover };
  const [field] = useState(() => new PulseField(ANCHORS));
  const [arcs] = useState(() => new ArcRing());
  const frame = useRef(0);
  const lastDraw = useRef(0);

  const drawOverlay = (now: number) => {
    lastDraw.current = now;
    overlayDeck.current?.setProps({
      layers: [new ScatterplotLayer(pulseLayerProps(field.slots, now)), new ArcLayer(arcLayerProps(arcs.slots, now, arcs.version))],
    });
  };

  useEffect(() => {
    const view = { width: props.width, height: props.height, views: new MapView({ repeat: false }), viewState: fitViewState(BOUNDS, props.width, props.height, 20) };
    const deck = new Deck({
      ...view,
      canvas: canvasRef.current!,
      controller: false,
      useDevicePixels: props.pixelRatio,
      layers: [],
      onHover: (info: PickingInfo<DistrictFeature>) =>
        handlers.current.onHover(info.object ? { code: info.object.properties.adcode, x: info.x, y: info.y } : undefined),
      getCursor: ({ isHovering }) => (isHovering ? 'pointer' : 'default'),
    });
    // Soft glowing rings need no extra sharpness: the overlay, redrawn 30 times a second, stays at one
    // canvas pixel per CSS pixel (a quarter of the pixels on a 4K wall).
    const overlay = new Deck({ ...view, canvas: overlayRef.current!, controller: false, useDevicePixels: OVERLAY_PIXEL_RATIO, layers: [] });
    deckRef.current = deck;
    overlayDeck.current = overlay;
    // Draw the (empty) overlay once now, so its shaders compile at start-up and not at the first arrival.
    drawOverlay(performance.now());
    return () => {
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      deckRef.current = null;
      overlayDeck.current = null;
      overlay.finalize();
      deck.finalize();
    };
    // Created once: size and pixel ratio changes go through setProps below.
  }, []);

  useEffect(() => {
    const bounds = props.focus ? districtBounds(DISTRICT_GEO, props.focus) : BOUNDS;
    const next = { width: props.width, height: props.height, viewState: fitViewState(bounds, props.width, props.height, props.focus ? 48 : 20) };
    deckRef.current?.setProps({ ...next, useDevicePixels: props.pixelRatio });
    overlayDeck.current?.setProps(next);
  }, [props.width, props.height, props.pixelRatio, props.focus]);

  useEffect(() => {
    deckRef.current?.setProps({
      layers: [new GeoJsonLayer(districtFillProps(DISTRICT_GEO, props.coloring, props.selected)), new TextLayer(districtLabelProps(LABELS, CHARACTERS))],
    });
  }, [props.coloring, props.selected]);

  useEffect(() => {
    const tick = (now: number) => {
      if (now - lastDraw.current >= ANIMATION_FRAME_MS) drawOverlay(now);
      // One more frame after the last pulse ends, so it is drawn gone.
      frame.current = field.isActive(now) || arcs.isActive(now) || lastDraw.current !== now ? requestAnimationFrame(tick) : 0;
    };
    return props.subscribeArrivals((events) => {
      const now = performance.now();
      let moved = false;
      for (const e of events) {
        if (e.type !== 'submitted') continue;
        moved = field.hit(e.districtCode, now) || moved;
        const origin = crossDistrictOrigin(e);
        const from = origin && ANCHORS.get(origin);
        const to = ANCHORS.get(e.districtCode);
        if (from && to) {
          arcs.add(from, to, now);
          moved = true;
        }
      }
      if (moved && !frame.current) frame.current = requestAnimationFrame(tick);
    });
  }, [props.subscribeArrivals, field, arcs]);

  const size = { width: props.width, height: props.height };
  // A click picks the district under it here, not through deck's tap recogniser (which, with the overlay
  // deck beside it, never reported a click: hover worked, selection did not). The wall may be scaled.
  const onClick = (e: MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const scale = r.width / props.width || 1;
    const info = deckRef.current?.pickObject({ x: (e.clientX - r.left) / scale, y: (e.clientY - r.top) / scale }) as PickingInfo<DistrictFeature> | null | undefined;
    handlers.current.onSelect(info?.object?.properties.adcode);
  };
  return (
    <div className="district-map" data-testid="district-map" style={size}>
      <canvas ref={canvasRef} className="district-map-canvas" style={size} onClick={onClick} />
      <canvas ref={overlayRef} className="district-map-overlay" style={size} />
    </div>
  );
});
