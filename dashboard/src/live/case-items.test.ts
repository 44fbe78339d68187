import { describe, expect, it } from 'vitest';
import { CaseItems } from './case-items.ts';
import type { LiveEvent } from '@tongban/shared';

const ev = (caseId: string, type: LiveEvent['type'], itemCode?: string): LiveEvent => ({
  eventId: `${caseId}.${type}`,
  caseId,
  type,
  occurredAt: '2025-08-24T14:37:00+08:00',
  districtCode: '500118',
  districtName: '永川区',
  level: 'district',
  ...(itemCode ? { itemCode } : {}),
});

describe('case items', () => {
  it('names the item of a later event from the case’s submission', () => {
    const items = new CaseItems();
    items.enrich(ev('C1', 'submitted', 'ITEM-A'));
    expect(items.enrich(ev('C1', 'accepted')).itemCode).toBe('ITEM-A');
    expect(items.enrich(ev('C2', 'accepted')).itemCode).toBeUndefined();
  });

  it('forgets the oldest cases beyond its limit', () => {
    const items = new CaseItems(2);
    for (const c of ['C1', 'C2', 'C3']) items.enrich(ev(c, 'submitted', `I-${c}`));
    expect(items.size).toBe(2);
    expect(items.enrich(ev('C1', 'completed')).itemCode).toBeUndefined();
    expect(items.enrich(ev('C3', 'completed')).itemCode).toBe('I-C3');
  });
});
