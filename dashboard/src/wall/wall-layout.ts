/** The wall's layout for a screen of any size and ratio: a design canvas scaled uniformly, never stretched. */
export interface WallLayout {
  /** Design pixels of the canvas (1080 high for landscape screens, 1920 wide for portrait ones). */
  width: number;
  height: number;
  scale: number;
  /** Map panel's drawing size. */
  mapWidth: number;
  mapHeight: number;
  /** Ultra-wide (a spliced wall): the live feed gets a column of its own beside the map. */
  wide: boolean;
}

const BASE_W = 1920;
const BASE_H = 1080;
/** Side columns, gaps and padding around the centre column (see wall.css). */
const SIDES = 2 * 464 + 2 * 12 + 2 * 16;
const FEED_COLUMN = 560;

/**
 * Pure: the canvas takes the screen's own ratio (wider or taller than 16:9) so nothing letterboxes into a
 * strip; the extra room goes to the centre (the map), and on a spliced wall the feed moves beside the map.
 */
export function wallLayout(screenW: number, screenH: number): WallLayout {
  const aspect = screenW > 0 && screenH > 0 ? screenW / screenH : BASE_W / BASE_H;
  const width = aspect >= BASE_W / BASE_H ? Math.round(BASE_H * aspect) : BASE_W;
  const height = aspect >= BASE_W / BASE_H ? BASE_H : Math.round(BASE_W / aspect);
  const scale = Math.min(screenW / width, screenH / height) || 1;
  const centre = width - SIDES;
  const wide = centre >= 1800;
  const mapWidth = (wide ? centre - FEED_COLUMN - 12 : centre) - 22;
  const mapHeight = wide ? height - 190 : 580 + (height - BASE_H);
  return { width, height, scale, mapWidth, mapHeight, wide };
}
