import { describe, expect, it } from 'vitest';
import { defaultCalendarData, defaultWorkingCalendar as cal } from './default-calendar.ts';
import {
  addCalendarDays,
  CalendarDataError,
  createWorkingCalendar,
  isIsoDate,
  loadCalendarData,
  shanghaiDate,
  weekdayOf,
  type CalendarData,
  type ClockPause,
} from './working-calendar.ts';

/** Every date from `from` to `to` inclusive. */
function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addCalendarDays(d, 1)) out.push(d);
  return out;
}

const working = (date: string) => cal.isWorkingDay(date).working;

describe('shanghaiDate', () => {
  it('gives the Shanghai date of an instant written in UTC, in Shanghai time or in New York time', () => {
    expect(shanghaiDate('2025-09-30T15:59:59.999Z')).toBe('2025-09-30');
    expect(shanghaiDate('2025-09-30T16:00:00Z')).toBe('2025-10-01');
    expect(shanghaiDate('2025-10-01T00:00:00+08:00')).toBe('2025-10-01');
    expect(shanghaiDate('2025-09-30T23:59:00+08:00')).toBe('2025-09-30');
    // 11:30 pm on Sept 30 in New York is already noon on Oct 1 in Chongqing.
    expect(shanghaiDate('2025-09-30T23:30:00-04:00')).toBe('2025-10-01');
  });

  it('accepts epoch milliseconds and Date objects', () => {
    const ms = Date.UTC(2025, 11, 31, 16, 0, 0); // 2026-01-01 00:00 in Shanghai
    expect(shanghaiDate(ms)).toBe('2026-01-01');
    expect(shanghaiDate(ms - 1)).toBe('2025-12-31');
    expect(shanghaiDate(new Date(ms))).toBe('2026-01-01');
  });

  it('handles the leap day and a year boundary', () => {
    expect(shanghaiDate('2024-02-28T16:00:00Z')).toBe('2024-02-29');
    expect(shanghaiDate('2024-02-29T16:00:00Z')).toBe('2024-03-01');
    expect(shanghaiDate(0)).toBe('1970-01-01');
  });

  it('refuses a time without an offset, because the process time zone would decide its date', () => {
    expect(() => shanghaiDate('2025-10-01T00:30:00')).toThrow(/with an offset/);
    expect(() => shanghaiDate('2025-10-01')).toThrow(/with an offset/);
    expect(() => shanghaiDate('yesterday')).toThrow(/Invalid instant/);
    expect(() => shanghaiDate(Number.NaN)).toThrow(/not a real point in time/);
    expect(() => shanghaiDate(new Date('nope'))).toThrow(/not a real point in time/);
  });
});

describe('date strings', () => {
  it('knows the weekday of a date without the process clock', () => {
    expect(weekdayOf('2025-09-22')).toBe(1); // Monday, the domain brief's example
    expect(weekdayOf('2025-09-28')).toBe(7);
    expect(weekdayOf('2025-10-11')).toBe(6);
    expect(weekdayOf('1970-01-01')).toBe(4);
    expect(weekdayOf('2000-02-29')).toBe(2);
  });

  it('adds calendar days across months, leap days and years', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addCalendarDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addCalendarDays('2025-09-30', 14)).toBe('2025-10-14');
  });

  it('rejects strings that are not real dates written YYYY-MM-DD, naming the value', () => {
    for (const bad of ['2025-02-29', '2025-13-01', '2025-04-31', '2025-9-1', '20250901', '2025-09-01T00:00:00+08:00', '']) {
      expect(isIsoDate(bad)).toBe(false);
      expect(() => cal.isWorkingDay(bad)).toThrow(`Invalid date ${JSON.stringify(bad)}: expected a real calendar date written YYYY-MM-DD`);
    }
    expect(() => cal.isWorkingDay(20250901 as unknown as string)).toThrow(/Invalid date 20250901/);
    expect(isIsoDate('2024-02-29')).toBe(true);
  });
});

