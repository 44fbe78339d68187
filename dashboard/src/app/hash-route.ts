export type Route =
  | { page: 'wall' }
  | { page: 'reports' }
  /** The supervisors' workspace: the city, a district's townships, or a township's villages. */
  | { page: 'supervise'; districtCode: string | null; townshipCode: string | null }
  /** The case list; `query` is the filter state (the part after `?`), so a link reproduces the view. */
  | { page: 'cases'; query: string }
  | { page: 'case'; caseId: string }
  /** The 督办 list; `query` holds its filters (district, issuer, clock). */
  | { page: 'orders'; query: string };

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Pure: the page a location hash names. `/` (no hash) is the wall; `#/reports` the analysts' reports;
 * `#/supervise[/district/<code>[/township/<code>]]` the supervisors' workspace; `#/cases?…` the case list;
 * `#/cases/<caseId>` one case; `#/supervise/orders?…` the 督办 list. Anything unknown is the wall.
 */
export function routeOf(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = (q < 0 ? raw : raw.slice(0, q)).replace(/\/+$/, '');
  const query = q < 0 ? '' : raw.slice(q + 1);
  if (path === '/reports') return { page: 'reports' };
  if (path === '/cases') return { page: 'cases', query };
  if (path === '/supervise/orders') return { page: 'orders', query };
  const one = /^\/cases\/(.+)$/.exec(path);
  if (one) return { page: 'case', caseId: decode(one[1]!) };
  const sup = /^\/supervise(?:\/district\/([^/]+)(?:\/township\/([^/]+))?|\/township\/([^/]+))?$/.exec(path);
  if (sup) {
    const township = sup[2] ?? sup[3] ?? null;
    return { page: 'supervise', districtCode: sup[1] ?? (township ? township.slice(0, 6) : null), townshipCode: township };
  }
  return { page: 'wall' };
}
