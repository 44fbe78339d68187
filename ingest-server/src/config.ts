import { hostname, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parsePiiKeys, PiiKeyError, type PiiKeyring } from '@tongban/shared/pii-crypto';
import type { DisplayConfig } from '@tongban/shared';
import { readDisplaysFile } from './displays-file.ts';

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
  /**
   * LIVE_APPLICANT_CASES: the most recently submitted cases whose applicant the server keeps in memory, so a
   * later event's note on the live feed has that applicant's name, ID number and phone masked (older cases: by
   * pattern only). Costs ≈160 bytes of V8 heap a case (docs/notes/soak-heap.md): 200,000 ≈ 30 MiB; 0 keeps none.
   */
  liveApplicantCases: number;
  dashboardDir: string;
  holidaysFile: string | undefined;
  logLevel: string;
  simulate: boolean;
  reports: ReportsConfig;
  /** Working days a 补正 may stay open before the case is flagged `pause_overdue` (SPEC: PAUSE_FLAG_DAYS). */
  pauseFlagDays: number;
  /** PII_KEY: applicants' name, ID number and phone are stored encrypted with it when set (required in production). */
  piiKeys: PiiKeyring | undefined;
  /** DISPLAYS_FILE: wall displays' screens, rotation, reload hour and alarms, by display name (empty: defaults). */
  displays: Map<string, DisplayConfig>;
  /** Who may do what (SPEC.md "Who may do what"). */
  auth: AuthConfig;
  /** Predicted lateness (at_risk): threshold and the model's window (AT_RISK_*). */
  lateness: LatenessConfig;
  /** 督办 clock settings (the supervisors' workspace, issue 13). */
  supervisionOrders: SupervisionOrdersConfig;
  /** Scale to the province (issue 16): dedup snapshot, derivation watermark, report catch-up. */
  scale: ScaleConfig;
  /** Memory bounds of the embedded engine (chDB server settings; not used with CLICKHOUSE_URL). */
  engineMemory: EngineMemoryConfig;
  /** Several nodes (SPEC.md "Several machines"): Redis and this node's id. */
  cluster: ClusterConfig;
  /** CLICKHOUSE_CLUSTER: the cluster (remote_servers) the migrations create replicated, sharded tables on; needs CLICKHOUSE_URL. */
  clickhouseCluster: string | undefined;
}

/** AT_RISK_THRESHOLD (0–1, default 0.5), AT_RISK_MIN_CASES (10), AT_RISK_WINDOW_DAYS (90), AT_RISK_REFRESH_SECONDS (600). */
export interface LatenessConfig {
  threshold: number;
  minCases: number;
  windowDays: number;
  refreshMs: number;
}

/** 督办 orders: the default due date offered when issuing one, and when an unresolved one escalates to 红牌. */
export interface SupervisionOrdersConfig {
  /** SUPERVISION_DUE_WORKING_DAYS: working days from today the issue form's due date defaults to (default 3). */
  defaultDueWorkingDays: number;
  /** SUPERVISION_RED_CARD_DAYS: working days after its due date an unresolved order turns 黄牌 → 红牌 (default 5). */
  redCardAfterDays: number;
}

/** Start-up that does not grow with history (issue 16, docs/notes/scale.md). */
export interface ScaleConfig {
  /** DEDUP_FALSE_POSITIVE: the dedup filter's false-positive rate at DEDUP_EXPECTED_EVENTS keys (0.0001–0.2). */
  dedupFalsePositive: number;
  /** DEDUP_SNAPSHOT_SECONDS: how often the dedup filter is written to DATA_DIR (and at every clean stop). */
  dedupSnapshotMs: number;
  /** REPORTS_CATCHUP_DELAY_SECONDS: missed scheduled reports are caught up this long after start. */
  reportsCatchUpDelayMs: number;
  /** DERIVATION_WATERMARK_SECONDS: how often the derivation watermark advances (0: only after a bulk derivation, as in a backfill). */
  derivationWatermarkMs: number;
  /** INDEX_SNAPSHOT_SECONDS: how often the open-case index is written to DATA_DIR (and at every clean stop); 0 = never, a full rebuild at every start. */
  indexSnapshotMs: number;
  /**
   * Set by `pnpm backfill` only (not an environment setting): the process writes history in bulk, so the metric
   * rollups', stage dwells' and lateness model's timers stay off; `afterBulkLoad` does their work once, after
   * the case states. Their refreshes otherwise re-read the rows as they are written and compete with the
   * derivation pass for the same cores.
   */
  bulkLoad: boolean;
}

