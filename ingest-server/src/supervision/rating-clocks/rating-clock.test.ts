import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as cal } from '@tongban/shared';
import { isActive, nextRatingChange, openRatingClock, ratingClockView, ratingWarningOn, rectificationDue, type RatingClock } from './rating-clock.ts';
import { withFollowUps } from './rating-clock.store.ts';

const at = (s: string) => Date.parse(s);
const clock = (rating: number, ratedAt: string) => openRatingClock(cal, { caseId: 'C', eventId: 'C.r', districtCode: '500118', rating, ratedAt });

describe('bad-rating clocks', () => {
  it('gives a 不满意 on the eve of National Day a return visit due after the holiday and rectification 15 working days on', () => {
    const c = clock(2, '2025-09-30T16:00:00+08:00')!;
    // 10-01…10-08 off (国庆节·中秋节): the first working day after 09-30 is 10-09.
    expect(c.returnVisitDue).toBe('2025-10-09');
    // 10-09, 10-10, 10-11 (make-up Saturday), 10-13…17, 10-20…24, 10-27, 10-28 = 15 working days.
    expect(c.rectificationDue).toBe('2025-10-28');
    expect(rectificationDue(cal, '2025-09-30')).toBe('2025-10-28');
    expect(ratingClockView(c, at('2025-10-09T18:00:00+08:00')).returnVisit).toBe('due');
    expect(ratingClockView(c, at('2025-10-10T09:00:00+08:00')).returnVisit).toBe('breached');
  });

  it('opens no clock for a good or neutral rating', () => {
    expect(clock(3, '2025-09-30T16:00:00+08:00')).toBeNull();
  });

  it('turns yellow and red like a case clock: return visit yellow at once, rectification yellow after 12 working days', () => {
    // Rated Monday 2025-09-22. Return visit (1 day): yellow from 09-22 (min(⌈0.75⌉, 1−2) → 0 days), due 09-23, red 09-24.
    // Rectification (15 days): yellow after min(⌈11.25⌉, 13) = 12 working days: 09-23…26 (4), 09-28 (make-up Sunday, 5),
    // 09-29, 09-30 (7), 10-09, 10-10, 10-11 (make-up Saturday, 10), 10-13, 10-14 (12) → yellow from 10-14;
    // due 10-17 (10-15, 10-16, 10-17 = 13…15), red from 10-18.
    const c = clock(1, '2025-09-22T10:00:00+08:00')!;
    expect(c).toMatchObject({ returnVisitYellowFrom: '2025-09-22', returnVisitDue: '2025-09-23', rectificationYellowFrom: '2025-10-14', rectificationDue: '2025-10-17' });
    expect(ratingWarningOn(c, 'returnVisit', '2025-09-22')).toBe('yellow');
    expect(ratingWarningOn(c, 'returnVisit', '2025-09-24')).toBe('red');
    expect(ratingWarningOn(c, 'rectification', '2025-10-13')).toBe('none');
    expect(ratingWarningOn(c, 'rectification', '2025-10-14')).toBe('yellow');
    expect(ratingWarningOn(c, 'rectification', '2025-10-17')).toBe('yellow');
    expect(ratingWarningOn(c, 'rectification', '2025-10-18')).toBe('red');
    expect(nextRatingChange(c, 'rectification', '2025-09-22')).toBe('2025-10-14');
    expect(nextRatingChange(c, 'rectification', '2025-10-14')).toBe('2025-10-18');
  });

  it('counts a follow-up on its due date as on time, and one the day after as a breach', () => {
    const c = clock(1, '2025-09-22T10:00:00+08:00')!;
    // Due 09-23 and 10-17 (see above). 23:59 Shanghai on the due date is 15:59Z: still the due date.
    const done = { ...c, returnVisitAt: '2025-09-23T15:59:00Z', rectifiedAt: '2025-10-18T00:01:00+08:00' };
    const v = ratingClockView(done, at('2025-11-01T10:00:00+08:00'));
    expect(v.returnVisit).toBe('done');
    expect(v.rectification).toBe('breached');
    expect(v.warning).toEqual({ returnVisit: 'none', rectification: 'red' });
  });

  it('stays active until each follow-up is done or its red announced', () => {
    const c = clock(2, '2025-09-22T10:00:00+08:00')!;
    expect(isActive(c)).toBe(true);
    expect(isActive({ ...c, returnVisitAt: '2025-09-22T12:00:00+08:00', warned: { returnVisit: 'yellow', rectification: 'red' } })).toBe(false);
    expect(isActive({ ...c, returnVisitAt: '2025-09-22T12:00:00+08:00', warned: { returnVisit: 'yellow', rectification: 'yellow' } })).toBe(true);
  });
});

describe('clocks with the follow-up log (several nodes: a later row written from a copy that missed a follow-up)', () => {
  const clock = (eventId: string, ratedAt: string, o: Partial<RatingClock> = {}): RatingClock => ({
    caseId: 'RC-9', eventId, districtCode: '500118', rating: 1, ratedAt, ratedOn: ratedAt.slice(0, 10),
    returnVisitDue: '2026-12-03', rectificationDue: '2026-12-22', returnVisitYellowFrom: '2026-12-02', rectificationYellowFrom: '2026-12-18',
    provisional: false, returnVisitAt: null, rectifiedAt: null, warned: { returnVisit: 'yellow', rectification: 'none' }, ...o,
  });

  it('gives each logged follow-up to the latest bad rating before it that lacks one, whatever the row says', () => {
    const r1 = clock('RC-9.5', '2026-12-01T09:00:00+08:00');
    const r2 = clock('RC-9.7', '2026-12-01T15:00:00+08:00', { returnVisitAt: '2026-12-01T16:00:00+08:00' });
    const merged = withFollowUps([r1, r2], [
      { caseId: 'RC-9', kind: 'return_visit', at: '2026-12-01T16:00:00+08:00' },
      { caseId: 'RC-9', kind: 'return_visit', at: '2026-12-01T10:00:00+08:00' },
    ]);
    // 10:00 goes to the 09:00 rating (the 15:00 one came later), 16:00 to the 15:00 one: not twice to r1.
    expect(merged.map((c) => c.returnVisitAt)).toEqual(['2026-12-01T10:00:00+08:00', '2026-12-01T16:00:00+08:00']);
    // A row that lost its follow-up (written later by a node that had not seen it) gets it back from the log.
    expect(withFollowUps([clock('RC-9.5', '2026-12-01T09:00:00+08:00')], [{ caseId: 'RC-9', kind: 'rectified', at: '2026-12-02T11:00:00+08:00' }])[0]!.rectifiedAt).toBe('2026-12-02T11:00:00+08:00');
    expect(withFollowUps([r1], [])).toEqual([r1]);
  });
});
