import { z } from 'zod';

/*
 * Working-day calendar of mainland China (工作日 per the State Council's yearly holiday notice) and the
 * case clock of DOMAIN.md. Everything works on Asia/Shanghai calendar dates written 'YYYY-MM-DD', turned
 * into integer day numbers (days since 1970-01-01) with pure arithmetic: no local-time Date method is used
 * anywhere, so the answers do not depend on the process's TZ.
 */

/** A calendar date in Asia/Shanghai, 'YYYY-MM-DD'. */
export type IsoDate = string;

/**
 * A paused interval of the clock (补正, 特别程序). The day it starts still counts; the working days after
 * it, up to and including `to`, do not. No `to`: the pause is still open.
 */
export interface ClockPause {
  from: IsoDate;
  to?: IsoDate | undefined;
  /**
   * 补正 (`supplement`) or 特别程序 (`special`). Pauses of different kinds may overlap; the clock stops for
   * their union (the calendar treats every pause alike). Absent on pauses stored before kinds existed.
   */
  kind?: 'supplement' | 'special' | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Calendar data: the committed JSON (shared/data/holidays.json, built by scripts/build-holidays.ts) or a
// newer file given to the server; validated the same way either way.

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const HolidayName = z.string().min(1).max(100);

const CalendarYearSchema = z
  .object({
    /** Days off although Monday–Friday (weekend days of a holiday may be listed too; they change nothing). */
    off: z.record(z.string(), HolidayName),
    /** Make-up working days (调休上班): Saturdays and Sundays that are worked. */
    worked: z.record(z.string(), HolidayName).default({}),
  })
  .strict();

const CalendarDataSchema = z
  .object({
    source: z.string().min(1),
    coveredYears: z.object({
      from: z.number().int().min(1949).max(2999),
      to: z.number().int().min(1949).max(2999),
    }),
    years: z.record(z.string().regex(/^\d{4}$/, 'year keys must be four digits'), CalendarYearSchema),
  })
  .superRefine((data, ctx) => {
    const { from, to } = data.coveredYears;
    if (from > to) {
      ctx.addIssue({ code: 'custom', path: ['coveredYears'], message: `from (${from}) is after to (${to})` });
      return;
    }
    for (let y = from; y <= to; y++) {
      if (!(String(y) in data.years)) {
        ctx.addIssue({
          code: 'custom',
          path: ['years', String(y)],
          message: `is missing although ${y} is inside coveredYears; a covered year without data would silently read as Monday–Friday`,
        });
      }
    }
    for (const [year, days] of Object.entries(data.years)) {
      const y = Number(year);
      if (y < from || y > to) {
        ctx.addIssue({
          code: 'custom',
          path: ['years', year],
          message: `is outside coveredYears ${from}–${to}; widen coveredYears or remove the year`,
        });
      }
      if (Object.keys(days.off).length === 0) {
        ctx.addIssue({ code: 'custom', path: ['years', year, 'off'], message: 'is empty; every year has statutory holidays' });
      }
      for (const kind of ['off', 'worked'] as const) {
        for (const date of Object.keys(days[kind])) {
          const path = ['years', year, kind, date];
          const n = tryDayNumber(date);
          if (n === undefined) {
            ctx.addIssue({ code: 'custom', path, message: 'is not a real calendar date written YYYY-MM-DD' });
            continue;
          }
          if (!date.startsWith(`${year}-`)) {
            ctx.addIssue({ code: 'custom', path, message: `is filed under the year ${year}` });
          }
          if (kind === 'worked' && !isWeekendDay(n)) {
            ctx.addIssue({
              code: 'custom',
              path,
              message: `is a ${WEEKDAY_NAMES[isoWeekday(n) - 1]}; make-up working days (调休) are Saturdays or Sundays`,
            });
          }
          if (kind === 'worked' && date in days.off) {
            ctx.addIssue({ code: 'custom', path, message: 'is listed both as off and as worked' });
          }
        }
      }
    }
  });

export type CalendarData = z.infer<typeof CalendarDataSchema>;

/** A calendar file that does not validate. `issues` lists every problem as "path: message". */
export class CalendarDataError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid working-day calendar data:\n  - ${issues.join('\n  - ')}`);
    this.name = 'CalendarDataError';
    this.issues = issues;
  }
}

/**
 * Validates parsed calendar JSON (the committed file or a newer one from HOLIDAYS_FILE) and returns it
 * typed. Throws CalendarDataError naming every faulty entry.
 */
export function loadCalendarData(json: unknown): CalendarData {
  const parsed = CalendarDataSchema.safeParse(json);
  if (!parsed.success) {
    throw new CalendarDataError(
      parsed.error.issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)),
    );
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------------------
// Pure date arithmetic on day numbers (days since 1970-01-01, proleptic Gregorian).

const MS_PER_DAY = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // UTC+8 all year: China has had no daylight saving time since 1991.
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

function daysFromCivil(y: number, m: number, d: number): number {
  // Howard Hinnant's days_from_civil.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(n: number): [number, number, number] {
  const z0 = n + 719_468;
  const era = Math.floor(z0 / 146_097);
  const doe = z0 - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function tryDayNumber(date: string): number | undefined {
  if (!DATE_SHAPE.test(date)) return undefined;
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return daysFromCivil(y, m, d);
}

function dayNumber(date: unknown, what = 'date'): number {
  const n = typeof date === 'string' ? tryDayNumber(date) : undefined;
  if (n === undefined) {
    throw new RangeError(`Invalid ${what} ${JSON.stringify(date)}: expected a real calendar date written YYYY-MM-DD`);
  }
  return n;
}

function formatDay(n: number): IsoDate {
  const [y, m, d] = civilFromDays(n);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 1 = Monday … 7 = Sunday. 1970-01-01 (day 0) was a Thursday. */
function isoWeekday(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

function isWeekendDay(n: number): boolean {
  return isoWeekday(n) >= 6;
}

/** True when `s` is a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(s: unknown): s is IsoDate {
  return typeof s === 'string' && tryDayNumber(s) !== undefined;
}

/** The date `n` calendar days after `date` (before it when n < 0). */
export function addCalendarDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`Invalid number of days ${n}: expected an integer`);
  return formatDay(dayNumber(date) + n);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: IsoDate): number {
  return isoWeekday(dayNumber(date));
}

// Same shape as the event schema's occurredAt: a string without an offset would be read in the process's
// own time zone by Date.parse, which is exactly the TZ dependence this module exists to avoid.
const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The Asia/Shanghai calendar date of an instant: an ISO 8601 string with an offset, epoch milliseconds or
 * a Date. Example: '2025-09-30T16:30:00Z' → '2025-10-01'.
 */
export function shanghaiDate(instant: string | number | Date): IsoDate {
  let ms: number;
  if (typeof instant === 'string') {
    if (!INSTANT_WITH_OFFSET.test(instant)) {
      throw new RangeError(
        `Invalid instant ${JSON.stringify(instant)}: expected ISO 8601 with an offset, e.g. 2025-08-24T14:37:00+08:00`,
      );
    }
    ms = Date.parse(instant);
  } else if (instant instanceof Date) {
    ms = instant.getTime();
  } else {
    ms = instant;
  }
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new RangeError(`Invalid instant ${String(instant)}: not a real point in time`);
  }
  return formatDay(Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

// ---------------------------------------------------------------------------------------------------------
// The calendar and the case clock.

export interface WorkingDayAnswer {
  working: boolean;
  /** The date's year is outside the data's coverage: the answer is the Monday–Friday rule, not a notice. */
  provisional: boolean;
}

export interface DeadlineInput {
  /** Date of acceptance (受理); day 1 of the clock is the first working day after it. */
  acceptedOn: IsoDate;
  /** The limit in working days (承诺时限 or 法定时限); 0 means the same day (即办). */
  limitDays: number;
  pauses?: readonly ClockPause[] | undefined;
}

export interface DeadlineAnswer {
  /** Last working day on which the case may complete; null while an open pause keeps it from being fixed. */
  deadline: IsoDate | null;
  /** True when deadline is null because an open pause stopped the clock before day N. */
  paused: boolean;
  /** Some day the computation relied on lies outside the data's coverage. */
  provisional: boolean;
}

export interface WorkingDaysUsedInput {
  acceptedOn: IsoDate;
  /** Count up to and including this date. */
  asOf: IsoDate;
  pauses?: readonly ClockPause[] | undefined;
}

export interface WorkingDaysUsedAnswer {
  days: number;
  /** The clock is stopped on asOf: a pause started on or before it and has not ended before it. */
  paused: boolean;
  provisional: boolean;
}

export interface WorkingCalendar {
  readonly source: string;
  readonly coveredYears: { readonly from: number; readonly to: number };
  /** Whether a year's holiday notice is in the data. */
  covers(year: number): boolean;
  isWorkingDay(date: IsoDate): WorkingDayAnswer;
  /** Name of the holiday a date is off or worked for ('国庆节'), if the data names one. */
  holidayName(date: IsoDate): string | undefined;
  /** The n-th working day after `date` (date itself not counted); n < 0 counts backwards, n = 0 is `date`. */
  addWorkingDays(date: IsoDate, n: number): { date: IsoDate; provisional: boolean };
  /** Working days d with fromExclusive < d ≤ toInclusive, leaving out paused days; 0 for an empty range. */
  countWorkingDays(
    fromExclusive: IsoDate,
    toInclusive: IsoDate,
    pauses?: readonly ClockPause[],
  ): { days: number; provisional: boolean };
  deadline(input: DeadlineInput): DeadlineAnswer;
  workingDaysUsed(input: WorkingDaysUsedInput): WorkingDaysUsedAnswer;
}

/** The longest limit accepted; statutory limits run to a few months, so this only catches garbage. */
const MAX_LIMIT_DAYS = 3650;

interface PauseSpan {
  from: number;
  /** Last paused day (inclusive); Infinity while open. */
  to: number;
}

function pauseSpans(pauses: readonly ClockPause[] | undefined): PauseSpan[] {
  if (!pauses) return [];
  return pauses.map((p, i) => {
    const from = dayNumber(p.from, `pauses[${i}].from`);
    if (p.to === undefined) return { from, to: Infinity };
    const to = dayNumber(p.to, `pauses[${i}].to`);
    if (to < from) throw new RangeError(`Invalid pause ${p.from}…${p.to}: it ends before it starts`);
    return { from, to };
  });
}

/** A working day d is not counted when some pause started before it and had not ended before it. */
function isPausedDay(n: number, spans: readonly PauseSpan[]): boolean {
  for (const s of spans) if (s.from < n && n <= s.to) return true;
  return false;
}

/** Builds the calendar functions over validated data (see loadCalendarData). */
export function createWorkingCalendar(data: CalendarData): WorkingCalendar {
  const off = new Map<number, string>();
  const worked = new Map<number, string>();
  for (const days of Object.values(data.years)) {
    for (const [date, name] of Object.entries(days.off)) off.set(dayNumber(date), name);
    for (const [date, name] of Object.entries(days.worked)) worked.set(dayNumber(date), name);
  }
  const coveredFrom = daysFromCivil(data.coveredYears.from, 1, 1);
  const coveredTo = daysFromCivil(data.coveredYears.to, 12, 31);
  const covered = (n: number) => n >= coveredFrom && n <= coveredTo;

  // Outside the coverage the maps are empty, so this is the Monday–Friday rule there.
  const working = (n: number) => (isWeekendDay(n) ? worked.has(n) : !off.has(n));

  function addWorkingDays(date: IsoDate, n: number) {
    if (!Number.isInteger(n)) throw new RangeError(`Invalid number of working days ${n}: expected an integer`);
    let day = dayNumber(date);
    let provisional = false;
    const step = n < 0 ? -1 : 1;
    for (let left = Math.abs(n); left > 0; ) {
      day += step;
      if (!covered(day)) provisional = true;
      if (working(day)) left--;
    }
    return { date: formatDay(day), provisional };
  }

  function countDays(from: number, to: number, spans: readonly PauseSpan[]) {
    let days = 0;
    let provisional = false;
    for (let day = from + 1; day <= to; day++) {
      if (!covered(day)) provisional = true;
      if (working(day) && !isPausedDay(day, spans)) days++;
    }
    return { days, provisional };
  }

  return {
    source: data.source,
    coveredYears: { from: data.coveredYears.from, to: data.coveredYears.to },
    covers: (year) => year >= data.coveredYears.from && year <= data.coveredYears.to,

    isWorkingDay(date) {
      const n = dayNumber(date);
      return { working: working(n), provisional: !covered(n) };
    },

    holidayName(date) {
      const n = dayNumber(date);
      return off.get(n) ?? worked.get(n);
    },

    addWorkingDays,

    countWorkingDays(fromExclusive, toInclusive, pauses) {
      return countDays(dayNumber(fromExclusive, 'fromExclusive'), dayNumber(toInclusive, 'toInclusive'), pauseSpans(pauses));
    },

    deadline({ acceptedOn, limitDays, pauses }) {
      const accepted = dayNumber(acceptedOn, 'acceptedOn');
      if (!Number.isInteger(limitDays) || limitDays < 0 || limitDays > MAX_LIMIT_DAYS) {
        throw new RangeError(`Invalid limitDays ${limitDays}: expected a whole number of working days, 0–${MAX_LIMIT_DAYS}`);
      }
      const spans = pauseSpans(pauses);
      // The clock stops for good after the earliest open pause's first day; before it, counting is fixed.
      const openFrom = Math.min(...spans.filter((s) => s.to === Infinity).map((s) => s.from));
      if (limitDays === 0) return { deadline: acceptedOn, paused: false, provisional: !covered(accepted) };
      let day = accepted;
      let counted = 0;
      let provisional = false;
      while (counted < limitDays) {
        day++;
        if (day > openFrom) return { deadline: null, paused: true, provisional };
        if (!covered(day)) provisional = true;
        if (working(day) && !isPausedDay(day, spans)) counted++;
      }
      return { deadline: formatDay(day), paused: false, provisional };
    },

    workingDaysUsed({ acceptedOn, asOf, pauses }) {
      const spans = pauseSpans(pauses);
      const asOfDay = dayNumber(asOf, 'asOf');
      const { days, provisional } = countDays(dayNumber(acceptedOn, 'acceptedOn'), asOfDay, spans);
      const paused = spans.some((s) => s.from <= asOfDay && asOfDay <= s.to);
      return { days, paused, provisional };
    },
  };
}
