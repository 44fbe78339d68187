import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig: ingest bounds', () => {
  it('defaults the log bound to 1 GiB and the disk floor to 256 MiB', () => {
    const c = loadConfig({});
    expect(c.maxLogBytes).toBe(1024 ** 3);
    expect(c.diskFreeFloorBytes).toBe(256 * 1024 ** 2);
  });

  it('reads them from MAX_LOG_BYTES and DISK_FREE_FLOOR_BYTES, a floor of 0 switching the guard off', () => {
    const c = loadConfig({ MAX_LOG_BYTES: '1048576', DISK_FREE_FLOOR_BYTES: '0' });
    expect(c.maxLogBytes).toBe(1_048_576);
    expect(c.diskFreeFloorBytes).toBe(0);
  });

  it('refuses a log bound of 0 or a negative floor', () => {
    expect(() => loadConfig({ MAX_LOG_BYTES: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ DISK_FREE_FLOOR_BYTES: '-1' })).toThrow(/DISK_FREE_FLOOR_BYTES/);
  });
});
