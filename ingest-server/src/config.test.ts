import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engineMemoryArgs } from './clickhouse/engine-bounds.ts';
import { ConfigError, loadConfig, serverHeapMiB } from './config.ts';

describe('loadConfig', () => {
  it('gives development defaults with the dev tokens announced', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.devTokens).toBe(true);
    expect(c.sourceTokens.get('dev-token')).toBe('dev');
    expect(c.adminTokens.get('dev-admin')).toBe('dev-admin');
  });

  it('refuses to start in production without configured tokens', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/production mode needs SOURCE_TOKENS/);
  });

  it('reads per-source tokens and never keeps the dev tokens beside them', () => {
    const c = loadConfig({ SOURCE_TOKENS: 'yukuaiban:s3cret-token-1,window-sys:s3cret-token-2', ADMIN_TOKENS: 'ops:admin-token-1' });
    expect(c.sourceTokens.get('s3cret-token-2')).toBe('window-sys');
    expect(c.sourceTokens.has('dev-token')).toBe(false);
    expect(c.devTokens).toBe(false);
  });

  it('lists every bad setting at once', () => {
    try {
      loadConfig({ PORT: 'eighty', CLICKHOUSE_URL: 'not a url', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/CLICKHOUSE_URL/);
      expect(problems).toMatch(/LOG_LEVEL/);
    }
  });

  it('rejects a malformed token list', () => {
    expect(() => loadConfig({ SOURCE_TOKENS: 'justatoken' })).toThrow(/name:token/);
  });

  it('reads PII_KEY as key id and 32-byte key, the first encrypting, all decrypting', () => {
    const a = randomBytes(32).toString('base64');
    const b = randomBytes(32).toString('base64');
    const c = loadConfig({ PII_KEY: `2026:${b},2025:${a}` });
    expect(c.piiKeys?.primary).toBe('2026');
    expect(c.piiKeys?.keys.get('2025')?.toString('base64')).toBe(a);
    expect(loadConfig({}).piiKeys).toBeUndefined();
  });

  it('rejects a PII_KEY whose key is not 32 bytes, without echoing it', () => {
    const short = randomBytes(24).toString('base64');
    expect(() => loadConfig({ PII_KEY: `k1:${short}` })).toThrow(ConfigError);
    expect(() => loadConfig({ PII_KEY: `k1:${short}` })).toThrow(/32 bytes/);
    expect(() => loadConfig({ PII_KEY: `k1:${short}` })).not.toThrow(new RegExp(short.slice(0, 10).replace(/[+/]/g, '.')));
  });

  it('refuses to start in production without PII_KEY, and starts with it', () => {
    const tokens = { NODE_ENV: 'production', SOURCE_TOKENS: 'src:source-token-1', ADMIN_TOKENS: 'ops:admin-token-1' };
    expect(() => loadConfig(tokens)).toThrow(/production mode needs PII_KEY/);
    const pii = { PII_KEY: `k1:${randomBytes(32).toString('base64')}` };
    expect(() => loadConfig({ ...tokens, ...pii })).toThrow(/production mode needs SESSION_SECRET/);
    expect(loadConfig({ ...tokens, ...pii, SESSION_SECRET: 'x'.repeat(32) }).production).toBe(true);
  });

  it('reads district-limited source tokens and display tokens, and gives development identities outside production only', () => {
    const c = loadConfig({ SOURCE_TOKENS: 'yc:yc-token-123:500118|500119,cq:cq-token-123', ADMIN_TOKENS: 'ops:admin-token-1', DISPLAY_TOKENS: 'hall:hall-token-1:500118' });
    expect(c.sourceTokens.get('yc-token-123')).toBe('yc');
    expect([...c.auth.sourceDistricts.get('yc')!]).toEqual(['500118', '500119']);
    expect(c.auth.sourceDistricts.has('cq')).toBe(false);
    expect(c.auth.displayTokens.get('hall-token-1')).toEqual({ name: 'hall', districtCode: '500118' });
    expect(c.auth.displayTokens.has('dev-wall')).toBe(false);
    expect(c.auth.devPeople).toBe(true);
    expect(() => loadConfig({ DISPLAY_TOKENS: 'hall:hall-token-1:500118|500119' })).toThrow(/one district/);
    expect(loadConfig({}).auth.displayTokens.get('dev-wall')?.name).toBe('dev-wall');
  });

  it('bounds the embedded engine\'s memory by default, reads each bound, and refuses a ceiling too small to run in', () => {
    const d = loadConfig({}).engineMemory;
    expect(d.markCacheBytes).toBe(256 * 1024 ** 2);
    expect(d.maxServerMemoryBytes).toBeGreaterThan(0);
    const c = loadConfig({ CHDB_MAX_SERVER_MEMORY_BYTES: String(2 * 1024 ** 3), CHDB_MARK_CACHE_BYTES: '0', CHDB_INDEX_CACHE_BYTES: '1000', CHDB_QUERY_CONDITION_CACHE_BYTES: '2000', CHDB_MERGES_MEMORY_BYTES: String(128 * 1024 ** 2), CHDB_PURGE_SECONDS: '0' }).engineMemory;
    expect(c).toEqual({ maxServerMemoryBytes: 2 * 1024 ** 3, markCacheBytes: 0, indexCacheBytes: 1000, queryConditionCacheBytes: 2000, mergesMemoryBytes: 128 * 1024 ** 2, purgeMs: 0 });
    expect(d.purgeMs).toBe(10_000);
    // The launch heap grows with the backlog MAX_PENDING_ROWS allows (≈1 KiB a row over a 300 MiB base, +25%).
    expect(serverHeapMiB({})).toBe(986);
    expect(serverHeapMiB({ MAX_PENDING_ROWS: '2000000' })).toBe(2817);
    expect(engineMemoryArgs(c)).toContain(`--max_server_memory_usage=${2 * 1024 ** 3}`);
    expect(() => loadConfig({ CHDB_MAX_SERVER_MEMORY_BYTES: '1000' })).toThrow(/CHDB_MAX_SERVER_MEMORY_BYTES/);
  });

  it('reads the lateness model settings (AT_RISK_*) and refuses a threshold outside (0, 1)', () => {
    expect(loadConfig({}).lateness).toEqual({ threshold: 0.5, minCases: 10, windowDays: 90, refreshMs: 600_000 });
    expect(loadConfig({ AT_RISK_THRESHOLD: '0.7', AT_RISK_MIN_CASES: '5', AT_RISK_WINDOW_DAYS: '30', AT_RISK_REFRESH_SECONDS: '2' }).lateness).toEqual({ threshold: 0.7, minCases: 5, windowDays: 30, refreshMs: 2000 });
    expect(() => loadConfig({ AT_RISK_THRESHOLD: '1.5' })).toThrow(/AT_RISK_THRESHOLD/);
    expect(() => loadConfig({ AT_RISK_WINDOW_DAYS: '1000' })).toThrow(/AT_RISK_WINDOW_DAYS/);
  });

  it('reads the 督办 settings: due date default and 红牌 threshold in working days, 3 and 5 unless set', () => {
    expect(loadConfig({}).supervisionOrders).toEqual({ defaultDueWorkingDays: 3, redCardAfterDays: 5 });
    expect(loadConfig({ SUPERVISION_DUE_WORKING_DAYS: '2', SUPERVISION_RED_CARD_DAYS: '10' }).supervisionOrders).toEqual({ defaultDueWorkingDays: 2, redCardAfterDays: 10 });
    expect(() => loadConfig({ SUPERVISION_DUE_WORKING_DAYS: '0' })).toThrow(/SUPERVISION_DUE_WORKING_DAYS/);
    expect(() => loadConfig({ SUPERVISION_RED_CARD_DAYS: '2.5' })).toThrow(/SUPERVISION_RED_CARD_DAYS/);
    expect(() => loadConfig({ SUPERVISION_RED_CARD_DAYS: '61' })).toThrow(/SUPERVISION_RED_CARD_DAYS/);
  });
});

