/**
 * Turns the `chinese-days` package's JSON into our calendar data: per year the weekdays that are off and the
 * weekend days that are worked (调休), each with its holiday's name. Pure, so it can be tested.
 */
import { loadCalendarData, weekdayOf, type CalendarData } from '../src/working-calendar.ts';

export interface ChineseDaysJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

// chinese-days writes "English name,中文名,days"; the notices call three of them by their full names.
const OFFICIAL_NAMES: Record<string, string> = { 清明: '清明节', 端午: '端午节', 中秋: '中秋节' };

function holidayName(raw: string, date: string): string {
  const zh = raw.split(',')[1]?.trim();
  if (!zh) throw new Error(`chinese-days gives ${date} no Chinese holiday name: ${JSON.stringify(raw)}`);
  return OFFICIAL_NAMES[zh] ?? zh;
}

export function buildCalendarData(source: ChineseDaysJson, version: string): CalendarData {
  const years: Record<string, { off: Record<string, string>; worked: Record<string, string> }> = {};
  const yearOf = (date: string) => (years[date.slice(0, 4)] ??= { off: {}, worked: {} });

  for (const date of Object.keys(source.holidays).sort()) {
    // Weekend days inside a holiday are off anyway; only weekdays change the count.
    if (weekdayOf(date) <= 5) yearOf(date).off[date] = holidayName(source.holidays[date]!, date);
  }
  for (const date of Object.keys(source.workdays).sort()) {
    if (weekdayOf(date) <= 5) throw new Error(`chinese-days lists ${date}, a weekday, as a make-up working day`);
    yearOf(date).worked[date] = holidayName(source.workdays[date]!, date);
  }

  const yearNumbers = Object.keys(years).map(Number);
  const from = Math.min(...yearNumbers);
  const to = Math.max(...yearNumbers);
  const sorted: CalendarData['years'] = {};
  for (let y = from; y <= to; y++) {
    const days = years[String(y)];
    if (!days) throw new Error(`chinese-days has no holidays for ${y} although it covers ${from}–${to}`);
    sorted[String(y)] = days;
  }
  // Validate exactly as the server will before anything is written.
  return loadCalendarData({
    source: `chinese-days@${version} (dist/chinese-days.json): State Council holiday notices (国务院办公厅关于部分节假日安排的通知) ${from}–${to}`,
    coveredYears: { from, to },
    years: sorted,
  });
}
