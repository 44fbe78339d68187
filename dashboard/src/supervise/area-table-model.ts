import type { AreaRow } from '@tongban/shared';

export type AreaSortKey = 'name' | 'open' | 'yellow' | 'red' | 'atRisk' | 'dataQuality' | 'overdueRate' | 'openOrders' | 'badRatingsPastDue';
export interface AreaSort {
  key: AreaSortKey;
  desc: boolean;
}

/** The columns of the area table, in order, with the word each header shows. */
export const AREA_COLUMNS: Array<{ key: AreaSortKey; label: string; measure: keyof AreaRow }> = [
  { key: 'open', label: '在办', measure: 'open' },
  { key: 'yellow', label: '黄色预警', measure: 'yellow' },
  { key: 'red', label: '红色超期', measure: 'red' },
  { key: 'atRisk', label: '预测风险', measure: 'atRisk' },
  { key: 'dataQuality', label: '数据质量', measure: 'dataQuality' },
  { key: 'overdueRate', label: '超期率', measure: 'overdueRate' },
  { key: 'openOrders', label: '未办结督办', measure: 'openOrders' },
  { key: 'badRatingsPastDue', label: '差评逾期', measure: 'badRatingsPastDue' },
];

/**
 * Pure: rows sorted by a column; a value the data does not hold (null) sorts last either way, ties by name.
 * The rows of areas nobody recorded (code null) stay at the end.
 */
export function sortAreaRows(rows: readonly AreaRow[], sort: AreaSort): AreaRow[] {
  const byName = (a: AreaRow, b: AreaRow) => a.name.localeCompare(b.name, 'zh-CN');
  return [...rows].sort((a, b) => {
    if ((a.code === null) !== (b.code === null)) return a.code === null ? 1 : -1;
    if (sort.key === 'name') return sort.desc ? byName(b, a) : byName(a, b);
    const x = a[sort.key];
    const y = b[sort.key];
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return (sort.desc ? y - x : x - y) || byName(a, b);
  });
}

/** Pure: the next sort after a click on a column's header: a new column sorts worst first, the same one flips. */
export const nextSort = (s: AreaSort, key: AreaSortKey): AreaSort => (s.key === key ? { key, desc: !s.desc } : { key, desc: key !== 'name' });

/** Pure: a cell as shown: null is 无数据, a rate is a percentage. */
export function cellText(row: AreaRow, measure: keyof AreaRow): string {
  const v = row[measure];
  if (v === null) return '无数据';
  if (measure === 'overdueRate') return `${((v as number) * 100).toFixed(1)}%`;
  return String(v);
}
