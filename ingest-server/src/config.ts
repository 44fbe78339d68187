import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The one place that reads the environment (STYLE.md habit 2). Everything else receives a Config.
 * Fails fast with every problem listed.
 */
export interface Config {
  port: number;
  host: string;
  production: boolean;
  /** Embedded ClickHouse data and the durable ingest log live here. */
  dataDir: string;
  /** A ClickHouse server instead of embedded chDB, when set. */
  clickhouseUrl: string | undefined;
  clickhouseDatabase: string;
  /** token → source-system name */
  sourceTokens: Map<string, string>;
  /** token → admin name */
  adminTokens: Map<string, string>;
  /** true when the development tokens are in force (outside production, none configured) */
  devTokens: boolean;
  flushMaxRows: number;
  flushMaxAgeMs: number;
  /** Accepted events not yet in ClickHouse beyond which ingest answers 503 + Retry-After. */
  maxPendingRows: number;
  /** Bytes of ingest log not yet in ClickHouse beyond which ingest answers 503: how much a ClickHouse outage can buffer. */
  maxLogBytes: number;
  /** Free bytes on DATA_DIR's file system below which ingest answers 503 before trying to write. */
  diskFreeFloorBytes: number;
  maxEventsPerRequest: number;
  bodyLimitBytes: number;
  /** Events the dedup Bloom filter is sized for (1% false positives at this count). */
  dedupExpectedEvents: number;
  dashboardDir: string;
  holidaysFile: string | undefined;
  logLevel: string;
  simulate: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const Env = z.object({
  PORT: int(3000, 0).pipe(z.number().max(65535)),
  HOST: z.string().default('127.0.0.1'),
  NODE_ENV: z.string().default('development'),
  DATA_DIR: z.string().default(path.join(repoRoot, 'data')),
  CLICKHOUSE_URL: z.string().url().optional(),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('tongban'),
  SOURCE_TOKENS: z.string().optional(),
  ADMIN_TOKENS: z.string().optional(),
  FLUSH_MAX_ROWS: int(50_000, 1),
  FLUSH_MAX_AGE_MS: int(1_000, 10),
  MAX_PENDING_ROWS: int(500_000, 1),
  MAX_LOG_BYTES: int(1024 ** 3, 1),
  DISK_FREE_FLOOR_BYTES: int(256 * 1024 ** 2, 0),
  DEDUP_EXPECTED_EVENTS: int(20_000_000, 1000),
  DASHBOARD_DIR: z.string().default(path.join(repoRoot, 'dashboard/dist')),
  HOLIDAYS_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIMULATE: z.enum(['0', '1', 'true', 'false']).default('0'),
});

/** Parses `name:token,name:token` into token → name. */
export function parseTokens(spec: string | undefined, what: string): Map<string, string> {
  const tokens = new Map<string, string>();
  if (!spec) return tokens;
  for (const pair of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = pair.indexOf(':');
    const name = pair.slice(0, at);
    const token = pair.slice(at + 1);
    if (at <= 0 || token.length < 8) throw new ConfigError([`${what}: "${pair.slice(0, 20)}…" must be name:token with a token of at least 8 characters`]);
    tokens.set(token, name);
  }
  return tokens;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  let sourceTokens = parseTokens(e.SOURCE_TOKENS, 'SOURCE_TOKENS');
  let adminTokens = parseTokens(e.ADMIN_TOKENS, 'ADMIN_TOKENS');
  let devTokens = false;
  if (production && (sourceTokens.size === 0 || adminTokens.size === 0)) {
    throw new ConfigError(['production mode needs SOURCE_TOKENS and ADMIN_TOKENS (name:token,…); there are no default tokens']);
  }
  if (!production && sourceTokens.size === 0 && adminTokens.size === 0) {
    sourceTokens = new Map([['dev-token', 'dev']]);
    adminTokens = new Map([['dev-admin', 'dev-admin']]);
    devTokens = true;
  }
  return {
    port: e.PORT,
    host: e.HOST,
    production,
    dataDir: path.resolve(e.DATA_DIR),
    clickhouseUrl: e.CLICKHOUSE_URL,
    clickhouseDatabase: e.CLICKHOUSE_DATABASE,
    sourceTokens,
    adminTokens,
    devTokens,
    flushMaxRows: e.FLUSH_MAX_ROWS,
    flushMaxAgeMs: e.FLUSH_MAX_AGE_MS,
    maxPendingRows: e.MAX_PENDING_ROWS,
    maxLogBytes: e.MAX_LOG_BYTES,
    diskFreeFloorBytes: e.DISK_FREE_FLOOR_BYTES,
    maxEventsPerRequest: 10_000,
    bodyLimitBytes: 10 * 1024 * 1024,
    dedupExpectedEvents: e.DEDUP_EXPECTED_EVENTS,
    dashboardDir: path.resolve(e.DASHBOARD_DIR),
    holidaysFile: e.HOLIDAYS_FILE,
    logLevel: e.LOG_LEVEL,
    simulate: e.SIMULATE === '1' || e.SIMULATE === 'true',
  };
}
