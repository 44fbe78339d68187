import { useState } from 'react';
import type { AreaOverview, AreaRow } from '@tongban/shared';
import { superviseHash } from '../data/page-links.ts';
import { AREA_COLUMNS, cellText, nextSort, sortAreaRows, type AreaSort } from './area-table-model.ts';
import { countLink, listHash } from './case-list-query.ts';

const LEVEL_WORD = { district: '区县', township: '乡镇/街道', village: '村/社区' } as const;

/** Where a click on an area's name goes: one level down, and from a village to its case list. */
function drillHref(o: AreaOverview, row: AreaRow): string | null {
  if (row.code === null) return null;
  if (o.level === 'district') return superviseHash(row.code);
  if (o.level === 'township') return superviseHash(o.district?.code ?? row.code.slice(0, 6), row.code);
  return listHash({ districtCode: row.code.slice(0, 6), villageCode: row.code });
}

/** The areas of one level with their counts; sortable by any column; every count opens its case list. */
export function AreaTable(props: { overview: AreaOverview }) {
  const o = props.overview;
  const [sort, setSort] = useState<AreaSort>({ key: 'red', desc: true });
  const rows = sortAreaRows(o.rows, sort);
  const header = (key: AreaSort['key'], label: string) => (
    <th key={key} aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" onClick={() => setSort(nextSort(sort, key))}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  const cell = (row: AreaRow, measure: keyof AreaRow) => {
    const href = countLink(o.level, row, measure, { districtCode: o.district?.code ?? null });
    const text = cellText(row, measure);
    const cls = measure === 'red' && row.red > 0 ? 'sv-red' : measure === 'yellow' && row.yellow > 0 ? 'sv-yellow' : row[measure] === null ? 'sv-nodata' : undefined;
    return <td key={measure} className={cls}>{href ? <a href={href}>{text}</a> : text}</td>;
  };
  return (
    <table className="sv-table sv-area-table" data-testid="area-table">
      <thead>
        <tr>
          {header('name', LEVEL_WORD[o.level])}
          {AREA_COLUMNS.map((c) => header(c.key, c.label))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const href = drillHref(o, r);
          return (
            <tr key={r.code ?? '-'} data-area={r.code ?? ''}>
              <th scope="row">{href ? <a href={href}>{r.name}</a> : r.name}</th>
              {AREA_COLUMNS.map((c) => cell(r, c.measure))}
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{o.totals.name}</th>
          {AREA_COLUMNS.map((c) => (
            <td key={c.key}>{cellText(o.totals, c.measure)}</td>
          ))}
        </tr>
      </tfoot>
    </table>
  );
}
