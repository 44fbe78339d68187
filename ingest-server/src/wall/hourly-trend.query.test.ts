import { describe, expect, it } from 'vitest';
import { hourlyTrendFromRows } from './hourly-trend.query.ts';

describe('hourly trend', () => {
  it('compares each hour of today with the same weekday a week earlier', () => {
    const t = hourlyTrendFromRows(
      '2025-10-15',
      [
        { day: '2025-10-15', hour: 9, n: 12 },
        { day: '2025-10-08', hour: 9, n: 7 },
        { day: '2025-10-08', hour: 20, n: 3 },
      ],
      10,
    );
    expect(t.compareDay).toBe('2025-10-08');
    expect(t.hours).toHaveLength(24);
    expect(t.hours[9]).toEqual({ hour: 9, today: 12, compare: 7 });
    expect(t.hours[10]).toEqual({ hour: 10, today: 0, compare: 0 });
  });

  it('leaves hours that have not begun empty rather than zero', () => {
    const t = hourlyTrendFromRows('2025-10-15', [{ day: '2025-10-08', hour: 20, n: 3 }], 10);
    expect(t.hours[11]!.today).toBeNull();
    expect(t.hours[20]).toEqual({ hour: 20, today: null, compare: 3 });
  });

  it('ignores rows of other days and impossible hours', () => {
    const t = hourlyTrendFromRows('2025-10-15', [{ day: '2025-10-14', hour: 1, n: 5 }, { day: '2025-10-15', hour: 24, n: 5 }], 23);
    expect(t.hours.reduce((s, h) => s + (h.today ?? 0) + h.compare, 0)).toBe(0);
  });
});
