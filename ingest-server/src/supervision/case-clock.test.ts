import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as cal } from '@tongban/shared';
import { caseClock, nextTransition, warningOn, workingDaysOverdue, yellowAfterDays } from './case-clock.ts';

describe('the case clock', () => {
  it('puts the deadline of a 5-day promise accepted on Monday 2025-09-22 on the make-up Sunday 2025-09-28', () => {
    expect(caseClock(cal, '2025-09-22', 5, []).deadline).toBe('2025-09-28');
  });

  it('carries a 5-day promise accepted on 2025-09-30 across National Day to 2025-10-14', () => {
    const c = caseClock(cal, '2025-09-30', 5, []);
    expect(c.deadline).toBe('2025-10-14');
    expect(c.redFrom).toBe('2025-10-15');
  });

  it('moves the deadline by the working days of a 补正 pause', () => {
    // Accepted Mon 2025-09-08, 10 working days → 2025-09-22. Paused Wed 09-10 … Fri 09-12: 09-11 and 09-12 do not count.
    expect(caseClock(cal, '2025-09-08', 10, []).deadline).toBe('2025-09-22');
    expect(caseClock(cal, '2025-09-08', 10, [{ from: '2025-09-10', to: '2025-09-12' }]).deadline).toBe('2025-09-24');
  });

  it('carries a 20-day statutory limit across the 2026 Spring Festival (02-15…02-23 off, 02-14 and 02-28 worked)', () => {
    // Accepted Mon 2026-02-09: 02-10,11,12,13,14(Sat worked) = 5; 02-24,25,26,27,28(Sat worked) = 10; 03-02…06 = 15; 03-09…13 = 20.
    expect(caseClock(cal, '2026-02-09', 20, []).deadline).toBe('2026-03-13');
  });

  it('stops while a pause is open: no deadline, no transition', () => {
    const c = caseClock(cal, '2025-09-08', 10, [{ from: '2025-09-10' }]);
    expect(c.deadline).toBeNull();
    expect(c.paused).toBe(true);
    expect(nextTransition(c, '2025-09-11')).toBeNull();
  });

  it('turns yellow at 75% used or 2 days left, and red the day after the deadline', () => {
    expect(yellowAfterDays(20)).toBe(15);
    expect(yellowAfterDays(5)).toBe(3);
    expect(yellowAfterDays(2)).toBe(0);
    const c = caseClock(cal, '2025-09-08', 10, []); // deadline 09-22; yellow after 8 days = 09-18
    expect(c.yellowFrom).toBe('2025-09-18');
    expect(warningOn(c, '2025-09-17')).toBe('none');
    expect(nextTransition(c, '2025-09-17')).toBe('2025-09-18');
    expect(warningOn(c, '2025-09-18')).toBe('yellow');
    expect(nextTransition(c, '2025-09-18')).toBe('2025-09-23');
    expect(warningOn(c, '2025-09-22')).toBe('yellow');
    expect(warningOn(c, '2025-09-23')).toBe('red');
    expect(nextTransition(c, '2025-09-23')).toBeNull();
  });

  it('counts days overdue in working days', () => {
    expect(workingDaysOverdue(cal, '2025-09-30', '2025-10-09')).toBe(1);
    expect(workingDaysOverdue(cal, '2025-09-22', '2025-09-22')).toBe(0);
  });

  it('says when a deadline lies in a year the holiday data does not cover', () => {
    expect(caseClock(cal, '2026-12-28', 10, []).provisional).toBe(true);
  });
});
