import { useEffect, useLayoutEffect, useRef } from 'react';
import { tween } from './wall-format.ts';

const DURATION_MS = 400;

/**
 * A number that glides to its new value when it changes. The frames write the text directly (no React
 * render per frame); the animation frame runs only while gliding and is cancelled on change and on unmount.
 */
export function AnimatedNumber(props: { value: number; format: (v: number) => string }) {
  const el = useRef<HTMLSpanElement>(null);
  const shown = useRef(props.value);
  const format = useRef(props.format);
  format.current = props.format;
  // The text belongs to this component, not to React's reconciliation: written once at mount, then by frames.
  useLayoutEffect(() => {
    if (el.current) el.current.textContent = format.current(shown.current);
  }, []);
  useEffect(() => {
    const from = shown.current;
    const to = props.value;
    if (from === to) return;
    const start = performance.now();
    let frame = requestAnimationFrame(function step(now) {
      const t = (now - start) / DURATION_MS;
      shown.current = tween(from, to, t);
      if (el.current) el.current.textContent = format.current(shown.current);
      if (t < 1) frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [props.value]);
  return <span ref={el} />;
}
