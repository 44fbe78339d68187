import { describe, expect, it } from 'vitest';
import { routeOf } from './hash-route.ts';

describe('hash routes', () => {
  it('shows the wall at the root and for anything unknown', () => {
    expect(routeOf('')).toBe('wall');
    expect(routeOf('#/')).toBe('wall');
    expect(routeOf('#/nope')).toBe('wall');
  });

  it('shows the reports page at #/reports, with or without a query or trailing slash', () => {
    expect(routeOf('#/reports')).toBe('reports');
    expect(routeOf('#/reports/')).toBe('reports');
    expect(routeOf('#/reports?kind=monthly')).toBe('reports');
  });
});
