import { addCalendarDays, isBadRating, shanghaiDate, type IsoDate, type WorkingCalendar } from '@tongban/shared';
import { WARNING_RANK, yellowAfterDays, type Warning } from '../case-clock.ts';

/** DOMAIN.md: a bad rating gets a return visit within 1 working day and rectification within 15. */
export const RETURN_VISIT_DAYS = 1;
export const RECTIFICATION_DAYS = 15;
/**
 * Calendar days that surely hold RECTIFICATION_DAYS working days after any rating: the longest run of days
 * off in a holiday notice (Spring Festival or National Day, 8–9 days with the weekends around them) plus three
 * weeks of weekends stays well under 45. Queries that look back for bad ratings whose rectification may still
 * be due (reports, metrics) read this window.
 */
export const RECTIFICATION_LOOKBACK_DAYS = 45;

export type FollowUpKind = 'return_visit' | 'rectified';
export const FOLLOW_UP_KINDS: readonly FollowUpKind[] = ['return_visit', 'rectified'];
/** The two clocks of a bad rating, as `rating:warning` names them. */
export type RatingClockKind = 'returnVisit' | 'rectification';
export const RATING_CLOCK_KINDS: readonly RatingClockKind[] = ['returnVisit', 'rectification'];
export const kindOfFollowUp = (k: FollowUpKind): RatingClockKind => (k === 'return_visit' ? 'returnVisit' : 'rectification');

/** The due dates of a bad rating's clocks: the one place they are computed. */
export interface RatingDueDates {
  returnVisitDue: IsoDate;
  rectificationDue: IsoDate;
  /** First dates of the yellow warning (same ladder as case clocks: ≥ 75% used or ≤ 2 working days left). */
  returnVisitYellowFrom: IsoDate;
  rectificationYellowFrom: IsoDate;
  provisional: boolean;
}

export function ratingDueDates(cal: WorkingCalendar, ratedOn: IsoDate): RatingDueDates {
  const rv = cal.addWorkingDays(ratedOn, RETURN_VISIT_DAYS);
  const rect = cal.addWorkingDays(ratedOn, RECTIFICATION_DAYS);
  const yellow = (n: number) => cal.addWorkingDays(ratedOn, yellowAfterDays(n)).date;
  return {
    returnVisitDue: rv.date,
    rectificationDue: rect.date,
    returnVisitYellowFrom: yellow(RETURN_VISIT_DAYS),
    rectificationYellowFrom: yellow(RECTIFICATION_DAYS),
    provisional: rv.provisional || rect.provisional,
  };
}

/** The rectification deadline of a bad rating given on `ratedOn` (metrics and reports use this too). */
export const rectificationDue = (cal: WorkingCalendar, ratedOn: IsoDate): IsoDate => cal.addWorkingDays(ratedOn, RECTIFICATION_DAYS).date;

/** One bad rating's clocks: opened by a `rated` event of 1 or 2, closed by follow-ups. */
export interface RatingClock extends RatingDueDates {
  caseId: string;
  /** The `rated` event that opened it (a case rated badly twice has two clocks). */
  eventId: string;
  districtCode: string;
  rating: number;
  ratedAt: string;
  ratedOn: IsoDate;
  returnVisitAt: string | null;
  rectifiedAt: string | null;
  /** Warning levels already announced with `rating:warning` (so a restart does not announce them again). */
  warned: Record<RatingClockKind, Warning>;
}

export type FollowUpState = 'done' | 'due' | 'breached';

/** What `GET /api/v1/cases/:id` shows as `ratingClock` (SPEC.md). */
export interface RatingClockView {
  rating: number;
  ratedAt: string;
  returnVisitDue: IsoDate;
  rectificationDue: IsoDate;
  returnVisit: FollowUpState;
  rectification: FollowUpState;
  returnVisitAt: string | null;
  rectifiedAt: string | null;
  warning: Record<RatingClockKind, Warning>;
  provisional: boolean;
}

export function openRatingClock(cal: WorkingCalendar, e: { caseId: string; eventId: string; districtCode: string; rating: number; ratedAt: string }): RatingClock | null {
  if (!isBadRating(e.rating)) return null;
  const ratedOn = shanghaiDate(e.ratedAt);
  return { ...e, ratedOn, ...ratingDueDates(cal, ratedOn), returnVisitAt: null, rectifiedAt: null, warned: { returnVisit: 'none', rectification: 'none' } };
}

const doneAt = (c: RatingClock, kind: RatingClockKind) => (kind === 'returnVisit' ? c.returnVisitAt : c.rectifiedAt);
const dueOf = (c: RatingClock, kind: RatingClockKind) => (kind === 'returnVisit' ? c.returnVisitDue : c.rectificationDue);
const yellowOf = (c: RatingClock, kind: RatingClockKind) => (kind === 'returnVisit' ? c.returnVisitYellowFrom : c.rectificationYellowFrom);

/** A follow-up on its due date (Asia/Shanghai) is on time; none by the end of the due date is a breach. */
export function followUpState(c: RatingClock, kind: RatingClockKind, today: IsoDate): FollowUpState {
  const at = doneAt(c, kind);
  const due = dueOf(c, kind);
  if (at !== null) return shanghaiDate(at) <= due ? 'done' : 'breached';
  return today > due ? 'breached' : 'due';
}

/** The warning of one clock on a date: none once followed up, red from the day after the due date. */
export function ratingWarningOn(c: RatingClock, kind: RatingClockKind, today: IsoDate): Warning {
  const at = doneAt(c, kind);
  if (at !== null) return shanghaiDate(at) <= dueOf(c, kind) ? 'none' : 'red';
  if (today > dueOf(c, kind)) return 'red';
  return today >= yellowOf(c, kind) ? 'yellow' : 'none';
}

/** The next date one clock's warning changes, or null when nothing more can happen to it. */
export function nextRatingChange(c: RatingClock, kind: RatingClockKind, today: IsoDate): IsoDate | null {
  if (doneAt(c, kind) !== null) return null;
  if (today < yellowOf(c, kind)) return yellowOf(c, kind);
  const red = addCalendarDays(dueOf(c, kind), 1);
  return today < red ? red : null;
}

/** Still needs watching: some follow-up is missing and its red has not been announced yet. */
export function isActive(c: RatingClock): boolean {
  return RATING_CLOCK_KINDS.some((k) => doneAt(c, k) === null && WARNING_RANK[c.warned[k]] < WARNING_RANK.red);
}

export function ratingClockView(c: RatingClock, now: number): RatingClockView {
  const today = shanghaiDate(now);
  return {
    rating: c.rating,
    ratedAt: c.ratedAt,
    returnVisitDue: c.returnVisitDue,
    rectificationDue: c.rectificationDue,
    returnVisit: followUpState(c, 'returnVisit', today),
    rectification: followUpState(c, 'rectification', today),
    returnVisitAt: c.returnVisitAt,
    rectifiedAt: c.rectifiedAt,
    warning: { returnVisit: ratingWarningOn(c, 'returnVisit', today), rectification: ratingWarningOn(c, 'rectification', today) },
    provisional: c.provisional,
  };
}
