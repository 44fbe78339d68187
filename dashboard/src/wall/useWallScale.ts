import { useEffect, useState } from 'react';
import { canvasPixelRatio } from '../map/map-view.ts';
import { wallScale } from './wall-format.ts';

const measure = () => {
  const scale = wallScale(window.innerWidth, window.innerHeight);
  return { scale, pixelRatio: canvasPixelRatio(window.devicePixelRatio || 1, scale) };
};

/** The uniform scale of the 1920×1080 design on this screen, and the capped canvas pixel ratio to match. */
export function useWallScale(): { scale: number; pixelRatio: number } {
  const [value, setValue] = useState(measure);
  useEffect(() => {
    const onResize = () => setValue((prev) => {
      const next = measure();
      return next.scale === prev.scale && next.pixelRatio === prev.pixelRatio ? prev : next;
    });
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return value;
}
