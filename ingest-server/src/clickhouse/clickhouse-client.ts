import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';

type ClientOptions = NonNullable<Parameters<typeof createClient>[0]>;
import { Session } from 'chdb';
import { createChdbConnection, type ChdbExtension } from 'chdb/connection';
import { Readable } from 'node:stream';
import type { Config } from '../config.ts';
import { SINGLE, type Layout } from './ddl.ts';
import { engineMemoryArgs } from './engine-bounds.ts';

export type Clickhouse = ClickHouseClient;

/**
 * Settings passed on EVERY call. chdb/connection keeps per-query settings for the rest of the session
 * (ENGINE-NOTES), so each call states the complete set rather than relying on defaults.
 * async_insert is on by default since 26.2: our inserts are already batched and must be stored on return.
 */
export const QUERY_SETTINGS: ClickHouseSettings = {
  async_insert: 0,
  wait_for_async_insert: 1,
  insert_deduplicate: 0,
  // Reset on every call: a token left in a chdb session would make every later insert a "duplicate".
  insert_deduplication_token: '',
  date_time_input_format: 'basic',
  max_memory_usage: String(8 * 1024 ** 3),
};

/**
 * Added to every call in a cluster (CLICKHOUSE_CLUSTER), where the tables under their usual names are
 * Distributed over sharded `_local` tables (ddl.ts):
 * - an insert returns once every shard stored its rows (a Distributed insert is queued in the background by
 *   default, so "stored" would not mean stored), and the flushed block's insert_deduplication_token goes with
 *   it to each shard, where the Replicated table drops a retried copy;
 * - a JOIN or IN between two sharded tables runs shard by shard: every sharded table is sharded by case and
 *   every such join is on case_id (without this ClickHouse refuses "double-distributed" subqueries);
 * - another shard is written and read on its first healthy replica in remote_servers order, its own shard
 *   on the server itself: with each node talking to a first replica (deploy/nginx), one node's insert and
 *   another node's idempotency check read the same copy (a lagging second replica answers only while a
 *   first one is down);
 * - a read that names its cases (`case_id = …`, `IN {ids}`) asks only their shards.
 */
export const CLUSTER_SETTINGS: ClickHouseSettings = {
  distributed_foreground_insert: 1,
  distributed_product_mode: 'local',
  load_balancing: 'in_order',
  optimize_skip_unused_shards: 1,
};

/** The table layout the configuration asks for: one ClickHouse, or CLICKHOUSE_CLUSTER's. */
export function clickhouseLayout(config: Partial<Pick<Config, 'clickhouseCluster'>>): Layout {
  return config.clickhouseCluster ? { kind: 'cluster', cluster: config.clickhouseCluster } : SINGLE;
}

/** One code path: embedded chDB in DATA_DIR by default, a ClickHouse server when CLICKHOUSE_URL is set. */
export function createClickhouse(
  config: Pick<Config, 'clickhouseUrl' | 'dataDir' | 'clickhouseDatabase'> & Partial<Pick<Config, 'engineMemory' | 'clickhouseCluster'>>,
  o: { inlineParams?: boolean } = {},
): Clickhouse {
  if (config.clickhouseUrl) {
    const settings = config.clickhouseCluster ? { ...QUERY_SETTINGS, ...CLUSTER_SETTINGS } : QUERY_SETTINGS;
    return createClient({ url: config.clickhouseUrl, clickhouse_settings: settings, request_timeout: 60_000 });
  }
  const dir = path.join(config.dataDir, 'clickhouse');
  mkdirSync(dir, { recursive: true });
  // Server settings are arguments of the first connection to a data dir (it starts the engine); the
  // client's connection shares that engine once it exists. chdb/connection cannot pass them itself.
  const boot = config.engineMemory ? new Session(dir, { connectionArgs: engineMemoryArgs(config.engineMemory) }) : undefined;
  // chdb types the connection against @clickhouse/client-common, which @clickhouse/client 1.23.1 bundles
  // at a slightly different version: the shapes are the same at run time.
  const connection = createChdbConnection({ path: dir }) as unknown as NonNullable<ClientOptions['connection']>;
  boot?.close();
  const client = createClient({ connection, clickhouse_settings: QUERY_SETTINGS });
  rawInserts.set(client, (connection as unknown as { chdb: ChdbExtension }).chdb);
  return o.inlineParams ? withInlinedParams(client) : client;
}

/** The embedded engine's own calls of each embedded client (insertTabSeparated, tabSeparatedBytes). */
const rawInserts = new WeakMap<Clickhouse, ChdbExtension>();
const RAW_SETTINGS = Object.fromEntries(Object.entries(QUERY_SETTINGS).map(([k, v]) => [k, String(v)]));

/**
 * A bulk insert of TabSeparated lines (each ending in a newline). Embedded, the bytes go to chDB as they are
 * (`rawInsert`: the engine's own parser reads the buffer); chdb/connection's `insert` would first join the
 * statement and the whole body into one SQL string, which the engine then parses as one query, 1.2–1.6× as
 * long for a page of case states (bench/derivation.bench.ts). With a ClickHouse server, the client's insert.
 */
