/**
 * Instants written in Asia/Shanghai wall time. China has kept UTC+8 without daylight saving since 1991,
 * so a fixed offset is exact for every date this system handles, whatever the host's `TZ`.
 */
export const SHANGHAI_OFFSET = '+08:00';
const OFFSET_MS = 8 * 3600_000;

/** ISO 8601 with the +08:00 offset, to the millisecond: the form every answer and message uses. */
export function shanghaiIso(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 23) + SHANGHAI_OFFSET;
}

/** `shanghaiIso`, or null for NaN (an absent instant kept as NaN in a typed array). */
export function shanghaiIsoOrNull(ms: number | null): string | null {
  return ms === null || Number.isNaN(ms) ? null : shanghaiIso(ms);
}

/** 'YYYY-MM-DD hh:mm:ss.sss' wall time in Asia/Shanghai, as ClickHouse reads it for a Shanghai DateTime64 column. */
export function shanghaiDateTime(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 23).replace('T', ' ');
}

/** Epoch ms of a Shanghai wall time as ClickHouse prints it ('YYYY-MM-DD hh:mm:ss[.sss]') or a bare date. */
export function msOfShanghaiDateTime(wall: string): number {
  const iso = wall.length === 10 ? `${wall}T00:00:00` : wall.replace(' ', 'T');
  return Date.parse(iso + SHANGHAI_OFFSET);
}

/** The Shanghai hour (0–23) of an instant. */
export function shanghaiHour(ms: number): number {
  return new Date(ms + OFFSET_MS).getUTCHours();
}

/** 'YYYY-MM' of an instant in Asia/Shanghai. */
export function shanghaiMonth(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 7);
}
