/** Calendar dates as integer day numbers (days since 1970-01-01), and Asia/Shanghai midnights. */
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export function dayNumber(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
}

export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The instant Asia/Shanghai's day `day` begins. */
export function shanghaiMidnight(day: number): number {
  return day * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** The Asia/Shanghai day number of an instant. */
export function shanghaiDay(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}
