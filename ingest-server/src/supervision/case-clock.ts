import { addCalendarDays, type ClockPause, type IsoDate, type WorkingCalendar, type Warning } from '@tongban/shared';


export type { Warning };
export const WARNING_RANK: Record<Warning, number> = { none: 0, yellow: 1, red: 2 };

/**
 * One clock of a case (承诺 or 法定), per DOMAIN.md: day 1 is the first working day after acceptance,
 * the deadline is day N, paused intervals do not count. The warning ladder is by date:
 * yellow from the first date on which ≥ 75% of the working days are used or ≤ 2 remain,
 * red from the calendar day after the deadline.
 */
export interface Clock {
  deadline: IsoDate | null;
  yellowFrom: IsoDate | null;
  redFrom: IsoDate | null;
  /** An open pause stopped the clock before the deadline was reached: no transition is due. */
  paused: boolean;
  provisional: boolean;
}

/** Working days used at which a case turns yellow: min(⌈0.75·N⌉, N − 2), at least 0. */
export function yellowAfterDays(limitDays: number): number {
  return Math.max(0, Math.min(Math.ceil(0.75 * limitDays), limitDays - 2));
}

export function caseClock(cal: WorkingCalendar, acceptedOn: IsoDate, limitDays: number, pauses: readonly ClockPause[]): Clock {
  const d = cal.deadline({ acceptedOn, limitDays, pauses });
  const k = yellowAfterDays(limitDays);
  const y = k === 0 ? { deadline: acceptedOn, provisional: false } : cal.deadline({ acceptedOn, limitDays: k, pauses });
  return {
    deadline: d.deadline,
    yellowFrom: y.deadline,
    redFrom: d.deadline === null ? null : addCalendarDays(d.deadline, 1),
    paused: d.paused,
    provisional: d.provisional || y.provisional,
  };
}

/** The warning of an open case on a date. */
export function warningOn(clock: Clock, today: IsoDate): Warning {
  if (clock.redFrom !== null && today >= clock.redFrom) return 'red';
  if (clock.yellowFrom !== null && today >= clock.yellowFrom) return 'yellow';
  return 'none';
}

/** The next date on which an open case's warning changes, or null when none is due (paused, or already red). */
export function nextTransition(clock: Clock, today: IsoDate): IsoDate | null {
  if (clock.yellowFrom !== null && today < clock.yellowFrom) return clock.yellowFrom;
  if (clock.redFrom !== null && today < clock.redFrom) return clock.redFrom;
  return null;
}

/** Working days past the deadline on `asOf` (0 when not past). */
export function workingDaysOverdue(cal: WorkingCalendar, deadline: IsoDate | null, asOf: IsoDate): number {
  if (deadline === null || asOf <= deadline) return 0;
  return Math.max(1, cal.countWorkingDays(deadline, asOf).days);
}