export async function insertTabSeparated(ch: Clickhouse, o: { table: string; columns: readonly string[]; body: string | Buffer }): Promise<void> {
  const raw = rawInserts.get(ch);
  if (raw) {
    await raw.rawInsert({ table: o.table, columns: o.columns, format: 'TabSeparated', settings: RAW_SETTINGS, values: typeof o.body === 'string' ? Buffer.from(o.body) : o.body });
    return;
  }
  await ch.insert({
    table: o.table,
    columns: [...o.columns] as [string, ...string[]],
    format: 'TabSeparated',
    clickhouse_settings: QUERY_SETTINGS,
    values: Readable.from([o.body], { objectMode: false }),
  });
}

/** A string as a ClickHouse string literal (backslash and quote escaped). */
const stringLiteral = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** QUERY_SETTINGS as a SETTINGS clause (for a statement sent to chDB without the client). */
const SETTINGS_CLAUSE = `SETTINGS ${Object.entries(QUERY_SETTINGS).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : stringLiteral(String(v))}`).join(', ')}`;

/**
 * A SELECT's TabSeparated answer as bytes (cut into lines by `forEachLine`). Embedded, the bytes come straight
 * from chDB: for a page of 200,000 events about a third of the time of the client's row stream, which decodes
 * every row into an object first (issue 16). With a ClickHouse server, the client's text. `query` must not end
 * in SETTINGS or FORMAT.
 */
export async function tabSeparatedBytes(ch: Clickhouse, o: { query: string; query_params?: Record<string, unknown> }): Promise<Buffer> {
  const raw = rawInserts.get(ch);
  if (raw) {
    const sql = `${o.query_params ? inlineParams(o.query, o.query_params) : o.query}\n${SETTINGS_CLAUSE} FORMAT TabSeparated`;
    const bytes = (await raw.queryAsync(sql)).bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const rs = await ch.query({ query: o.query, query_params: o.query_params, format: 'TabSeparated', clickhouse_settings: QUERY_SETTINGS });
  return Buffer.from(await rs.text(), 'utf8');
}

/**
 * Calls `line` with each line of TabSeparated bytes (without its newline), in order, until it returns false.
 * Each line is a string of its own, so a field sliced from it keeps that line alive, never the whole answer.
 */
export function forEachLine(bytes: Buffer, line: (text: string) => boolean | void): void {
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    if (line(bytes.toString('utf8', start, end)) === false) return;
    start = end + 1;
  }
}

/**
 * One connection per background job (`FeatureContext.backgroundClickhouse`): embedded chDB runs one query at a
 * time per connection, so a job's long read holds up neither the requests' connection nor another job. Made
 * on first use, parameters inlined (chDB chains parameterized queries process-wide). With a ClickHouse server
 * every job gets `shared`, which runs queries concurrently already.
 */
export class BackgroundConnections<Job extends string> {
  private readonly byJob = new Map<Job, Clickhouse>();

  constructor(
    private readonly config: Parameters<typeof createClickhouse>[0],
    private readonly shared: Clickhouse,
  ) {}

  get(job: Job): Clickhouse {
    if (this.config.clickhouseUrl) return this.shared;
    let ch = this.byJob.get(job);
    if (!ch) this.byJob.set(job, (ch = createClickhouse({ ...this.config, engineMemory: undefined }, { inlineParams: true })));
    return ch;
  }

  async close(): Promise<void> {
    for (const ch of this.byJob.values()) await ch.close();
    this.byJob.clear();
  }
}

/** A parameter's value in the text form ClickHouse parses for its type (as the HTTP interface's param_x). */
function paramText(v: unknown, nested = false): string {
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`a query parameter is not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'string') return nested ? stringLiteral(v) : v;
  if (Array.isArray(v)) return `[${v.map((e) => paramText(e, true)).join(',')}]`;
  throw new Error(`a query parameter of kind ${v === null ? 'null' : typeof v} cannot be written as a literal`);
}

/**
 * The query with every `{name:Type}` of `params` written as `CAST('text' AS Type)`, as ClickHouse itself
 * substitutes a parameter. Embedded chDB runs parameterized queries one at a time in the whole process (its
 * binding chains them), so the background connection sends literals and its long queries run beside the API's.
 */
export function inlineParams(sql: string, params: Record<string, unknown>): string {
  return sql.replace(/\{(\w+):([^{}]+)\}/g, (placeholder, name: string, type: string) => {
    if (!(name in params)) return placeholder;
    if (type.trim() === 'Identifier') throw new Error(`an Identifier parameter (${name}) cannot be written as a literal`);
    return `CAST(${stringLiteral(paramText(params[name]))} AS ${type})`;
  });
}

/** The client with every query's parameters written as literals (inlineParams) before it is sent. */
function withInlinedParams(client: Clickhouse): Clickhouse {
  const inline = <P extends { query: string; query_params?: Record<string, unknown> }>(p: P): P =>
    p.query_params && Object.keys(p.query_params).length ? { ...p, query: inlineParams(p.query, p.query_params), query_params: undefined } : p;
  const query = client.query.bind(client);
  const command = client.command.bind(client);
  const exec = client.exec.bind(client);
  return Object.assign(client, {
    query: ((p: Parameters<typeof query>[0]) => query(inline(p))) as typeof query,
    command: ((p: Parameters<typeof command>[0]) => command(inline(p))) as typeof command,
    exec: ((p: Parameters<typeof exec>[0]) => exec(inline(p))) as typeof exec,
  });
}
