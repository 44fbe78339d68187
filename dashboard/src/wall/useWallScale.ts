import { useEffect, useState } from 'react';
import { canvasPixelRatio } from '../map/map-view.ts';
import { wallLayout, type WallLayout } from './wall-layout.ts';

const measure = () => {
  const layout = wallLayout(window.innerWidth, window.innerHeight);
  return { layout, pixelRatio: canvasPixelRatio(window.devicePixelRatio || 1, layout.scale) };
};

const same = (a: WallLayout, b: WallLayout) => a.width === b.width && a.height === b.height && a.scale === b.scale;

/** The wall's layout on this screen (its own ratio, scaled uniformly) and the capped canvas pixel ratio to match. */
export function useWallScale(): { layout: WallLayout; pixelRatio: number } {
  const [value, setValue] = useState(measure);
  useEffect(() => {
    const onResize = () =>
      setValue((prev) => {
        const next = measure();
        return same(next.layout, prev.layout) && next.pixelRatio === prev.pixelRatio ? prev : next;
      });
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return value;
}
