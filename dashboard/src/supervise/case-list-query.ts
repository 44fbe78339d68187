import { CASE_SORTS, SUPERVISION_FILTERS, type AreaLevel, type AreaRow, type CaseSortKey, type SupervisionFilter } from '@tongban/shared';

/** The case list's filter state: exactly what the URL (`#/cases?…`) holds and the API takes. */
export interface ListFilters {
  warning?: 'none' | 'yellow' | 'red' | 'at_risk';
  flag?: string;
  dataQuality?: boolean;
  itemCode?: string;
  departmentCode?: string;
  stage?: string;
  level?: 'city' | 'district' | 'township' | 'village';
  districtCode?: string;
  townshipCode?: string;
  villageCode?: string;
  minDaysOverdue?: number;
  supervision?: SupervisionFilter;
  redSince?: string;
  q?: string;
  sort?: CaseSortKey;
}

/** Parameter order of a canonical URL: the same view always has the same link. */
const KEYS = ['districtCode', 'townshipCode', 'villageCode', 'warning', 'flag', 'dataQuality', 'itemCode', 'departmentCode', 'stage', 'level', 'minDaysOverdue', 'supervision', 'redSince', 'q', 'sort'] as const;
const WARNINGS = ['none', 'yellow', 'red', 'at_risk'];
const LEVELS = ['city', 'district', 'township', 'village'];
const CODE = /^[0-9A-Za-z_-]{1,32}$/;

/** Pure: the filters a query string holds; anything malformed or unknown is left out (never sent on). */
export function parseListQuery(query: string): ListFilters {
  const p = new URLSearchParams(query);
  const f: ListFilters = {};
  const code = (k: 'flag' | 'itemCode' | 'departmentCode' | 'stage' | 'districtCode' | 'townshipCode' | 'villageCode') => {
    const v = p.get(k);
    if (v && CODE.test(v)) f[k] = v;
  };
  (['districtCode', 'townshipCode', 'villageCode', 'flag', 'itemCode', 'departmentCode', 'stage'] as const).forEach(code);
  const w = p.get('warning');
  if (w && WARNINGS.includes(w)) f.warning = w as ListFilters['warning'];
  const l = p.get('level');
  if (l && LEVELS.includes(l)) f.level = l as ListFilters['level'];
  if (p.get('dataQuality') === 'true') f.dataQuality = true;
  const d = p.get('minDaysOverdue');
  if (d && /^\d{1,4}$/.test(d)) f.minDaysOverdue = Number(d);
  const s = p.get('supervision');
  if (s && (SUPERVISION_FILTERS as readonly string[]).includes(s)) f.supervision = s as SupervisionFilter;
  const r = p.get('redSince');
  if (r && /^\d{4}-\d{2}-\d{2}$/.test(r)) f.redSince = r;
  const q = p.get('q')?.trim();
  if (q) f.q = q.slice(0, 64);
  const sort = p.get('sort');
  if (sort && sort !== 'severity' && (CASE_SORTS as readonly string[]).includes(sort)) f.sort = sort as CaseSortKey;
  return f;
}

/** Pure: the canonical query string of filters (fixed order, empty values left out). */
export function listQueryString(f: ListFilters): string {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    const v = f[k];
    if (v === undefined || v === '' || v === false) continue;
    if (k === 'sort' && v === 'severity') continue;
    p.set(k, String(v));
  }
  return p.toString();
}

export const listHash = (f: ListFilters): string => {
  const q = listQueryString(f);
  return q ? `#/cases?${q}` : '#/cases';
};

export function listApiUrl(f: ListFilters, limit: number, cursor?: string | null): string {
  const q = listQueryString(f);
  return `/api/v1/cases?${q ? `${q}&` : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
}

export function exportUrl(f: ListFilters, format: 'xlsx' | 'csv'): string {
  const q = listQueryString(f);
  return `/api/v1/cases/export?${q ? `${q}&` : ''}format=${format}`;
}

/** The measures of an area row that link to the case list, and the filter each one means. */
export const MEASURE_FILTERS: Partial<Record<keyof AreaRow, ListFilters>> = {
  open: {},
  yellow: { warning: 'yellow' },
  red: { warning: 'red' },
  atRisk: { warning: 'at_risk' },
  dataQuality: { dataQuality: true },
  pauseOverdue: { flag: 'pause_overdue' },
  stageOverdue: { flag: 'stage_overdue' },
  openOrders: { supervision: 'open' },
  overdueOrders: { supervision: 'overdue' },
};

/**
 * Pure: the case list behind one count of an area row, or null when no list shows it (the cases without a
 * recorded place, the bad ratings, which may be on closed cases). `within` is the page's own scope.
 */
export function countLink(level: AreaLevel, row: Pick<AreaRow, 'code'>, measure: keyof AreaRow, within: { districtCode: string | null }): string | null {
  const extra = MEASURE_FILTERS[measure];
  if (!extra || row.code === null) return null;
  const place: ListFilters =
    level === 'district' ? { districtCode: row.code } : level === 'township' ? { districtCode: within.districtCode ?? row.code.slice(0, 6), townshipCode: row.code } : { districtCode: row.code.slice(0, 6), villageCode: row.code };
  return listHash({ ...place, ...extra });
}
