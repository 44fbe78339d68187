import { describe, expect, it } from 'vitest';
import { caseHash, superviseHash } from '../data/page-links.ts';
import { routeOf } from './hash-route.ts';

describe('hash routes', () => {
  it('shows the wall at the root and for anything unknown', () => {
    expect(routeOf('')).toEqual({ page: 'wall' });
    expect(routeOf('#/')).toEqual({ page: 'wall' });
    expect(routeOf('#/nope')).toEqual({ page: 'wall' });
  });

  it('shows the reports page at #/reports, with or without a query or trailing slash', () => {
    expect(routeOf('#/reports')).toEqual({ page: 'reports' });
    expect(routeOf('#/reports/')).toEqual({ page: 'reports' });
    expect(routeOf('#/reports?kind=monthly')).toEqual({ page: 'reports' });
  });

  it('names the level of the workspace, and the district of a township', () => {
    expect(routeOf('#/supervise')).toEqual({ page: 'supervise', districtCode: null, townshipCode: null });
    expect(routeOf('#/supervise/district/500118')).toEqual({ page: 'supervise', districtCode: '500118', townshipCode: null });
    expect(routeOf('#/supervise/district/500118/township/500118001')).toEqual({ page: 'supervise', districtCode: '500118', townshipCode: '500118001' });
    expect(routeOf('#/supervise/township/500118001')).toEqual({ page: 'supervise', districtCode: '500118', townshipCode: '500118001' });
    expect(routeOf(superviseHash('500118', '500118001'))).toEqual(routeOf('#/supervise/district/500118/township/500118001'));
  });

  it('keeps the case list filters and opens a case by its number, whatever characters it holds', () => {
    expect(routeOf('#/cases?warning=red&townshipCode=500118001')).toEqual({ page: 'cases', query: 'warning=red&townshipCode=500118001' });
    expect(routeOf('#/cases')).toEqual({ page: 'cases', query: '' });
    expect(routeOf(caseHash('CQ/2025 #1'))).toEqual({ page: 'case', caseId: 'CQ/2025 #1' });
    expect(routeOf('#/supervise/orders?status=overdue')).toEqual({ page: 'orders', query: 'status=overdue' });
  });
});
