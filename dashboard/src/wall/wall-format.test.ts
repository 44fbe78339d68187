import { describe, expect, it } from 'vitest';
import { formatShanghaiClock, formatShanghaiTime, todayCounterTiles } from './wall-format.ts';

describe('wall formatting', () => {
  it('shows Asia/Shanghai time whatever the browser zone', () => {
    expect(formatShanghaiTime('2025-08-24T06:37:00Z')).toBe('14:37:00');
    expect(formatShanghaiClock(Date.parse('2025-08-24T16:00:01Z'))).toBe('2025-08-25 00:00:01');
  });

  it('shows zero for counters the server has not reported yet', () => {
    expect(todayCounterTiles({ day: 'd', totals: { submitted: 3 }, districts: {} }).map((t) => t.value)).toEqual([3, 0, 0, 0]);
  });
});
