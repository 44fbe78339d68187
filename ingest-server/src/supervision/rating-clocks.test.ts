import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as cal } from '@tongban/shared';
import { ratingClock, ratingClockStatus } from './rating-clocks.ts';

describe('bad-rating clocks', () => {
  it('gives a 不满意 on the eve of National Day a return visit due after the holiday and rectification 15 working days on', () => {
    const c = ratingClock(cal, { caseId: 'C', districtCode: '500118', rating: 2, ratedAt: '2025-09-30T16:00:00+08:00' }, [])!;
    expect(c.returnVisitDue).toBe('2025-10-09');
    // 10-09, 10-10, 10-11 (make-up Saturday), 10-13…17, 10-20…24, 10-27, 10-28 = 15 working days.
    expect(c.rectificationDue).toBe('2025-10-28');
    expect(ratingClockStatus(c, Date.parse('2025-10-09T18:00:00+08:00')).returnVisit).toBe('due');
    expect(ratingClockStatus(c, Date.parse('2025-10-10T09:00:00+08:00')).returnVisit).toBe('breached');
  });

  it('opens no clock for a good or neutral rating', () => {
    expect(ratingClock(cal, { caseId: 'C', districtCode: '500118', rating: 3, ratedAt: '2025-09-30T16:00:00+08:00' }, [])).toBeNull();
  });

  it('counts a follow-up by its date against the due date', () => {
    const c = ratingClock(cal, { caseId: 'C', districtCode: '500118', rating: 1, ratedAt: '2025-09-22T10:00:00+08:00' }, [
      { kind: 'return_visit', at: '2025-09-23T10:00:00+08:00' },
      { kind: 'rectified', at: '2025-10-31T10:00:00+08:00' },
    ])!;
    const s = ratingClockStatus(c, Date.parse('2025-11-01T10:00:00+08:00'));
    expect(s.returnVisit).toBe('done');
    expect(s.rectification).toBe('breached');
  });
});