/**
 * The embedded ClickHouse engine's memory bounds, in bytes (ingest-faults2). Its defaults are a
 * dedicated server's (a ceiling of 90% of RAM, 5 GiB each for the mark, primary-index and skip-index
 * mark caches), sized for a ClickHouse alone on its machine, not one sharing a process with Node.
 */
export interface EngineMemoryConfig {
  /** CHDB_MAX_SERVER_MEMORY_BYTES: the engine's ceiling; a query that would pass it fails instead (default: a third of RAM). */
  maxServerMemoryBytes: number;
  /** CHDB_MARK_CACHE_BYTES: the mark cache (column granule offsets of the parts read). */
  markCacheBytes: number;
  /** CHDB_INDEX_CACHE_BYTES: the primary-index cache, and the same again for skip-index marks. */
  indexCacheBytes: number;
  /** CHDB_QUERY_CONDITION_CACHE_BYTES: which granules matched a WHERE before (every distinct IN list adds entries). */
  queryConditionCacheBytes: number;
  /** CHDB_MERGES_MEMORY_BYTES: background merges start no new merge past this. */
  mergesMemoryBytes: number;
  /**
   * CHDB_PURGE_SECONDS: how often chDB's jemalloc returns the freed pages it keeps to the kernel (SYSTEM JEMALLOC
   * PURGE; 0: never). Between purges jemalloc keeps them up to dirty_decay_ms (5 s in libchdb; docs/notes/soak-rss.md).
   */
  purgeMs: number;
}

/** Identities: machine tokens beyond source and admin, sessions, origins. */
export interface AuthConfig {
  /** SOURCE_TOKENS' district limits: source name → the districts its events may name (absent: any). */
  sourceDistricts: Map<string, Set<string>>;
  /** DISPLAY_TOKENS: token → the wall screen it opens, optionally limited to one district. */
  displayTokens: Map<string, { name: string; districtCode: string | null }>;
  /** SESSION_SECRET: signs the session cookie. Outside production a key kept in DATA_DIR is used when unset. */
  sessionSecret: string | null;
  /** SESSION_IDLE_MINUTES: a session unused this long is over. */
  sessionIdleMs: number;
  /** COOKIE_SECURE: send the session cookie over HTTPS only (set behind TLS). */
  cookieSecure: boolean;
  /** ALLOWED_ORIGINS: web origins besides the server's own that may open Socket.IO (comma-separated). */
  allowedOrigins: string[];
  /** Outside production without configured people: the development identities of SPEC.md sign in. */
  devPeople: boolean;
}

export const REPORT_KIND_LIST = ['daily', 'weekly', 'monthly', 'quarterly', 'annual'] as const;
export type ScheduledReportKind = (typeof REPORT_KIND_LIST)[number];

