import { describe, expect, it } from 'vitest';
import { wallLayout } from './wall-layout.ts';

describe('the wall layout', () => {
  it('is the 1920×1080 design on a 16:9 screen, at any resolution', () => {
    expect(wallLayout(3840, 2160)).toMatchObject({ width: 1920, height: 1080, scale: 2, mapWidth: 914, mapHeight: 580, wide: false });
  });

  it('takes a spliced wall’s own ratio: 6656×1792 fills the screen, the feed beside the map', () => {
    const l = wallLayout(6656, 1792);
    expect(l.height).toBe(1080);
    // Within a pixel of the screen both ways: no letterbox.
    expect(Math.abs(l.width * l.scale - 6656)).toBeLessThan(2);
    expect(Math.abs(l.height * l.scale - 1792)).toBeLessThan(2);
    expect(l.wide).toBe(true);
    expect(l.mapWidth).toBeGreaterThan(2000);
  });

  it('grows taller on a portrait screen instead of shrinking into a strip', () => {
    const l = wallLayout(1080, 1920);
    expect(l.width).toBe(1920);
    expect(l.height).toBeGreaterThan(3000);
    expect(l.mapHeight).toBeGreaterThan(580);
  });
});