describe('scale settings (issue 16)', () => {
  it('reads the dedup false-positive rate, the snapshot interval and the report catch-up delay', () => {
    expect(loadConfig({}).scale).toEqual({ dedupFalsePositive: 0.01, dedupSnapshotMs: 60_000, reportsCatchUpDelayMs: 120_000, derivationWatermarkMs: 5_000, indexSnapshotMs: 300_000, bulkLoad: false });
    const c = loadConfig({ DEDUP_FALSE_POSITIVE: '0.001', DEDUP_SNAPSHOT_SECONDS: '5', REPORTS_CATCHUP_DELAY_SECONDS: '0', DERIVATION_WATERMARK_SECONDS: '0', INDEX_SNAPSHOT_SECONDS: '0' });
    expect(c.scale).toEqual({ dedupFalsePositive: 0.001, dedupSnapshotMs: 5_000, reportsCatchUpDelayMs: 0, derivationWatermarkMs: 0, indexSnapshotMs: 0, bulkLoad: false });
    expect(() => loadConfig({ DEDUP_FALSE_POSITIVE: '0.5' })).toThrow(ConfigError);
  });
});

describe('CLICKHOUSE_CLUSTER', () => {
  it('is off by default and names a cluster of the ClickHouse server when set', () => {
    expect(loadConfig({}).clickhouseCluster).toBeUndefined();
    expect(loadConfig({ CLICKHOUSE_URL: 'http://ch-1:8123', CLICKHOUSE_CLUSTER: 'tongban' }).clickhouseCluster).toBe('tongban');
  });

  it('needs CLICKHOUSE_URL and a plain name', () => {
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: 'tongban' })).toThrow(/CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL/);
    expect(() => loadConfig({ CLICKHOUSE_URL: 'http://ch-1:8123', CLICKHOUSE_CLUSTER: 'tong ban; DROP' })).toThrow(/CLICKHOUSE_CLUSTER/);
  });
});
