/** Pure helpers of the hall video panel (HallVideoPanel.tsx). */

/** The hall shown after `index` (wrapping), skipping none: a failed hall gets another try on its turn. */
export function nextHall(count: number, index: number): number {
  return count <= 0 ? 0 : (index + 1) % count;
}

/** A stream whose picture has not moved for this long while it should play is taken as interrupted. */
export const STALL_MS = 20_000;

/**
 * Pure: whether a playing stream has stalled: its `currentTime` has not advanced since `sinceMs` (client
 * time of the last advance) for longer than STALL_MS.
 */
export function stalled(nowMs: number, lastAdvanceMs: number): boolean {
  return nowMs - lastAdvanceMs > STALL_MS;
}

export type HallVideoState = 'connecting' | 'playing' | 'failed';

export const HALL_STATE_LABEL: Record<HallVideoState, string> = { connecting: '连接中', playing: '直播', failed: '视频信号中断' };
