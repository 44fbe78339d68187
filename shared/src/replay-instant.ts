import { msOfShanghaiDateTime } from './shanghai-time.ts';

/**
 * An instant a replay names (`/?at=…`, `GET /api/v1/replay?at=…`): `2026-11-20T10:00` (Asia/Shanghai wall
 * time, seconds optional) or ISO 8601 with an offset. NaN when it is neither.
 */
export function parseReplayInstant(text: string | null | undefined): number {
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

/** `2026-11-20T10:00:00`: an instant as Shanghai wall time, the form `?at=` takes. */
export function replayInstantText(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19);
}
