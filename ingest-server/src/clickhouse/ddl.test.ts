import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickhouseServe } from '../../test/clickhouse-serve.fixture.ts';
import { CLUSTER_SETTINGS, QUERY_SETTINGS, clickhouseLayout, createClickhouse, type Clickhouse } from './clickhouse-client.ts';
import { BY_CASE, DIMENSION, LayoutError, renderSteps, table, type Layout } from './ddl.ts';
import { everyMigration } from './every-migration.ts';
import { migrate, renderBootstrap, renderMigrations, type Migration } from './migrations.ts';

/** SHOW CREATE TABLE of every table after the migrations as they were written in raw SQL (before ddl.ts), by version. */
const golden = JSON.parse(readFileSync(new URL('./single-node-schema.golden.json', import.meta.url), 'utf8')) as { versions: number[]; tables: Record<string, string> };
const CLUSTER: Layout = { kind: 'cluster', cluster: 'tongban' };
const DB = 'tongban';

let ch: ClickhouseServe;
let migrations: Migration[];
beforeAll(async () => {
  ch = await ClickhouseServe.start();
  migrations = await everyMigration();
});
afterAll(async () => ch?.dispose());

/** ClickHouse's own parser, in the engine the server runs on: the statement formatted, or its syntax error. */
const formatQuery = async (sql: string): Promise<string> => (await ch.rows<{ f: string }>('SELECT formatQuery({q:String}) AS f', { q: sql }))[0]!.f;

describe('single-node DDL', () => {
  it('creates exactly the schema the raw-SQL migrations created, so existing data directories stay valid', async () => {
    const released = migrations.filter((m) => golden.versions.includes(m.version));
    expect(released.map((m) => m.version)).toEqual(golden.versions);
    await migrate(ch.client, 'rendered', released);
    const schema = await ch.schema('rendered');
    expect([...schema.keys()]).toEqual(Object.keys(golden.tables).sort());
    for (const [name, statement] of schema) expect(statement, name).toBe(golden.tables[name]);
  });

  it('runs every migration of the server on the harness, and a second run does nothing', async () => {
    const ran = await migrate(ch.client, 'all_single', migrations);
    expect(ran).toEqual(migrations.map((m) => m.version));
    expect(await migrate(ch.client, 'all_single', migrations)).toEqual([]);
  });

  it('still runs a raw-SQL migration (merged from a branch before it was described as steps)', async () => {
    const raw: Migration = { version: 9999, name: 'raw', statements: (db) => [`CREATE TABLE IF NOT EXISTS ${db}.raw_t (a UInt8) ENGINE = MergeTree ORDER BY a`] };
    expect(await migrate(ch.client, 'raw_single', [raw])).toEqual([9999]);
    expect(await ch.rows(`SELECT name FROM system.tables WHERE database = 'raw_single' AND name = 'raw_t'`)).toEqual([{ name: 'raw_t' }]);
  });
});

describe('cluster settings', () => {
  it('reach the engine with every call of a client in cluster mode, beside the settings of every call', async () => {
    const setting = async (ch: Clickhouse, name: string) => (await (await ch.query({ query: `SELECT toString(getSetting({n:String})) AS v`, query_params: { n: name }, format: 'JSONEachRow' })).json<{ v: string }>())[0]!.v;
    const cluster = createClickhouse({ clickhouseUrl: ch.url, clickhouseCluster: 'tongban', dataDir: '/nonexistent', clickhouseDatabase: DB });
    const single = createClickhouse({ clickhouseUrl: ch.url, dataDir: '/nonexistent', clickhouseDatabase: DB });
    try {
      expect(await setting(cluster, 'distributed_foreground_insert')).toBe('true');
      expect(await setting(cluster, 'distributed_product_mode')).toBe('local');
      expect(await setting(cluster, 'load_balancing')).toBe('in_order');
      expect(await setting(cluster, 'async_insert')).toBe('false');
      expect(clickhouseLayout({ clickhouseCluster: undefined })).toEqual({ kind: 'single' });
      expect(clickhouseLayout({ clickhouseCluster: 'tongban' })).toEqual({ kind: 'cluster', cluster: 'tongban' });
      expect(Object.keys(QUERY_SETTINGS).some((k) => k in CLUSTER_SETTINGS)).toBe(false);
      expect(await setting(single, 'async_insert')).toBe('false');
    } finally {
      await cluster.close();
      await single.close();
    }
  });
});

