import { districtName } from '@tongban/shared';
import type { MeasureSources } from './heat-measures.ts';

export interface Figure {
  label: string;
  value: string;
}

const n = (v: number | undefined) => (v === undefined ? '—' : v.toLocaleString('zh-CN'));

/**
 * Pure: what hovering or clicking a district shows. Figures whose source has not reported are left out
 * rather than shown as zero.
 */
export function districtFigures(code: string, src: MeasureSources): { name: string; figures: Figure[] } {
  const figures: Figure[] = [];
  const today = src.today?.districts[code];
  if (src.today) {
    figures.push(
      { label: '今日申办', value: n(today?.submitted ?? 0) },
      { label: '今日受理', value: n(today?.accepted ?? 0) },
      { label: '今日办结', value: n(today?.completed ?? 0) },
    );
  }
  if (src.supervision) {
    const d = src.supervision.byDistrict[code] ?? { open: 0, yellow: 0, red: 0 };
    figures.push(
      { label: '在办', value: n(d.open) },
      { label: '预警（黄）', value: n(d.yellow) },
      { label: '超期（红）', value: n(d.red) },
      { label: '超期率', value: d.open > 0 ? `${((d.red / d.open) * 100).toFixed(1)}%` : '—' },
    );
  }
  const row = src.ranking?.find((r) => r.code === code);
  if (row && row.index !== null) figures.push({ label: '效能指数', value: row.rank === null ? `${row.index.toFixed(2)}（未排名）` : `${row.index.toFixed(2)}（第${row.rank}名）` });
  return { name: districtName(code), figures };
}