/** Reports: schedule, retention of stored reports, the bulletin's 红头 and 文号, the comparison rule. */
export interface ReportsConfig {
  /** REPORTS_SCHEDULE: `off`, or the kinds generated on schedule and the time of day (Asia/Shanghai). */
  schedule: { kinds: ScheduledReportKind[]; hour: number; minute: number } | 'off';
  /** REPORTS_RETENTION: days a stored report of a kind is kept (absent: forever). */
  retentionDays: Partial<Record<ScheduledReportKind, number>>;
  /** REPORTS_SUPERSEDED_DAYS: a report replaced by a newer one of the same kind, period and scope is removed after this many days. */
  supersededDays: number;
  /** REPORTS_ISSUING_OFFICE: the 红头 of every bulletin. */
  issuingOffice: string;
  /** REPORTS_DOC_PREFIX: the 文号 prefix (渝效监 → 渝效监〔2026〕12号). */
  docNumberPrefix: string;
  /** REPORTS_MIN_COVERAGE: share (0–1] of a comparison period's days that must hold events. */
  minCoverage: number;
}

/** `off`, or `kind,kind…[@HH:MM]` (`all` for every kind); default every kind at 08:00. */
export function parseReportsSchedule(spec: string): ReportsConfig['schedule'] {
  const s = spec.trim();
  if (s === 'off' || s === '0' || s === 'false') return 'off';
  const m = /^([a-z,\s]+?)(?:@(\d{1,2})(?::(\d{2}))?)?$/.exec(s);
  if (!m) throw new ConfigError([`REPORTS_SCHEDULE: "${spec}" must be off or kinds[@HH:MM], e.g. monthly,quarterly,annual@08:00`]);
  const names = m[1]!.split(',').map((k) => k.trim()).filter(Boolean);
  const kinds = names.includes('all') ? [...REPORT_KIND_LIST] : names;
  const bad = kinds.filter((k) => !(REPORT_KIND_LIST as readonly string[]).includes(k));
  const hour = m[2] === undefined ? 8 : Number(m[2]);
  const minute = m[3] === undefined ? 0 : Number(m[3]);
  if (bad.length || !kinds.length || hour > 23 || minute > 59) {
    throw new ConfigError([`REPORTS_SCHEDULE: "${spec}": kinds are ${REPORT_KIND_LIST.join(', ')} or all, the time HH:MM (00:00–23:59)`]);
  }
  return { kinds: kinds as ScheduledReportKind[], hour, minute };
}

/** `daily:90,weekly:365` (days per kind; a kind not named is kept forever; `keep` keeps everything). */
export function parseRetention(spec: string): ReportsConfig['retentionDays'] {
  const out: ReportsConfig['retentionDays'] = {};
  if (spec.trim() === 'keep' || spec.trim() === '') return out;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [kind, days] = part.split(':');
    if (!(REPORT_KIND_LIST as readonly string[]).includes(kind ?? '') || !/^\d+$/.test(days ?? '') || Number(days) < 1) {
      throw new ConfigError([`REPORTS_RETENTION: "${part}" must be kind:days (days ≥ 1), kinds ${REPORT_KIND_LIST.join(', ')}`]);
    }
    out[kind as ScheduledReportKind] = Number(days);
  }
  return out;
}

/** Several machines: with `redisUrl` unset the server is one node, as it always was. */
export interface ClusterConfig {
  /** REDIS_URL: Socket.IO's Redis Streams adapter, the shared event reservations, the engine lease, heartbeats. */
  redisUrl: string | undefined;
  /** NODE_ID: this node's name in the cluster (default `<hostname>:<PORT>`). */
  nodeId: string;
  /** CLUSTER_LEASE_MS: the engine lease's time to live; renewed every third of it, taken over after it lapses. */
  leaseMs: number;
  /** CLUSTER_ADDRESS: how other nodes and operators reach this node (default `http://<HOST>:<PORT>`). */
  address: string;
}

