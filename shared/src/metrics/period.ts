import { addCalendarDays, isIsoDate, shanghaiDate, weekdayOf, type IsoDate } from '../working-calendar.ts';

/*
 * Reporting periods: a day '2025-10-09', an ISO week '2025-W41', a month '2025-10', a quarter '2025-Q3', a
 * year '2025'. Boundaries are Asia/Shanghai midnights; all arithmetic is on date strings, so nothing here
 * depends on the process's TZ.
 */

export const PERIOD_KINDS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const PERIOD_KIND_NAMES: Record<PeriodKind, string> = { day: '日', week: '周', month: '月', quarter: '季度', year: '年度' };

export interface Period {
  kind: PeriodKind;
  /** The period as written in a URL: 2025-10-09, 2025-W41, 2025-10, 2025-Q3, 2025. */
  key: string;
  /** First day (Asia/Shanghai). */
  from: IsoDate;
  /** First day after the period (exclusive). */
  to: IsoDate;
  /** Chinese label: 2025年10月9日, 2025年第41周, 2025年10月, 2025年第三季度, 2025年. */
  label: string;
}

const QUARTER_NAMES = ['一', '二', '三', '四'] as const;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Monday of ISO week 1 of an ISO week-numbering year (the week holding 4 January). */
function isoWeekOneMonday(year: number): IsoDate {
  const jan4 = `${pad(year, 4)}-01-04`;
  return addCalendarDays(jan4, 1 - weekdayOf(jan4));
}

function isoWeeksIn(year: number): number {
  return (Date.parse(`${isoWeekOneMonday(year + 1)}T00:00:00Z`) - Date.parse(`${isoWeekOneMonday(year)}T00:00:00Z`)) / (7 * 86_400_000);
}

function monthPeriod(year: number, month: number): Period {
  const next = month === 12 ? `${pad(year + 1, 4)}-01-01` : `${pad(year, 4)}-${pad(month + 1)}-01`;
  return { kind: 'month', key: `${pad(year, 4)}-${pad(month)}`, from: `${pad(year, 4)}-${pad(month)}-01`, to: next, label: `${year}年${month}月` };
}

function quarterPeriod(year: number, quarter: number): Period {
  const from = monthPeriod(year, quarter * 3 - 2).from;
  const to = monthPeriod(year, quarter * 3).to;
  return { kind: 'quarter', key: `${pad(year, 4)}-Q${quarter}`, from, to, label: `${year}年第${QUARTER_NAMES[quarter - 1]}季度` };
}

function yearPeriod(year: number): Period {
  return { kind: 'year', key: pad(year, 4), from: `${pad(year, 4)}-01-01`, to: `${pad(year + 1, 4)}-01-01`, label: `${year}年` };
}

function weekPeriod(year: number, week: number): Period {
  const from = addCalendarDays(isoWeekOneMonday(year), (week - 1) * 7);
  return { kind: 'week', key: `${pad(year, 4)}-W${pad(week)}`, from, to: addCalendarDays(from, 7), label: `${year}年第${week}周` };
}

function dayPeriod(date: IsoDate): Period {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { kind: 'day', key: date, from: date, to: addCalendarDays(date, 1), label: `${y}年${m}月${d}日` };
}

/** Parses a period key; undefined when it is not one of the five shapes or not a real period. */
export function tryParsePeriod(key: unknown): Period | undefined {
  if (typeof key !== 'string') return undefined;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(key))) return yearPeriod(Number(m[1]));
  if ((m = /^(\d{4})-Q([1-4])$/.exec(key))) return quarterPeriod(Number(m[1]), Number(m[2]));
  if ((m = /^(\d{4})-(\d{2})$/.exec(key))) {
    const month = Number(m[2]);
    return month >= 1 && month <= 12 ? monthPeriod(Number(m[1]), month) : undefined;
  }
  if ((m = /^(\d{4})-W(\d{2})$/.exec(key))) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    return week >= 1 && week <= isoWeeksIn(year) ? weekPeriod(year, week) : undefined;
  }
  if (isIsoDate(key)) return dayPeriod(key);
  return undefined;
}

/** Parses a period key or throws a RangeError saying which shapes are accepted. */
export function parsePeriod(key: unknown): Period {
  const p = tryParsePeriod(key);
  if (!p) {
    throw new RangeError(
      `Invalid period ${JSON.stringify(key)}: expected a day 2025-10-09, a week 2025-W41, a month 2025-10, a quarter 2025-Q3 or a year 2025`,
    );
  }
  return p;
}

/** The period of a kind that contains a date. */
export function periodOf(kind: PeriodKind, date: IsoDate): Period {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  switch (kind) {
    case 'day':
      return dayPeriod(date);
    case 'month':
      return monthPeriod(year, month);
    case 'quarter':
      return quarterPeriod(year, Math.ceil(month / 3));
    case 'year':
      return yearPeriod(year);
    case 'week': {
      // The ISO week-numbering year is the calendar year of the week's Thursday.
      const thursday = addCalendarDays(date, 4 - weekdayOf(date));
      const wy = Number(thursday.slice(0, 4));
      const monday = addCalendarDays(date, 1 - weekdayOf(date));
      const week = Math.round((Date.parse(`${monday}T00:00:00Z`) - Date.parse(`${isoWeekOneMonday(wy)}T00:00:00Z`)) / (7 * 86_400_000)) + 1;
      return weekPeriod(wy, week);
    }
  }
}

/** The period of the same kind just before. */
export function previousPeriod(p: Period): Period {
  return periodOf(p.kind, addCalendarDays(p.from, -1));
}

/** The period of the same kind just after. */
export function nextPeriod(p: Period): Period {
  return periodOf(p.kind, p.to);
}

/** The same period one year earlier (a week: the week holding the date one year before its Monday). */
export function samePeriodLastYear(p: Period): Period {
  const y = Number(p.from.slice(0, 4)) - 1;
  const rest = p.from.slice(4);
  const date = rest === '-02-29' ? `${pad(y, 4)}-02-28` : `${pad(y, 4)}${rest}`;
  return periodOf(p.kind, date);
}

/** The consecutive periods of a finer kind covering a period: the months of a quarter, the quarters of a year. */
export function subPeriods(p: Period, kind: PeriodKind): Period[] {
  const out: Period[] = [];
  for (let q = periodOf(kind, p.from); q.from < p.to; q = nextPeriod(q)) out.push(q);
  return out;
}

/** Every date of a period, in order. */
export function periodDays(p: Period): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = p.from; d < p.to; d = addCalendarDays(d, 1)) out.push(d);
  return out;
}

/** Epoch milliseconds of an Asia/Shanghai midnight. */
export function shanghaiMidnightMs(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

/** The period of a kind containing an instant (epoch ms), in Asia/Shanghai. */
export function periodAt(kind: PeriodKind, ms: number): Period {
  return periodOf(kind, shanghaiDate(ms));
}
