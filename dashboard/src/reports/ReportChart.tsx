import { memo, useEffect, useRef } from 'react';
import type { ChartOption } from '@tongban/shared';
import { init } from './report-echarts.ts';

/** Mounts one chart option (built by a pure function); disposed on unmount, replaced when the option changes. */
export const ReportChart = memo(function ReportChart({ option, height }: { option: ChartOption; height: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = init(el.current!, undefined, { renderer: 'canvas', height });
    chart.setOption(option as Parameters<typeof chart.setOption>[0]);
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [option, height]);
  return <div ref={el} className="report-chart" style={{ height }} />;
});