describe('cluster DDL', () => {
  const rendered = () => [...renderBootstrap(DB, CLUSTER), ...renderMigrations(DB, migrations, CLUSTER).flatMap((r) => r.statements)];

  it('every statement parses with ClickHouse’s own parser and names the cluster', async () => {
    const statements = rendered();
    expect(statements.length).toBeGreaterThan(40);
    for (const sql of statements) {
      const formatted = await formatQuery(sql);
      expect(formatted, sql).toContain('ON CLUSTER tongban');
    }
  });

  it('replicates every table with a Keeper path of its own, shards per-case tables by case and copies dimensions everywhere', async () => {
    const creates = await Promise.all(rendered().filter((s) => s.startsWith('CREATE TABLE')).map(formatQuery));
    const paths = new Map<string, string>();
    const distributed = new Map<string, string>();
    for (const f of creates) {
      const name = /^CREATE TABLE IF NOT EXISTS tongban\.(\w+)/.exec(f)![1]!;
      const replicated = /ENGINE = Replicated\w*MergeTree\('([^']+)', '\{replica\}'/.exec(f);
      const dist = /ENGINE = Distributed\(tongban, tongban, (\w+)(?:, (.+))?\)$/.exec(f);
      expect(replicated || dist, f).toBeTruthy();
      if (replicated) {
        expect([...paths.values()], `${name}: Keeper path used twice`).not.toContain(replicated[1]);
        paths.set(name, replicated[1]!);
      } else {
        expect(dist![1]).toBe(`${name}_local`);
        distributed.set(name, dist![2] ?? 'by-view');
      }
    }
    // A case's events, its copy by case, its state, orders, clocks and follow-ups on one shard.
    // The id index is filled by its view, beside its event: read through its Distributed table, never inserted there.
    expect(creates.find((f) => f.includes('tongban.event_ids ON CLUSTER'))).toMatch(/ENGINE = Distributed\(tongban, tongban, event_ids_local\)$/);
    expect(paths.get('event_ids_local')).toBe('/clickhouse/tables/{shard}/tongban.event_ids_local');
    for (const t of ['events', 'case_events', 'case_state', 'supervision_orders', 'rating_followups', 'deadline_changes', 'rating_clocks', 'metric_state_changes', 'event_arrivals', 'supervision_escalations', 'stage_dwells']) {
      expect(distributed.get(t), t).toBe('cityHash64(case_id)');
      expect(paths.get(`${t}_local`), t).toBe(`/clickhouse/tables/{shard}/tongban.${t}_local`);
    }
    for (const t of ['items', 'system_flags', 'users', 'sessions', 'audit_log', 'reports', 'schema_migrations', 'metric_daily', 'metric_daily_staging', 'metric_rollup_days', 'metric_config', 'report_period_changes', 'supervision_marks', 'derivation_watermark', 'item_typical_minutes']) {
      expect(distributed.has(t), t).toBe(false);
      expect(paths.get(t), t).toBe(`/clickhouse/tables/all/tongban.${t}`);
    }
    // Every local part has its Distributed table under the original name, and nothing else is left unreplicated.
    expect([...paths.keys()].filter((n) => n.endsWith('_local')).sort()).toEqual([...distributed.keys()].map((n) => `${n}_local`).sort());
  });

  it('keeps the engine parameters after the replication ones (the version column of a Replacing table)', async () => {
    const items = rendered().find((s) => s.includes('tongban.items ON CLUSTER'))!;
    expect(await formatQuery(items)).toContain(`ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/tongban.items', '{replica}', updated_at)`);
    const state = rendered().find((s) => s.includes('tongban.case_state_local ON CLUSTER'))!;
    expect(await formatQuery(state)).toContain(`ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/tongban.case_state_local', '{replica}', version)`);
  });

  it('points materialized views from local table to local table, and adds a column to the local part and its Distributed table', async () => {
    const statements = rendered();
    const views = await Promise.all(statements.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW')).map(formatQuery));
    expect(views).toHaveLength(4);
    for (const v of views) {
      expect(v).toMatch(/TO tongban\.\w+_local\s+AS SELECT/);
      expect(v).toMatch(/FROM tongban\.\w+_local/);
    }
    const adds = statements.filter((s) => s.includes('ADD COLUMN IF NOT EXISTS extension_days'));
    expect(adds).toEqual([
      'ALTER TABLE tongban.events_local ON CLUSTER tongban ADD COLUMN IF NOT EXISTS extension_days Nullable(UInt16) AFTER note',
      'ALTER TABLE tongban.events ON CLUSTER tongban ADD COLUMN IF NOT EXISTS extension_days Nullable(UInt16) AFTER note',
      'ALTER TABLE tongban.case_events_local ON CLUSTER tongban ADD COLUMN IF NOT EXISTS extension_days Nullable(UInt16) AFTER note',
      'ALTER TABLE tongban.case_events ON CLUSTER tongban ADD COLUMN IF NOT EXISTS extension_days Nullable(UInt16) AFTER note',
    ]);
    // A retried block is dropped on every shard for a week, not only ClickHouse's default hour.
    expect(statements.filter((s) => s.startsWith('ALTER') && s.includes('deduplication_window'))).toEqual(
      ['events', 'case_events', 'event_ids'].map((t) => `ALTER TABLE tongban.${t}_local ON CLUSTER tongban MODIFY SETTING replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800`),
    );
    // …and a table created with the single-node window gets the replicated one.
    const arrivals = statements.find((s) => s.includes('tongban.event_arrivals_local ON CLUSTER'))!;
    expect(arrivals).toContain('SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 604800');
    expect(arrivals).not.toContain('non_replicated');
  });

  it('refuses raw-SQL migrations, naming them, before anything runs', () => {
    const raw: Migration = { version: 130, name: 'raw', statements: () => ['SELECT 1'] };
    expect(() => renderMigrations(DB, [...migrations, raw], CLUSTER)).toThrow(/migrations 130 are raw SQL/);
  });

  it('refuses a step on a table no step described', () => {
    expect(() => renderSteps([{ kind: 'addColumn', table: 'nowhere', column: 'x UInt8' }], DB, CLUSTER, new Map())).toThrow(LayoutError);
  });

  it('renders the same spec for one ClickHouse without any cluster construct', () => {
    const index = new Map();
    const single = renderSteps([table({ table: 't', columns: 'a UInt8, case_id String', engine: 'SummingMergeTree', orderBy: 'a', distribution: BY_CASE }), table({ table: 'd', columns: 'a UInt8', engine: 'MergeTree', orderBy: 'a', distribution: DIMENSION })], DB, { kind: 'single' }, index);
    expect(single.join('\n')).not.toMatch(/CLUSTER|Replicated|Distributed|_local/);
  });
});
