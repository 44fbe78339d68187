import { msOfShanghaiDateTime } from '@tongban/shared';

/**
 * An instant a replay names: `2026-11-20T10:00` (Asia/Shanghai wall time, seconds optional) or ISO 8601 with
 * an offset. NaN when it is neither (the route answers 400).
 */
export function parseReplayInstant(text: string | undefined): number {
  if (!text) return NaN;
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text);
  if (local) {
    const [, day, h, m, s = '00', frac = '0'] = local;
    if (Number(h) > 23 || Number(m) > 59 || Number(s) > 59) return NaN;
    const ms = msOfShanghaiDateTime(`${day} ${h}:${m}:${s}.${frac.padEnd(3, '0')}`);
    // Date.parse rolls 2026-02-30 over to March: an impossible date is no instant.
    return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10) === day ? ms : NaN;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return NaN;
  return Date.parse(text);
}

/** Why an instant cannot be replayed (the 400's message), or null when it can. */
export function replayInstantProblem(at: number, range: { fromMs: number | null; toMs: number }): string | null {
  if (Number.isNaN(at)) return 'at must be a Shanghai time like 2026-11-20T10:00 or ISO 8601 with an offset';
  if (at > range.toMs) return 'at lies in the future: a replay shows the past';
  if (range.fromMs === null) return 'no event is stored yet: nothing to replay';
  if (at < range.fromMs) return 'at lies before the first stored event';
  return null;
}
