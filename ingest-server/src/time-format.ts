const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** 'YYYY-MM-DD hh:mm:ss.sss' wall time in Asia/Shanghai (fixed UTC+8, no DST), as ClickHouse reads it for a Shanghai column. */
export function shanghaiDateTime(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 23).replace('T', ' ');
}

/** ISO 8601 with the +08:00 offset, the form every API answer uses. */
export function shanghaiIso(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 23) + '+08:00';
}