describe('the committed holiday data', () => {
  it('covers 2004–2026 and says where it comes from', () => {
    expect(cal.coveredYears).toEqual({ from: 2004, to: 2026 });
    expect(cal.source).toMatch(/chinese-days@/);
    expect(cal.covers(2026)).toBe(true);
    expect(cal.covers(2027)).toBe(false);
  });

  it('has the 2025 National Day and Mid-Autumn holiday: 10-01…10-08 off, Sunday 09-28 and Saturday 10-11 worked', () => {
    for (const d of datesBetween('2025-10-01', '2025-10-08')) {
      expect(cal.isWorkingDay(d), d).toEqual({ working: false, provisional: false });
    }
    expect(weekdayOf('2025-09-28')).toBe(7);
    expect(weekdayOf('2025-10-11')).toBe(6);
    expect(cal.isWorkingDay('2025-09-28')).toEqual({ working: true, provisional: false });
    expect(cal.isWorkingDay('2025-10-11')).toEqual({ working: true, provisional: false });
    expect(working('2025-10-09')).toBe(true);
    expect(working('2025-10-12')).toBe(false); // an ordinary Sunday
    expect(cal.holidayName('2025-10-06')).toBe('中秋节');
    expect(cal.holidayName('2025-10-08')).toBe('国庆节');
    expect(cal.holidayName('2025-10-11')).toBe('国庆节');
    expect(cal.holidayName('2025-10-09')).toBeUndefined();
  });

  it('has every make-up working day of the 2025 notice and no other, and 248 working days in 2025', () => {
    const worked2025 = datesBetween('2025-01-01', '2025-12-31').filter((d) => weekdayOf(d) >= 6 && working(d));
    expect(worked2025).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
    const weekdaysOff = datesBetween('2025-01-01', '2025-12-31').filter((d) => weekdayOf(d) <= 5 && !working(d));
    expect(weekdaysOff).toEqual([
      '2025-01-01',
      ...['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-03', '2025-02-04'],
      '2025-04-04',
      ...['2025-05-01', '2025-05-02', '2025-05-05'],
      '2025-06-02',
      ...['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08'],
    ]);
    expect(cal.countWorkingDays('2024-12-31', '2025-12-31')).toEqual({ days: 248, provisional: false });
  });

  it('has the 2026 Spring Festival of the State Council notice: 02-15…02-23 off, Saturdays 02-14 and 02-28 worked', () => {
    for (const d of datesBetween('2026-02-15', '2026-02-23')) expect(working(d), d).toBe(false);
    expect([weekdayOf('2026-02-14'), weekdayOf('2026-02-28')]).toEqual([6, 6]);
    expect(working('2026-02-14')).toBe(true);
    expect(working('2026-02-28')).toBe(true);
    expect(working('2026-02-24')).toBe(true);
    expect(cal.holidayName('2026-02-16')).toBe('春节');
  });

  it('has the other make-up days of the 2026 notice: 01-04, 05-09, 09-20 and 10-10', () => {
    const worked2026 = datesBetween('2026-01-01', '2026-12-31').filter((d) => weekdayOf(d) >= 6 && working(d));
    expect(worked2026).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    for (const d of ['2026-01-01', '2026-01-02', '2026-04-06', '2026-05-04', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-07']) {
      expect(working(d), d).toBe(false);
    }
  });

  it('has the 2020 Spring Festival as extended to 02-02, with the planned make-up Saturday 02-01 off', () => {
    expect(working('2020-01-31')).toBe(false);
    expect(working('2020-02-01')).toBe(false);
    expect(working('2020-02-03')).toBe(true);
  });

  it('treats an ordinary weekday as working and an ordinary weekend as off', () => {
    expect(cal.isWorkingDay('2025-08-25')).toEqual({ working: true, provisional: false });
    expect(cal.isWorkingDay('2025-08-24')).toEqual({ working: false, provisional: false });
  });
});

describe('years outside the data', () => {
  it('reads 2027 by the Monday–Friday rule and says the answer is provisional', () => {
    // 2027-01-01 is a Friday and surely New Year's Day, but its notice is not in the data yet.
    expect(cal.isWorkingDay('2027-01-01')).toEqual({ working: true, provisional: true });
    expect(cal.isWorkingDay('2027-01-02')).toEqual({ working: false, provisional: true });
    expect(cal.isWorkingDay('2003-10-01')).toEqual({ working: true, provisional: true });
  });

  it('marks a deadline provisional when its count runs into 2027', () => {
    expect(cal.deadline({ acceptedOn: '2026-12-28', limitDays: 5 })).toEqual({
      deadline: '2027-01-04',
      paused: false,
      provisional: true,
    });
    expect(cal.deadline({ acceptedOn: '2026-12-21', limitDays: 5 })).toEqual({
      deadline: '2026-12-28',
      paused: false,
      provisional: false,
    });
    expect(cal.addWorkingDays('2026-12-31', 1)).toEqual({ date: '2027-01-01', provisional: true });
    expect(cal.countWorkingDays('2026-12-30', '2027-01-04')).toEqual({ days: 3, provisional: true });
  });

  it('gives a firm deadline once a newer calendar file covers the year', () => {
    // A hypothetical 2027 file, as the server would read from HOLIDAYS_FILE: only New Year's Day off.
    const newer = loadCalendarData({
      ...defaultCalendarData,
      coveredYears: { from: 2004, to: 2027 },
      years: { ...defaultCalendarData.years, 2027: { off: { '2027-01-01': '元旦' } } },
    });
    const updated = createWorkingCalendar(newer);
    expect(updated.deadline({ acceptedOn: '2026-12-28', limitDays: 5 })).toEqual({
      deadline: '2027-01-05',
      paused: false,
      provisional: false,
    });
  });
});

describe('deadline', () => {
  it('gives Sunday 2025-09-28, a make-up working day, for a 5-day promise accepted Monday 2025-09-22', () => {
    expect(cal.deadline({ acceptedOn: '2025-09-22', limitDays: 5 })).toEqual({
      deadline: '2025-09-28',
      paused: false,
      provisional: false,
    });
  });

  it('gives 2025-10-14 for a 5-day promise accepted 2025-09-30, skipping 10-01…10-08 and counting Saturday 10-11', () => {
    expect(cal.deadline({ acceptedOn: '2025-09-30', limitDays: 5 }).deadline).toBe('2025-10-14');
  });

  it('does not count the acceptance day: a 1-day limit ends on the next working day', () => {
    expect(cal.deadline({ acceptedOn: '2025-09-26', limitDays: 1 }).deadline).toBe('2025-09-28');
    expect(cal.deadline({ acceptedOn: '2025-08-22', limitDays: 1 }).deadline).toBe('2025-08-25');
  });

  it('starts day 1 on the first working day when a case is accepted on a weekend or a holiday', () => {
    expect(cal.deadline({ acceptedOn: '2025-08-23', limitDays: 1 }).deadline).toBe('2025-08-25');
    expect(cal.deadline({ acceptedOn: '2025-10-03', limitDays: 1 }).deadline).toBe('2025-10-09');
  });

  it('spans the 2026 Spring Festival, counting the make-up Saturdays', () => {
    expect(cal.deadline({ acceptedOn: '2026-02-13', limitDays: 1 }).deadline).toBe('2026-02-14');
    expect(cal.deadline({ acceptedOn: '2026-02-13', limitDays: 5 }).deadline).toBe('2026-02-27');
    expect(cal.deadline({ acceptedOn: '2026-02-13', limitDays: 6 }).deadline).toBe('2026-02-28');
  });

  it('gives a 20-working-day statutory limit across the 2025 National Day holiday', () => {
    // 09-23…09-30 holds 7 working days (with Sunday 09-28), 10-09…10-24 the other 13 (with Saturday 10-11).
    expect(cal.deadline({ acceptedOn: '2025-09-22', limitDays: 20 }).deadline).toBe('2025-10-24');
    expect(cal.countWorkingDays('2025-09-22', '2025-10-24')).toEqual({ days: 20, provisional: false });
  });

  it('gives the acceptance day itself for a 0-day (即办) limit', () => {
    expect(cal.deadline({ acceptedOn: '2025-09-22', limitDays: 0 }).deadline).toBe('2025-09-22');
  });

  it('rejects a negative or fractional limit and an invalid acceptance date', () => {
    expect(() => cal.deadline({ acceptedOn: '2025-09-22', limitDays: -1 })).toThrow(/Invalid limitDays -1/);
    expect(() => cal.deadline({ acceptedOn: '2025-09-22', limitDays: 2.5 })).toThrow(/Invalid limitDays 2.5/);
    expect(() => cal.deadline({ acceptedOn: '2025-09-31', limitDays: 5 })).toThrow(/Invalid acceptedOn "2025-09-31"/);
  });
});

describe('deadline with paused clocks (补正, 特别程序)', () => {
  const base = { acceptedOn: '2025-09-22', limitDays: 5 };

  it('does not move the deadline for a pause that starts and ends on the same day', () => {
    expect(cal.deadline({ ...base, pauses: [{ from: '2025-09-24', to: '2025-09-24' }] }).deadline).toBe('2025-09-28');
  });

  it('counts the day a pause starts and leaves out the working days after it up to the day it ends', () => {
    // 09-23 day 1, 09-24 day 2 (pause starts), 09-25 and 09-26 paused, 09-28 day 3, 09-29 day 4, 09-30 day 5.
    expect(cal.deadline({ ...base, pauses: [{ from: '2025-09-24', to: '2025-09-26' }] }).deadline).toBe('2025-09-30');
  });

  it('resumes after a pause that runs across the National Day holiday on the next working day', () => {
    // Supplement requested Friday 09-26 (day 4), received Thursday 10-09: 09-28 and 10-09 are not counted.
    const r = cal.deadline({ ...base, pauses: [{ from: '2025-09-26', to: '2025-10-09' }] });
    expect(r).toEqual({ deadline: '2025-10-10', paused: false, provisional: false });
  });

  it('leaves the deadline alone when a pause lies entirely inside the holiday', () => {
    const r = cal.deadline({ acceptedOn: '2025-09-30', limitDays: 5, pauses: [{ from: '2025-10-02', to: '2025-10-05' }] });
    expect(r.deadline).toBe('2025-10-14');
  });

  it('stops the clock before day 1 for a pause that starts on the acceptance day', () => {
    // 10-09 is the day the supplement arrived: not counted; 10-10 is day 1.
    const r = cal.deadline({ acceptedOn: '2025-09-30', limitDays: 5, pauses: [{ from: '2025-09-30', to: '2025-10-09' }] });
    expect(r.deadline).toBe('2025-10-15');
  });

  it('excludes a make-up Sunday inside a pause that starts on a Saturday', () => {
    const r = cal.deadline({ ...base, pauses: [{ from: '2025-09-27', to: '2025-09-28' }] });
    expect(r.deadline).toBe('2025-09-29');
  });

  it('adds up two pauses, a supplement and a special procedure', () => {
    const pauses: ClockPause[] = [
      { from: '2025-09-23', to: '2025-09-24' }, // 补正: 09-24 not counted
      { from: '2025-09-26', to: '2025-09-29' }, // 检测: 09-28 and 09-29 not counted
    ];
    // 09-23 d1, 09-25 d2, 09-26 d3, 09-30 d4, 10-09 d5.
    expect(cal.deadline({ ...base, pauses }).deadline).toBe('2025-10-09');
  });

  it('cannot fix the deadline while a pause is open', () => {
    const r = cal.deadline({ ...base, pauses: [{ from: '2025-09-24' }] });
    expect(r).toEqual({ deadline: null, paused: true, provisional: false });
  });

  it('keeps a deadline already reached before an open pause began', () => {
    expect(cal.deadline({ ...base, pauses: [{ from: '2025-09-29' }] })).toEqual({
      deadline: '2025-09-28',
      paused: false,
      provisional: false,
    });
    // The pause's first day still counts, so a pause opened on day N leaves day N as the deadline.
    expect(cal.deadline({ ...base, pauses: [{ from: '2025-09-28' }] }).deadline).toBe('2025-09-28');
  });

  it('rejects a pause that ends before it starts or has an invalid date', () => {
    expect(() => cal.deadline({ ...base, pauses: [{ from: '2025-09-26', to: '2025-09-25' }] })).toThrow(/ends before it starts/);
    expect(() => cal.deadline({ ...base, pauses: [{ from: '2025/09/26' }] })).toThrow(/Invalid pauses\[0\]\.from "2025\/09\/26"/);
  });
});

describe('workingDaysUsed', () => {
  it('counts the days used as of each date of the 2025-09-30 example', () => {
    const used = (asOf: string) => cal.workingDaysUsed({ acceptedOn: '2025-09-30', asOf }).days;
    expect(used('2025-09-30')).toBe(0);
    expect(used('2025-10-08')).toBe(0);
    expect(used('2025-10-09')).toBe(1);
    expect(used('2025-10-11')).toBe(3);
    expect(used('2025-10-12')).toBe(3);
    expect(used('2025-10-14')).toBe(5);
    expect(used('2025-10-20')).toBe(9);
  });

  it('freezes while a pause is open and says the clock is stopped', () => {
    const pauses = [{ from: '2025-09-24' }];
    expect(cal.workingDaysUsed({ acceptedOn: '2025-09-22', asOf: '2025-09-24', pauses })).toEqual({
      days: 2,
      paused: true,
      provisional: false,
    });
    expect(cal.workingDaysUsed({ acceptedOn: '2025-09-22', asOf: '2025-10-20', pauses })).toEqual({
      days: 2,
      paused: true,
      provisional: false,
    });
  });

  it('counts again after a closed pause, and is not paused once the pause has ended', () => {
    const pauses = [{ from: '2025-09-24', to: '2025-09-26' }];
    expect(cal.workingDaysUsed({ acceptedOn: '2025-09-22', asOf: '2025-09-26', pauses })).toMatchObject({ days: 2, paused: true });
    expect(cal.workingDaysUsed({ acceptedOn: '2025-09-22', asOf: '2025-09-28', pauses })).toMatchObject({ days: 3, paused: false });
  });

  it('agrees with deadline: day N is reached exactly on the deadline and not before (seeded random cases)', () => {
    let seed = 20251001;
    const random = () => {
      // mulberry32: a fixed seed makes any failure repeatable.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = (n: number) => Math.floor(random() * n);
    for (let i = 0; i < 500; i++) {
      const acceptedOn = addCalendarDays('2024-01-01', pick(1000));
      const limitDays = 1 + pick(30);
      const pauses: ClockPause[] = [];
      for (let k = pick(3); k > 0; k--) {
        const from = addCalendarDays(acceptedOn, pick(40));
        pauses.push({ from, to: addCalendarDays(from, pick(15)) });
      }
      const { deadline } = cal.deadline({ acceptedOn, limitDays, pauses });
      const label = JSON.stringify({ acceptedOn, limitDays, pauses, deadline });
      expect(deadline, label).not.toBeNull();
      const d = deadline as string;
      expect(cal.workingDaysUsed({ acceptedOn, asOf: d, pauses }).days, label).toBe(limitDays);
      expect(cal.workingDaysUsed({ acceptedOn, asOf: addCalendarDays(d, -1), pauses }).days, label).toBe(limitDays - 1);
      expect(working(d), label).toBe(true);
    }
  });
});

describe('addWorkingDays and countWorkingDays', () => {
  it('steps over the National Day holiday forwards and backwards', () => {
    expect(cal.addWorkingDays('2025-09-30', 1)).toEqual({ date: '2025-10-09', provisional: false });
    expect(cal.addWorkingDays('2025-10-09', -1)).toEqual({ date: '2025-09-30', provisional: false });
    expect(cal.addWorkingDays('2025-09-26', 1).date).toBe('2025-09-28');
    expect(cal.addWorkingDays('2025-09-30', 0).date).toBe('2025-09-30');
    expect(cal.addWorkingDays('2025-09-30', 5).date).toBe('2025-10-14');
  });

  it('rejects a fractional number of working days', () => {
    expect(() => cal.addWorkingDays('2025-09-30', 1.5)).toThrow(/expected an integer/);
  });

  it('counts the days after the first date up to and including the second', () => {
    expect(cal.countWorkingDays('2025-09-30', '2025-10-14')).toEqual({ days: 5, provisional: false });
    expect(cal.countWorkingDays('2025-09-30', '2025-09-30').days).toBe(0);
    expect(cal.countWorkingDays('2025-10-14', '2025-09-30').days).toBe(0);
    expect(cal.countWorkingDays('2025-09-22', '2025-09-30', [{ from: '2025-09-24', to: '2025-09-26' }]).days).toBe(5);
  });
});

describe('loadCalendarData', () => {
  const valid = (): CalendarData => structuredClone(defaultCalendarData);

  it('accepts the committed file after a JSON round trip', () => {
    expect(loadCalendarData(JSON.parse(JSON.stringify(defaultCalendarData)))).toEqual(defaultCalendarData);
  });

  it('accepts weekend days listed as off, so a file may copy a notice range as written', () => {
    const data = valid();
    data.years['2025']!.off['2025-10-04'] = '国庆节';
    expect(createWorkingCalendar(loadCalendarData(data)).isWorkingDay('2025-10-04').working).toBe(false);
  });

  it('names a weekday listed as a make-up working day', () => {
    const data = valid();
    data.years['2025']!.worked['2025-10-10'] = '国庆节';
    expect(() => loadCalendarData(data)).toThrow(
      'years.2025.worked.2025-10-10: is a Friday; make-up working days (调休) are Saturdays or Sundays',
    );
  });

  it('names a covered year that is missing, which would otherwise read silently as Monday–Friday', () => {
    const data = valid();
    delete data.years['2024'];
    expect(() => loadCalendarData(data)).toThrow(/years\.2024: is missing although 2024 is inside coveredYears/);
  });

  it('names dates that are not real, filed under the wrong year, or outside the coverage', () => {
    const data = valid() as unknown as { years: Record<string, { off: Record<string, string> }> };
    data.years['2025']!.off['2025-02-30'] = '春节';
    data.years['2025']!.off['2024-10-01'] = '国庆节';
    data.years['2030'] = { off: { '2030-01-01': '元旦' } };
    try {
      loadCalendarData(data);
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(CalendarDataError);
      expect((e as CalendarDataError).issues).toEqual([
        'years.2025.off.2025-02-30: is not a real calendar date written YYYY-MM-DD',
        'years.2025.off.2024-10-01: is filed under the year 2025',
        'years.2030: is outside coveredYears 2004–2026; widen coveredYears or remove the year',
      ]);
    }
  });

  it('rejects a non-object, a missing source, reversed coverage and unknown keys in a year', () => {
    expect(() => loadCalendarData('holidays')).toThrow(CalendarDataError);
    expect(() => loadCalendarData({ ...valid(), source: '' })).toThrow(/source:/);
    expect(() => loadCalendarData({ ...valid(), coveredYears: { from: 2026, to: 2004 } })).toThrow(
      /coveredYears: from \(2026\) is after to \(2004\)/,
    );
    const data = valid() as unknown as { years: Record<string, Record<string, unknown>> };
    data.years['2025']!.workd = {};
    expect(() => loadCalendarData(data)).toThrow(/years\.2025/);
  });
});