function clusterConfig(e: { REDIS_URL?: string | undefined; NODE_ID?: string | undefined; CLUSTER_LEASE_MS: number; CLUSTER_ADDRESS?: string | undefined; HOST: string; PORT: number }): ClusterConfig {
  return {
    redisUrl: e.REDIS_URL,
    nodeId: e.NODE_ID ?? `${hostname()}:${e.PORT}`,
    leaseMs: e.CLUSTER_LEASE_MS,
    address: e.CLUSTER_ADDRESS ?? `http://${e.HOST}:${e.PORT}`,
  };
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
  LIVE_APPLICANT_CASES: int(200_000, 0),
  DASHBOARD_DIR: z.string().default(path.join(repoRoot, 'dashboard/dist')),
  HOLIDAYS_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIMULATE: z.enum(['0', '1', 'true', 'false']).default('0'),
  REPORTS_SCHEDULE: z.string().default('all@08:00'),
  REPORTS_RETENTION: z.string().default('daily:90,weekly:365'),
  REPORTS_SUPERSEDED_DAYS: int(30, 1),
  REPORTS_ISSUING_OFFICE: z.string().trim().min(1).max(60).default('重庆市政务服务效能监察指挥中心'),
  REPORTS_DOC_PREFIX: z.string().trim().min(1).max(20).default('渝效监'),
  REPORTS_MIN_COVERAGE: z.coerce.number().gt(0).max(1).default(0.8),
  PAUSE_FLAG_DAYS: int(30, 1),
  PII_KEY: z.string().optional(),
  DISPLAY_TOKENS: z.string().optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: int(12 * 60, 1),
  COOKIE_SECURE: z.enum(['0', '1', 'true', 'false']).default('0'),
  ALLOWED_ORIGINS: z.string().default(''),
  DEV_PEOPLE: z.enum(['0', '1', 'true', 'false']).optional(),
  DISPLAYS_FILE: z.string().optional(),
  AT_RISK_THRESHOLD: z.coerce.number().gt(0).lt(1).default(0.5),
  AT_RISK_MIN_CASES: int(10, 1),
  AT_RISK_WINDOW_DAYS: int(90, 7).pipe(z.number().max(366)),
  AT_RISK_REFRESH_SECONDS: int(600, 1),
  // 督办 clock settings (supervisors' workspace)
  SUPERVISION_DUE_WORKING_DAYS: int(3, 1).pipe(z.number().max(60)),
  SUPERVISION_RED_CARD_DAYS: int(5, 1).pipe(z.number().max(60)),
  // Scale (issue 16)
  DEDUP_FALSE_POSITIVE: z.coerce.number().min(0.0001).max(0.2).default(0.01),
  DEDUP_SNAPSHOT_SECONDS: int(60, 1),
  REPORTS_CATCHUP_DELAY_SECONDS: int(120, 0),
  DERIVATION_WATERMARK_SECONDS: int(5, 0),
  INDEX_SNAPSHOT_SECONDS: int(300, 0),
  // ingest-faults2: the embedded engine's memory bounds (EngineMemoryConfig).
  CHDB_MAX_SERVER_MEMORY_BYTES: int(Math.floor(totalmem() / 3), 256 * 1024 ** 2),
  CHDB_MARK_CACHE_BYTES: int(256 * 1024 ** 2, 0),
  CHDB_INDEX_CACHE_BYTES: int(128 * 1024 ** 2, 0),
  CHDB_QUERY_CONDITION_CACHE_BYTES: int(32 * 1024 ** 2, 0),
  CHDB_MERGES_MEMORY_BYTES: int(512 * 1024 ** 2, 64 * 1024 ** 2),
  CHDB_PURGE_SECONDS: int(10, 0),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be redis://host:port[/db] or rediss://…').optional(),
  NODE_ID: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (at most 64)').optional(),
  CLUSTER_LEASE_MS: int(6_000, 1_500).pipe(z.number().max(60_000)),
  CLUSTER_ADDRESS: z.string().url().optional(),
  // Several machines: ClickHouse cluster layout (clickhouse/ddl.ts).
  CLICKHOUSE_CLUSTER: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a cluster name of remote_servers (letters, digits, _)').optional(),
});

const DISTRICT_LIST = /^(\d{6}|[A-Z0-9]{2,12})(\|(\d{6}|[A-Z0-9]{2,12}))*$/;

