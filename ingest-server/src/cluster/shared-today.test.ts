import { describe, expect, it } from 'vitest';
import { countFields, snapshotOfFields } from './shared-today.ts';

describe('shared today counters', () => {
  it('counts only the day’s events, city-wide and per district', () => {
    const f = countFields(
      [
        { type: 'submitted', districtCode: '500103', occurredAt: '2026-03-02T09:00:00+08:00' },
        { type: 'submitted', districtCode: '500103', occurredAt: '2026-03-02T10:00:00+08:00' },
        { type: 'completed', districtCode: '500112', occurredAt: '2026-03-02T23:59:00+08:00' },
        { type: 'submitted', districtCode: '500103', occurredAt: '2026-03-01T23:59:00+08:00' },
      ],
      '2026-03-02',
    );
    expect(Object.fromEntries(f)).toEqual({ 't:submitted': 2, 'd:500103:submitted': 2, 't:completed': 1, 'd:500112:completed': 1 });
  });

  it('reads the hash back as the snapshot the wall gets', () => {
    const s = snapshotOfFields('2026-03-02', { seeded: '1', 't:submitted': '2', 'd:500103:submitted': '2', 'd:NODISTRICT:accepted': '1' });
    expect(s).toEqual({ day: '2026-03-02', totals: { submitted: 2 }, districts: { '500103': { submitted: 2 }, NODISTRICT: { accepted: 1 } } });
  });
});
