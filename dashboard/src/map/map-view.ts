import { WebMercatorViewport } from '@deck.gl/core';
import type { LonLat } from './district-geo.ts';

export interface MapViewState {
  longitude: number;
  latitude: number;
  zoom: number;
  pitch: number;
  bearing: number;
}

/** Pure: the view that fits the bounds into a width × height panel with padding (no base map, no pan). */
export function fitViewState(bounds: [LonLat, LonLat], width: number, height: number, padding = 24): MapViewState {
  const { longitude, latitude, zoom } = new WebMercatorViewport({ width, height }).fitBounds(bounds, { padding });
  return { longitude, latitude, zoom, pitch: 0, bearing: 0 };
}

/** Device pixels per CSS pixel for canvases: sharp on a wall scaled up, but capped (a 4K wall has 8M pixels). */
export function canvasPixelRatio(devicePixelRatio: number, wallScale: number, cap = 2): number {
  return Math.max(1, Math.min(cap, devicePixelRatio * wallScale));
}