/**
 * `name:token[:district|district…],…` → token → name, and name → districts for tokens limited to some.
 * A token may itself hold `:`; a last part that is a list of district codes is the limit.
 */
export function parseScopedTokens(spec: string | undefined, what: string): { tokens: Map<string, string>; districts: Map<string, Set<string>> } {
  const districts = new Map<string, Set<string>>();
  const parts: string[] = [];
  for (const pair of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const last = pair.lastIndexOf(':');
    const tail = pair.slice(last + 1);
    if (last > pair.indexOf(':') && DISTRICT_LIST.test(tail)) {
      const name = pair.slice(0, pair.indexOf(':'));
      districts.set(name, new Set(tail.split('|')));
      parts.push(pair.slice(0, last));
    } else parts.push(pair);
  }
  return { tokens: parseTokens(parts.join(','), what), districts };
}

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

/**
 * chDB's jemalloc options a launcher gives the server (JE_MALLOC_CONF, read by libchdb when it loads, so only
 * from the environment the process starts with): freed pages back to the kernel after 1 s, not 5
 * (docs/notes/soak-rss.md). scripts/start.ts and deploy/tongban.Dockerfile set it.
 */
export const LAUNCH_JE_MALLOC_CONF = 'dirty_decay_ms:1000,muzzy_decay_ms:0';

/**
 * The V8 heap the server is launched with (`--max-old-space-size`, MiB): the backlog it may hold in memory
 * (MAX_PENDING_ROWS at ≈1 KiB a row) over a ≈300 MiB base, plus a quarter for the collector to work in
 * (docs/notes/soak-rss.md). Node's own default is a quarter of RAM up to 4 GiB: a bound only by accident.
 */
