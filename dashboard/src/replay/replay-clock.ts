import { REPLAY_SPEEDS, parseReplayInstant, replayInstantText } from '@tongban/shared';

export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];
export { REPLAY_SPEEDS };

/** What `/?at=…&speed=…` asks for: the instant to open at and how fast to play (×1 unless named). */
export interface ReplayParams {
  atMs: number;
  speed: ReplaySpeed;
}

/** Pure: the replay a page's query string asks for, or null for the live wall (no `at`, or one that is no instant). */
export function replayParamsOf(search: string): ReplayParams | null {
  const q = new URLSearchParams(search);
  const atMs = parseReplayInstant(q.get('at'));
  if (Number.isNaN(atMs)) return null;
  return { atMs, speed: speedOf(q.get('speed')) };
}

/** Pure: a speed the wall offers (×1 for anything else). */
export function speedOf(text: string | null): ReplaySpeed {
  const n = Number(text?.replace(/^x/i, ''));
  return (REPLAY_SPEEDS as readonly number[]).includes(n) ? (n as ReplaySpeed) : 1;
}

/** Pure: the query string of the page at `atMs` (null: back to live), other parameters (the display) kept. */
export function replaySearch(search: string, atMs: number | null, speed: ReplaySpeed): string {
  const q = new URLSearchParams(search);
  if (atMs === null) {
    q.delete('at');
    q.delete('speed');
  } else {
    q.set('at', replayInstantText(atMs).slice(0, 16 + (atMs % 60_000 ? 3 : 0)));
    if (speed === 1) q.delete('speed');
    else q.set('speed', String(speed));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Pure: the replayed instant after `elapsedMs` of real time at `speed`, never past `limitMs` (now). */
export function advance(atMs: number, speed: number, elapsedMs: number, limitMs: number): number {
  return Math.min(limitMs, atMs + Math.max(0, elapsedMs) * speed);
}

/**
 * Pure: the next feed window of a player at `fromMs` (a whole second) after `elapsedMs` of real time: it ends on
 * a whole second, so the banner's instant (to the second) is exactly what the counters hold, and the real time
 * it took (`consumedMs`) is what the player counts off (the rest carries to the next tick). `'wait'`: less than
 * a second of replayed time yet; `'end'`: nothing left before `limitMs` (now).
 */
export function nextWindow(fromMs: number, speed: number, elapsedMs: number, limitMs: number): { toMs: number; consumedMs: number } | 'wait' | 'end' {
  const target = advance(fromMs, speed, elapsedMs, limitMs);
  const toMs = Math.floor(target / 1000) * 1000;
  if (toMs > fromMs) return { toMs, consumedMs: (toMs - fromMs) / speed };
  return target >= limitMs ? 'end' : 'wait';
}

/** `2026-11-20 10:00:05`: the replayed instant as the banner shows it (Shanghai). */
export function formatReplayInstant(ms: number): string {
  return replayInstantText(ms).replace('T', ' ');
}

/** Slider positions are minutes from the start of the range: a week is 10,080 steps. */
export const sliderValueOf = (ms: number, fromMs: number) => Math.round((ms - fromMs) / 60_000);
export const instantOfSlider = (value: number, fromMs: number, toMs: number) => Math.min(toMs, fromMs + value * 60_000);
