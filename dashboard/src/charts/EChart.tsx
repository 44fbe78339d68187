import { memo, useEffect, useRef } from 'react';
import { init, type WallChartOption } from './echarts-setup.ts';

interface Props {
  option: WallChartOption;
  width: number;
  height: number;
  /** Canvas pixels per CSS pixel (capped); a change re-creates the chart. */
  pixelRatio: number;
  testId?: string;
}

/**
 * Mounts an option built by a pure function. One chart per mount, disposed on unmount; options are applied
 * with lazyUpdate (rendered on the next frame, several updates in a frame cost one render), and series are
 * replaced rather than merged so a removed series really goes.
 */
export const EChart = memo(function EChart({ option, width, height, pixelRatio, testId }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | null>(null);
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    const c = init(el.current!, undefined, { renderer: 'canvas', width, height, devicePixelRatio: pixelRatio });
    c.setOption(latest.current, { lazyUpdate: true });
    chart.current = c;
    return () => {
      chart.current = null;
      c.dispose();
    };
  }, [width, height, pixelRatio]);

  useEffect(() => {
    chart.current?.setOption(option, { lazyUpdate: true, replaceMerge: ['series'] });
  }, [option]);

  return <div ref={el} className="echart" data-testid={testId} style={{ width, height }} />;
});
