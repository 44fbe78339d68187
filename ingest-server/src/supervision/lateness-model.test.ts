import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as cal } from '@tongban/shared';
import { cumulativeWorkingDays } from './dwell-history.query.ts';
import { atRiskFromUsed, dwellDistribution, lateProbability } from './lateness-model.ts';

const opts = { minCases: 10 };
// 20 completed cases of an item at `accepted` (entered with 0 days used): remaining 2, 3 … 7, 8 working days.
// Remaining: 2×4, 3×4, 4×4, 6×4, 8×4.
const d = dwellDistribution([
  [2, 4],
  [3, 4],
  [4, 4],
  [6, 4],
  [8, 4],
]);

describe('the lateness model', () => {
  it('gives the share of the cases that lasted as long at the stage which then ran past the promise', () => {
    // Promise 5 days, just accepted (used 0): late means remaining > 5, i.e. 6 or 8: 8 of 20.
    expect(lateProbability(d, { entered: 0, used: 0, limit: 5 }, opts)).toBe(8 / 20);
    // Used 3 and still open: survivors are those with remaining ≥ 3 (16), of which 8 ran late.
    expect(lateProbability(d, { entered: 0, used: 3, limit: 5 }, opts)).toBe(8 / 16);
    // Used 5: survivors ≥ 5 are the 8 late ones.
    expect(lateProbability(d, { entered: 0, used: 5, limit: 5 }, opts)).toBe(1);
  });

  it('counts from the day the stage began: days used before it are not the stage’s', () => {
    // Entered the stage with 2 days used, promise 5: late when remaining > 3 (4, 6, 8: 12 of 20).
    expect(lateProbability(d, { entered: 2, used: 2, limit: 5 }, opts)).toBe(12 / 20);
  });

  it('has no probability without enough completed cases, or when no case lasted as long', () => {
    const few = dwellDistribution([[9, 9]]);
    expect(lateProbability(few, { entered: 0, used: 0, limit: 5 }, opts)).toBeNull();
    expect(lateProbability(undefined, { entered: 0, used: 0, limit: 5 }, opts)).toBeNull();
    // Used 9: no completed case took 9 days or more at the stage.
    expect(lateProbability(d, { entered: 0, used: 9, limit: 12 }, opts)).toBeNull();
  });

  it('names the working day used from which the case is at risk, never decreasing after it', () => {
    // Threshold 0.5: P = 8/20 at 0, 8/20 at 1 and 2, 8/16 = 0.5 at 3 (not above), 8/12 at 4: at risk from 4.
    expect(atRiskFromUsed(d, { entered: 0, limit: 5 }, 0.5, opts)).toBe(4);
    expect(atRiskFromUsed(d, { entered: 0, limit: 5 }, 0.3, opts)).toBe(0);
    // Promise 10: no completed case took more than 8: never at risk.
    expect(atRiskFromUsed(d, { entered: 0, limit: 10 }, 0.5, opts)).toBeNull();
    let last = 0;
    for (let u = 0; u <= 5; u++) {
      const p = lateProbability(d, { entered: 0, used: u, limit: 5 }, opts)!;
      expect(p).toBeGreaterThanOrEqual(last);
      last = p;
    }
  });

  it('reads the calendar for ClickHouse as cumulative working days', () => {
    // 2025-09-26 Fri … 2025-10-13 Mon: working days after 09-26 are 09-28 (make-up Sunday), 09-29, 09-30,
    // then National Day 10-01…10-08 off, 10-09, 10-10, 10-11 (make-up Saturday), 10-13.
    const cum = cumulativeWorkingDays(cal, '2025-09-26', '2025-10-13');
    expect(cum.length).toBe(18);
    expect(cum[0]).toBe(0);
    expect(cum[2]).toBe(1); // 09-28
    expect(cum[4]).toBe(3); // 09-30
    expect(cum[12]).toBe(3); // 10-08, still the holiday
    expect(cum[15]).toBe(6); // 10-11
    expect(cum[17]).toBe(7); // 10-13
  });
});
