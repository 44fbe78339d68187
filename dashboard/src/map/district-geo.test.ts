import { describe, expect, it } from 'vitest';
import { DISTRICT_GEO, crossDistrictOrigin, districtAnchors, districtBounds, districtLabels, geoBounds, labelCharacterSet, labelSize, ringArea } from './district-geo.ts';

describe('district geometry for the map', () => {
  const labels = districtLabels(DISTRICT_GEO);

  it('labels all 38 districts with their short Chinese names', () => {
    expect(labels).toHaveLength(38);
    expect(labels.find((l) => l.code === '500118')?.text).toBe('永川');
    expect(labels.find((l) => l.code === '500240')?.text).toBe('石柱');
  });

  it('labels the tiny central districts smaller than the large counties', () => {
    const size = (code: string) => labels.find((l) => l.code === code)!.size;
    expect(size('500103')).toBe(9);
    expect(size('500101')).toBe(13);
    expect(ringArea([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]])).toBe(1);
    expect([0.002, 0.04, 0.07, 0.3].map(labelSize)).toEqual([9, 10, 11, 13]);
  });

  it('gives the label layer every character of the names, once', () => {
    const chars = labelCharacterSet(labels);
    expect(chars).toContain('永');
    expect(chars).toContain('柱');
    expect(new Set(chars).size).toBe(chars.length);
    expect(chars.join('')).not.toMatch(/[A-Za-z0-9]/);
  });

  it('bounds Chongqing', () => {
    const [[w, s], [e, n]] = geoBounds(DISTRICT_GEO);
    expect(w).toBeGreaterThan(105);
    expect(e).toBeLessThan(110.5);
    expect(s).toBeGreaterThan(28);
    expect(n).toBeLessThan(32.5);
  });

  it('bounds one district for its screen (永川区 lies inside the city, far smaller), the city for a zone', () => {
    const [[w, s], [e, n]] = districtBounds(DISTRICT_GEO, '500118');
    const [[cw, cs], [ce, cn]] = geoBounds(DISTRICT_GEO);
    expect(w).toBeGreaterThanOrEqual(cw);
    expect(e).toBeLessThanOrEqual(ce);
    expect(s).toBeGreaterThanOrEqual(cs);
    expect(n).toBeLessThanOrEqual(cn);
    expect((e - w) * (n - s)).toBeLessThan(((ce - cw) * (cn - cs)) / 20);
    expect(districtBounds(DISTRICT_GEO, 'LJXQ')).toEqual(geoBounds(DISTRICT_GEO));
  });

  it('places a development zone among the districts it overlaps', () => {
    const anchors = districtAnchors(labels);
    const ljxq = anchors.get('LJXQ')!;
    expect(ljxq).toBeDefined();
    expect(anchors.get('WSJK')).toEqual(anchors.get('500110'));
    expect(anchors.size).toBe(41);
  });

  it('draws an arc only for a submission made in another district than the handling one', () => {
    const base = { type: 'submitted' as const, districtCode: '500118' };
    expect(crossDistrictOrigin({ ...base, townshipCode: '500101001' })).toBe('500101');
    expect(crossDistrictOrigin({ ...base, villageCode: '500153100200' })).toBe('500153');
    expect(crossDistrictOrigin({ ...base, townshipCode: '500118001' })).toBeUndefined();
    expect(crossDistrictOrigin({ ...base, townshipCode: 'T1' })).toBeUndefined();
    expect(crossDistrictOrigin({ ...base, type: 'accepted', townshipCode: '500101001' })).toBeUndefined();
    expect(crossDistrictOrigin({ ...base, districtCode: 'LJXQ', townshipCode: '500112001' })).toBeUndefined();
    expect(crossDistrictOrigin({ ...base, townshipCode: '500118001', note: '全渝通办：申请人属地万州区，异地申办' })).toBe('500101');
    expect(crossDistrictOrigin({ ...base, note: '全渝通办：申请人属地永川区，异地申办' })).toBeUndefined();
    expect(crossDistrictOrigin({ ...base, note: '申请人属地火星区' })).toBeUndefined();
  });
});