export function serverHeapMiB(env: Record<string, string | undefined> = process.env): number {
  const rows = Env.shape.MAX_PENDING_ROWS.safeParse(env.MAX_PENDING_ROWS);
  return Math.ceil(((300 * 2 ** 20 + (rows.success ? rows.data : 500_000) * 1024) * 1.25) / 2 ** 20);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const sources = parseScopedTokens(e.SOURCE_TOKENS, 'SOURCE_TOKENS');
  let sourceTokens = sources.tokens;
  const displaySpecs = parseScopedTokens(e.DISPLAY_TOKENS, 'DISPLAY_TOKENS');
  const displayTokens = new Map<string, { name: string; districtCode: string | null }>();
  for (const [token, name] of displaySpecs.tokens) {
    const d = displaySpecs.districts.get(name);
    if (d && d.size > 1) throw new ConfigError([`DISPLAY_TOKENS: display ${name} may be limited to one district only`]);
    displayTokens.set(token, { name, districtCode: d ? [...d][0]! : null });
  }
  let adminTokens = parseTokens(e.ADMIN_TOKENS, 'ADMIN_TOKENS');
  let devTokens = false;
  if (production && (sourceTokens.size === 0 || adminTokens.size === 0)) {
    throw new ConfigError(['production mode needs SOURCE_TOKENS and ADMIN_TOKENS (name:token,…); there are no default tokens']);
  }
  let piiKeys: PiiKeyring | undefined;
  try {
    piiKeys = e.PII_KEY ? parsePiiKeys(e.PII_KEY) : undefined;
  } catch (err) {
    if (err instanceof PiiKeyError) throw new ConfigError([err.message]);
    throw err;
  }
  let displays = new Map<string, DisplayConfig>();
  if (e.DISPLAYS_FILE) {
    const read = readDisplaysFile(path.resolve(e.DISPLAYS_FILE));
    if ('problems' in read) throw new ConfigError(read.problems);
    displays = read.displays;
  }
  if (production && !piiKeys) {
    throw new ConfigError(['production mode needs PII_KEY (keyId:base64key[,…], 32-byte keys, e.g. `k1:$(openssl rand -base64 32)`): personal data is stored encrypted']);
  }
  if (e.CLICKHOUSE_CLUSTER && !e.CLICKHOUSE_URL) throw new ConfigError(['CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL (a server of that cluster): the embedded engine has no cluster']);
  if (production && !e.SESSION_SECRET) throw new ConfigError(['production mode needs SESSION_SECRET (at least 32 characters) to sign session cookies']);
  if (production && displayTokens.size === 0 && e.DISPLAY_TOKENS !== undefined) throw new ConfigError(['DISPLAY_TOKENS is set but names no display']);
  if (!production && sourceTokens.size === 0 && adminTokens.size === 0) {
    sourceTokens = new Map([['dev-token', 'dev']]);
    adminTokens = new Map([['dev-admin', 'dev-admin']]);
    devTokens = true;
  }
  if (!production && displayTokens.size === 0) displayTokens.set('dev-wall', { name: 'dev-wall', districtCode: null });
  const flag = (v: string | undefined) => v === '1' || v === 'true';
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
    liveApplicantCases: e.LIVE_APPLICANT_CASES,
    dashboardDir: path.resolve(e.DASHBOARD_DIR),
    holidaysFile: e.HOLIDAYS_FILE,
    logLevel: e.LOG_LEVEL,
    simulate: e.SIMULATE === '1' || e.SIMULATE === 'true',
    reports: {
      schedule: parseReportsSchedule(e.REPORTS_SCHEDULE),
      retentionDays: parseRetention(e.REPORTS_RETENTION),
      supersededDays: e.REPORTS_SUPERSEDED_DAYS,
      issuingOffice: e.REPORTS_ISSUING_OFFICE,
      docNumberPrefix: e.REPORTS_DOC_PREFIX,
      minCoverage: e.REPORTS_MIN_COVERAGE,
    },
    pauseFlagDays: e.PAUSE_FLAG_DAYS,
    displays,
    piiKeys,
    auth: {
      sourceDistricts: sources.districts,
      displayTokens,
      sessionSecret: e.SESSION_SECRET ?? null,
      sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
      cookieSecure: flag(e.COOKIE_SECURE),
      allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
      devPeople: !production && (e.DEV_PEOPLE === undefined ? true : flag(e.DEV_PEOPLE)),
    },
    lateness: { threshold: e.AT_RISK_THRESHOLD, minCases: e.AT_RISK_MIN_CASES, windowDays: e.AT_RISK_WINDOW_DAYS, refreshMs: e.AT_RISK_REFRESH_SECONDS * 1000 },
    supervisionOrders: { defaultDueWorkingDays: e.SUPERVISION_DUE_WORKING_DAYS, redCardAfterDays: e.SUPERVISION_RED_CARD_DAYS },
    scale: {
      dedupFalsePositive: e.DEDUP_FALSE_POSITIVE,
      dedupSnapshotMs: e.DEDUP_SNAPSHOT_SECONDS * 1000,
      reportsCatchUpDelayMs: e.REPORTS_CATCHUP_DELAY_SECONDS * 1000,
      derivationWatermarkMs: e.DERIVATION_WATERMARK_SECONDS * 1000,
      indexSnapshotMs: e.INDEX_SNAPSHOT_SECONDS * 1000,
      bulkLoad: false,
    },
    engineMemory: {
      maxServerMemoryBytes: e.CHDB_MAX_SERVER_MEMORY_BYTES,
      markCacheBytes: e.CHDB_MARK_CACHE_BYTES,
      indexCacheBytes: e.CHDB_INDEX_CACHE_BYTES,
      queryConditionCacheBytes: e.CHDB_QUERY_CONDITION_CACHE_BYTES,
      mergesMemoryBytes: e.CHDB_MERGES_MEMORY_BYTES,
      purgeMs: e.CHDB_PURGE_SECONDS * 1000,
    },
    cluster: clusterConfig(e),
    clickhouseCluster: e.CLICKHOUSE_CLUSTER,
  };
}
