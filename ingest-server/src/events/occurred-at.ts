const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Real-world UTC offsets run from −12:00 to +14:00; anything beyond ±14:00 is a mistake, not a zone. */
const MAX_OFFSET_MINUTES = 14 * 60;
const MIN_YEAR = 2000;

const daysIn = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * Why an occurredAt cannot be a real instant, or undefined when it can. `Date.parse` shifts what it
 * should refuse (`2025-02-30` becomes 2 March, `T24:00` the next day), so each field is checked as written.
 */
export function occurredAtProblem(s: string): string | undefined {
  const m = ISO.exec(s);
  if (!m) return 'must be an ISO 8601 date-time with an offset, e.g. 2025-08-24T14:37:00+08:00';
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (year < MIN_YEAR) return `year ${year} is before ${MIN_YEAR}`;
  if (month < 1 || month > 12) return `month ${m[2]} does not exist`;
  if (day < 1 || day > daysIn(year, month)) return `day ${m[3]} does not exist in ${m[1]}-${m[2]}`;
  if (hour > 23 || minute > 59 || second > 59) return `time ${m[4]}:${m[5]}${m[6] === undefined ? '' : `:${m[6]}`} does not exist (00:00:00–23:59:59)`;
  if (m[7] !== 'Z') {
    const offsetHours = Number(m[9]);
    const offsetMinutes = Number(m[10]);
    if (offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > MAX_OFFSET_MINUTES) return `offset ${m[7]} is beyond ±14:00`;
  }
  return undefined;
}
