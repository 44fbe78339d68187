import { describe, expect, it } from 'vitest';
import { feedSilentTooLong, inQuietHours, msUntilShanghaiTime, nextScreen } from './kiosk-schedule.ts';

const at = (iso: string) => Date.parse(iso);

describe('the kiosk schedule (Asia/Shanghai whatever the browser says)', () => {
  it('waits until the next reload hour, tomorrow once today’s has passed', () => {
    expect(msUntilShanghaiTime(at('2026-03-02T03:30:00+08:00'), '04:00')).toBe(30 * 60_000);
    expect(msUntilShanghaiTime(at('2026-03-02T04:00:00+08:00'), '04:00')).toBe(24 * 3_600_000);
    expect(msUntilShanghaiTime(at('2026-03-01T19:30:00Z'), '04:00')).toBe(30 * 60_000);
  });

  it('knows quiet hours across midnight', () => {
    const q = { from: '22:00', to: '07:00' };
    expect(inQuietHours(at('2026-03-02T23:10:00+08:00'), q)).toBe(true);
    expect(inQuietHours(at('2026-03-02T06:59:00+08:00'), q)).toBe(true);
    expect(inQuietHours(at('2026-03-02T07:00:00+08:00'), q)).toBe(false);
    expect(inQuietHours(at('2026-03-02T12:00:00+08:00'), { from: '12:00', to: '13:00' })).toBe(true);
    expect(inQuietHours(at('2026-03-02T12:00:00+08:00'), null)).toBe(false);
  });

  it('reloads only after the feed has been silent longer than allowed; rotates, or stays pinned', () => {
    expect(feedSilentTooLong(200_000, 10_000, 180)).toBe(true);
    expect(feedSilentTooLong(190_000, 10_000, 180)).toBe(false);
    const s = { kind: 'city', districtCode: null, seconds: 10 } as const;
    expect(nextScreen([s, s, s], 2)).toBe(0);
    expect(nextScreen([s, s], 0)).toBe(1);
    expect(nextScreen([s], 0)).toBe(0);
  });
});
