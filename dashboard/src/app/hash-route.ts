export type Route = 'wall' | 'reports';

/** Pure: the page a location hash names. `/` (no hash) is the wall; `#/reports` the analysts' reports. */
export function routeOf(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0]!.replace(/\/+$/, '');
  return path === '/reports' ? 'reports' : 'wall';
}
