import { isBadRating, shanghaiDate, type IsoDate, type WorkingCalendar } from '@tongban/shared';

/** DOMAIN.md: a bad rating gets a return visit within 1 working day and rectification within 15. */
export const RETURN_VISIT_DAYS = 1;
export const RECTIFICATION_DAYS = 15;

export type FollowUpKind = 'return_visit' | 'rectified';

export interface RatingClock {
  caseId: string;
  districtCode: string;
  rating: number;
  ratedOn: IsoDate;
  returnVisitDue: IsoDate;
  rectificationDue: IsoDate;
  returnVisitAt: string | null;
  rectifiedAt: string | null;
}

export interface RatingClockStatus extends RatingClock {
  returnVisit: 'done' | 'due' | 'breached';
  rectification: 'done' | 'due' | 'breached';
}

export function ratingClock(cal: WorkingCalendar, c: { caseId: string; districtCode: string; rating: number; ratedAt: string }, followUps: Array<{ kind: FollowUpKind; at: string }>): RatingClock | null {
  if (!isBadRating(c.rating)) return null;
  const ratedOn = shanghaiDate(c.ratedAt);
  return {
    caseId: c.caseId,
    districtCode: c.districtCode,
    rating: c.rating,
    ratedOn,
    returnVisitDue: cal.addWorkingDays(ratedOn, RETURN_VISIT_DAYS).date,
    rectificationDue: cal.addWorkingDays(ratedOn, RECTIFICATION_DAYS).date,
    returnVisitAt: followUps.find((f) => f.kind === 'return_visit')?.at ?? null,
    rectifiedAt: followUps.find((f) => f.kind === 'rectified')?.at ?? null,
  };
}

export function ratingClockStatus(c: RatingClock, now: number): RatingClockStatus {
  const today = shanghaiDate(now);
  const state = (doneAt: string | null, due: IsoDate) => (doneAt !== null ? (shanghaiDate(doneAt) <= due ? 'done' : 'breached') : today > due ? 'breached' : 'due');
  return { ...c, returnVisit: state(c.returnVisitAt, c.returnVisitDue), rectification: state(c.rectifiedAt, c.rectificationDue) };
}
