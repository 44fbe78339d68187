import { describe, expect, it } from 'vitest';
import { validateServiceItem } from './service-item.ts';

const item = {
  itemCode: 'SCJG-GTGSH-BG',
  name: '个体工商户变更登记',
  powerType: '行政许可',
  department: '市场监管局',
  statutoryLimitDays: 15,
  promisedLimitDays: 3,
  onlineDepth: 4,
  channels: ['window', 'pc'],
  crossDistrict: true,
  minHandlingMinutes: 10,
  guide: { basis: true, materials: true },
};

describe('validateServiceItem', () => {
  it('accepts a catalogue item', () => expect(validateServiceItem(item).ok).toBe(true));
  it('refuses a promise longer than the statutory limit', () => {
    const r = validateServiceItem({ ...item, promisedLimitDays: 20 });
    expect(r.ok ? [] : r.errors).toEqual(['promisedLimitDays: promisedLimitDays must not exceed statutoryLimitDays']);
  });
  it('refuses an unknown channel and a missing name', () => {
    const { name: _n, ...noName } = item;
    const r = validateServiceItem({ ...noName, channels: ['fax'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join(' ')).toMatch(/name.*channels|channels.*name/s);
  });
});

describe('stage limits (环节时限)', () => {
  it('accepts working-day limits for some stages', () => {
    const r = validateServiceItem({ ...item, stageLimitDays: { accepted: 1, reviewed: 2 } });
    expect(r.ok && r.item.stageLimitDays).toEqual({ accepted: 1, reviewed: 2 });
  });
  it('refuses a limit for a stage that is not one', () => {
    expect(validateServiceItem({ ...item, stageLimitDays: { rated: 1 } }).ok).toBe(false);
  });
});
