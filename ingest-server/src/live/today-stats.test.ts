import { describe, expect, it } from 'vitest';
import { TodayStats } from './today-stats.ts';

describe('TodayStats', () => {
  it('counts only events of the Asia/Shanghai day, whatever the server time zone', () => {
    // 2025-08-24 00:30 in Shanghai is still 2025-08-23 in UTC.
    const stats = new TodayStats(() => Date.parse('2025-08-24T00:30:00+08:00'));
    expect(stats.add({ type: 'submitted', districtCode: '500118', occurredAt: '2025-08-23T16:10:00Z' })).toBe(true);
    expect(stats.add({ type: 'submitted', districtCode: '500118', occurredAt: '2025-08-23T23:59:00+08:00' })).toBe(false);
    const s = stats.snapshot();
    expect(s.day).toBe('2025-08-24');
    expect(s.totals.submitted).toBe(1);
    expect(s.districts['500118']?.submitted).toBe(1);
  });

  it('starts from zero when the Shanghai day changes', () => {
    let now = Date.parse('2025-08-24T23:59:00+08:00');
    const stats = new TodayStats(() => now);
    stats.add({ type: 'completed', districtCode: '500101', occurredAt: '2025-08-24T23:58:00+08:00' });
    now = Date.parse('2025-08-25T00:00:01+08:00');
    expect(stats.snapshot()).toEqual({ day: '2025-08-25', totals: {}, districts: {} });
  });
});
