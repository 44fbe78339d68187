import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

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
});
