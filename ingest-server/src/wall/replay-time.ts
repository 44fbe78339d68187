export { parseReplayInstant } from '@tongban/shared';

/** Why an instant cannot be replayed (the 400's message), or null when it can. */
export function replayInstantProblem(at: number, range: { fromMs: number | null; toMs: number }): string | null {
  if (Number.isNaN(at)) return 'at must be a Shanghai time like 2026-11-20T10:00 or ISO 8601 with an offset';
  if (at > range.toMs) return 'at lies in the future: a replay shows the past';
  if (range.fromMs === null) return 'no event is stored yet: nothing to replay';
  if (at < range.fromMs) return 'at lies before the first stored event';
  return null;
}
