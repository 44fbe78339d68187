import { ORDER_STATUS_FILTERS, isKnownDistrict } from '@tongban/shared';

export interface OrderFilters {
  districtCode?: string;
  issuer?: string;
  status?: (typeof ORDER_STATUS_FILTERS)[number];
}

/** Pure: the 督办 list's filters from its URL, and back (fixed order): a link reproduces the view. */
export function parseOrderQuery(query: string): OrderFilters {
  const p = new URLSearchParams(query);
  const f: OrderFilters = {};
  const d = p.get('districtCode');
  if (d && isKnownDistrict(d)) f.districtCode = d;
  const i = p.get('issuer')?.trim();
  if (i) f.issuer = i.slice(0, 64);
  const s = p.get('status');
  if (s && (ORDER_STATUS_FILTERS as readonly string[]).includes(s)) f.status = s as OrderFilters['status'];
  return f;
}

export function orderQueryString(f: OrderFilters): string {
  const p = new URLSearchParams();
  if (f.districtCode) p.set('districtCode', f.districtCode);
  if (f.issuer) p.set('issuer', f.issuer);
  if (f.status) p.set('status', f.status);
  return p.toString();
}
