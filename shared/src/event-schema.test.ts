import { describe, expect, it } from 'vitest';
import { validateEvent } from './event-schema.ts';

const NOW = Date.parse('2025-08-24T15:00:00+08:00');
const submitted = {
  eventId: 'yc-0001.submitted',
  caseId: 'YC20250824-0001',
  type: 'submitted',
  occurredAt: '2025-08-24T14:37:00+08:00',
  itemCode: 'SC-GTGSH-BG',
  districtCode: '500118',
  level: 'district',
  channel: 'window',
  applicant: { type: 'person', name: '张三', idNumber: '500118199001011234', phone: '13812345678' },
};

describe('validateEvent', () => {
  it('accepts the Yongchuan sole-trader submission of the domain brief', () => {
    const r = validateEvent(submitted, NOW);
    expect(r.ok).toBe(true);
  });

  it('names every faulty field at once', () => {
    const r = validateEvent({ ...submitted, eventId: 'bad id!', occurredAt: '2025-08-24 14:37', level: 'province' }, NOW);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.some((e) => e.startsWith('eventId:'))).toBe(true);
    expect(r.errors.some((e) => e.startsWith('occurredAt:'))).toBe(true);
    expect(r.errors.some((e) => e.startsWith('level:'))).toBe(true);
  });

  it('requires an offset on occurredAt', () => {
    const r = validateEvent({ ...submitted, occurredAt: '2025-08-24T14:37:00' }, NOW);
    expect(r.ok).toBe(false);
  });

  it('requires itemCode and channel on submitted, rating on rated', () => {
    const { itemCode: _i, channel: _c, ...bare } = submitted;
    const r1 = validateEvent(bare, NOW);
    expect(r1.ok ? [] : r1.errors).toEqual(['itemCode: is required on submitted', 'channel: is required on submitted']);
    const r2 = validateEvent({ ...bare, type: 'rated', eventId: 'r1' }, NOW);
    expect(r2.ok ? [] : r2.errors).toEqual(['rating: is required on rated']);
  });

  it('refuses an event more than five minutes in the future but allows clock skew below that', () => {
    expect(validateEvent({ ...submitted, occurredAt: '2025-08-24T15:04:00+08:00' }, NOW).ok).toBe(true);
    const r = validateEvent({ ...submitted, occurredAt: '2025-08-24T15:06:00+08:00' }, NOW);
    expect(r.ok).toBe(false);
  });

  it('rejects a non-object', () => {
    expect(validateEvent('hello', NOW).ok).toBe(false);
    expect(validateEvent(null, NOW).ok).toBe(false);
  });
});
