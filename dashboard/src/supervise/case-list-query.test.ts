import { describe, expect, it } from 'vitest';
import { countLink, exportUrl, listApiUrl, listHash, listQueryString, parseListQuery } from './case-list-query.ts';

describe('the case list URL', () => {
  it('reproduces the same view from its link, whatever order the parameters came in', () => {
    const f = parseListQuery('warning=red&townshipCode=500118001&districtCode=500118&supervision=open&q=%20CQ2025%20&sort=deadline');
    expect(f).toEqual({ warning: 'red', townshipCode: '500118001', districtCode: '500118', supervision: 'open', q: 'CQ2025', sort: 'deadline' });
    expect(listQueryString(f)).toBe('districtCode=500118&townshipCode=500118001&warning=red&supervision=open&q=CQ2025&sort=deadline');
    expect(parseListQuery(listQueryString(f))).toEqual(f);
  });

  it('drops what the API would refuse rather than send it on', () => {
    expect(parseListQuery('warning=purple&level=galaxy&minDaysOverdue=-3&redSince=yesterday&townshipCode=a%20b&nope=1&sort=severity')).toEqual({});
  });

  it('asks the API and the export for exactly the filters of the page', () => {
    const f = { districtCode: '500118', warning: 'red' as const };
    expect(listApiUrl(f, 50, 'abc=')).toBe('/api/v1/cases?districtCode=500118&warning=red&limit=50&cursor=abc%3D');
    expect(exportUrl(f, 'xlsx')).toBe('/api/v1/cases/export?districtCode=500118&warning=red&format=xlsx');
    expect(listHash({})).toBe('#/cases');
  });

  it('links each count of an area to its filtered list, and nothing for what no list shows', () => {
    expect(countLink('township', { code: '500118001' }, 'red', { districtCode: '500118' })).toBe('#/cases?districtCode=500118&townshipCode=500118001&warning=red');
    expect(countLink('district', { code: '500118' }, 'dataQuality', { districtCode: null })).toBe('#/cases?districtCode=500118&dataQuality=true');
    expect(countLink('village', { code: '500118001001' }, 'openOrders', { districtCode: '500118' })).toBe('#/cases?districtCode=500118&villageCode=500118001001&supervision=open');
    expect(countLink('district', { code: '500118' }, 'atRisk', { districtCode: null })).toBe('#/cases?districtCode=500118&warning=at_risk');
    expect(parseListQuery('warning=at_risk').warning).toBe('at_risk');
    expect(countLink('township', { code: null }, 'red', { districtCode: '500118' })).toBeNull();
    expect(countLink('district', { code: '500118' }, 'badRatingsPastDue', { districtCode: null })).toBeNull();
  });
});

describe('live warnings', () => {
  it('reload a list only for a case of its scope that entered or left its rung', async () => {
    const { warningConcerns } = await import('./useCaseWarnings.ts');
    const w = { districtCode: '500118', townshipCode: '500118001', villageCode: null, itemCode: 'I', warning: 'red', previous: 'yellow' } as Parameters<typeof warningConcerns>[1];
    expect(warningConcerns({ districtCode: '500118', warning: 'red' }, w)).toBe(true);
    expect(warningConcerns({ districtCode: '500118', warning: 'yellow' }, w)).toBe(true);
    expect(warningConcerns({ districtCode: '500118', warning: 'none' }, w)).toBe(false);
    expect(warningConcerns({ districtCode: '500101' }, w)).toBe(false);
    expect(warningConcerns({ townshipCode: '500118002' }, w)).toBe(false);
  });
});
