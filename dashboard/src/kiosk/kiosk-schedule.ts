import type { DisplayScreen } from '@tongban/shared';

const SHANGHAI_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Pure: milliseconds from `now` to the next `HH:MM` Asia/Shanghai (whatever the browser's time zone), > 0. */
export function msUntilShanghaiTime(now: number, hhmm: string): number {
  const sinceMidnight = (now + SHANGHAI_MS) % DAY_MS;
  let wait = minutesOf(hhmm) * 60_000 - sinceMidnight;
  if (wait <= 0) wait += DAY_MS;
  return wait;
}

/** Pure: whether `now` lies in [from, to) Asia/Shanghai; a span with from > to runs over midnight. */
export function inQuietHours(now: number, quiet: { from: string; to: string } | null): boolean {
  if (!quiet) return false;
  const m = Math.floor(((now + SHANGHAI_MS) % DAY_MS) / 60_000);
  const a = minutesOf(quiet.from);
  const b = minutesOf(quiet.to);
  return a <= b ? m >= a && m < b : m >= a || m < b;
}

/** Pure: whether the watchdog should reload: the feed has been silent longer than allowed. */
export function feedSilentTooLong(now: number, lastMessageAt: number, watchdogSeconds: number): boolean {
  return now - lastMessageAt > watchdogSeconds * 1000;
}

/** Pure: the screen after `index` in the rotation (a single screen stays: pinned). */
export const nextScreen = (screens: readonly DisplayScreen[], index: number) => (screens.length <= 1 ? 0 : (index + 1) % screens.length);
