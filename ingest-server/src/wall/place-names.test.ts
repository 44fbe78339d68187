import { describe, expect, it } from 'vitest';
import { MAX_PLACE_CODES, parsePlaceCodes, placeNames } from './place-names.ts';

describe('place names', () => {
  it('accepts only township and village codes, once each', () => {
    expect(parsePlaceCodes('500118001, 500118001001,500118001,500118,abc,')).toEqual(['500118001', '500118001001']);
    expect(parsePlaceCodes(undefined)).toEqual([]);
  });

  it('caps the number of codes per request', () => {
    const many = Array.from({ length: 500 }, (_, i) => String(500118000000 + i)).join(',');
    expect(parsePlaceCodes(many)).toHaveLength(MAX_PLACE_CODES);
  });

  it('names known codes and leaves unknown ones out', () => {
    const townships = new Map([['500118001', { name: '中山路街道' }]]);
    const villages = new Map([['500118001001', { name: '萱花社区' }]]);
    expect(placeNames(['500118001', '500118001001', '500118999'], (c) => townships.get(c), (c) => villages.get(c))).toEqual({
      '500118001': '中山路街道',
      '500118001001': '萱花社区',
    });
  });
});
