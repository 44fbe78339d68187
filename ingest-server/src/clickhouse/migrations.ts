import type { Clickhouse } from './clickhouse-client.ts';
import { BY_CASE, BY_VIEW, DIMENSION, insertDedupWindow, LayoutError, renderSteps, SINGLE, table, view, type Layout, type Step, type TableIndex, type TableSpec } from './ddl.ts';

/**
 * A migration is described as steps (ddl.ts), rendered for one ClickHouse or for a cluster. The raw form
 * (`statements`) is still accepted for one ClickHouse only, so a migration written that way on another
 * branch merges as it is; cluster mode refuses to run it until it is described as steps.
 */
export type Migration = { version: number; name: string } & ({ steps: Step[] } | { statements: (db: string) => string[] });

/** The event log's columns: the log and its per-case copy have the same. */
const EVENT_COLUMNS = `
        event_id String,
        event_key UInt64 COMMENT 'hash of event_id (see event-key.ts), the dedup index key',
        case_id String,
        type LowCardinality(String),
        occurred_at DateTime64(3, 'Asia/Shanghai'),
        received_at DateTime64(3, 'Asia/Shanghai'),
        source LowCardinality(String),
        item_code LowCardinality(String),
        district_code LowCardinality(String),
        township_code LowCardinality(String),
        village_code String,
        level LowCardinality(String),
        department_code LowCardinality(String),
        channel LowCardinality(String),
        actor_id String,
        applicant_type LowCardinality(String),
        applicant_name String,
        applicant_id_number String,
        applicant_phone String,
        rating Nullable(UInt8),
        visits Nullable(UInt16),
        note String,
        dq_flags Array(LowCardinality(String))`;

/** Days of `event_arrivals` kept: a dedup snapshot or derivation watermark older than this is not used. */
export const ARRIVALS_KEPT_DAYS = 7;

/**
 * Versioned, append-only migrations. Each statement is idempotent (IF NOT EXISTS), so a migration
 * interrupted half-way is simply run again. Never edit a released migration's schema: add a new one.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'event log, id index, per-case copy, rejected events',
    steps: [
      // The immutable event log. Month partitions; ordered for per-district time-range reads.
      table({ table: 'events', columns: EVENT_COLUMNS, engine: 'MergeTree', partitionBy: 'toYYYYMM(occurred_at)', orderBy: '(district_code, occurred_at, case_id)', distribution: BY_CASE }),
      // Idempotency index: every stored event_id, ordered by its hash so a lookup is a primary-key range.
      // In a cluster it lives beside its event (the view fires where the event is stored); a lookup asks every shard.
      table({
        table: 'event_ids',
        columns: `
        event_key UInt64,
        event_id String`,
        engine: 'ReplacingMergeTree',
        orderBy: '(event_key, event_id)',
        distribution: BY_VIEW,
      }),
      view('event_ids_mv', 'event_ids', (t) => `SELECT event_key, event_id FROM ${t('events')}`),
      // The same events ordered by case: one case's timeline is one primary-key range.
      table({ table: 'case_events', columns: EVENT_COLUMNS, engine: 'MergeTree', partitionBy: 'tuple()', orderBy: '(case_id, occurred_at, event_id)', distribution: BY_CASE }),
      view('case_events_mv', 'case_events', (t) => `SELECT * FROM ${t('events')}`),
      // Events that failed validation, kept raw for inspection, never silently dropped.
      table({
        table: 'rejected_events',
        columns: `
        rejection_id UUID,
        received_at DateTime64(3, 'Asia/Shanghai'),
        source LowCardinality(String),
        batch_index UInt32,
        event_id String,
        raw String,
        errors Array(String)`,
        engine: 'ReplacingMergeTree',
        partitionBy: 'toYYYYMM(received_at)',
        orderBy: '(received_at, rejection_id)',
        // Replaced by rejection id (FINAL): all copies of one on one shard.
        distribution: { shardBy: 'cityHash64(rejection_id)' },
      }),
    ],
  },
  {
    version: 2,
    name: 'service-item catalogue',
    steps: [
      table({
        table: 'items',
        columns: `
        item_code String,
        doc String COMMENT 'the item as JSON (SPEC.md catalogue item)',
        updated_at DateTime64(3, 'Asia/Shanghai'),
        updated_by String`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['updated_at'],
        orderBy: 'item_code',
        distribution: DIMENSION,
      }),
    ],
  },
  {
    version: 3,
    name: 'insert deduplication window on the event tables',
    // A flushed block carries an insert_deduplication_token (event-store.ts), so a retried insert whose
    // answer was lost is not stored twice. Plain MergeTree deduplicates nothing without a window, and each
    // materialized view's target needs its own (else the view doubles the block the source table dropped).
    steps: ['events', 'case_events', 'event_ids'].map((t) => insertDedupWindow(t, 1000)),
  },
  {
    version: 4,
    name: 'system flags kept with the data (simulated)',
    steps: [
      table({
        table: 'system_flags',
        columns: `
        name String,
        value String,
        set_at DateTime64(3, 'Asia/Shanghai'),
        set_by String`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['set_at'],
        orderBy: 'name',
        distribution: DIMENSION,
      }),
    ],
  },
  {
    version: 5,
    name: 'event arrivals: the log position of every stored event (issue 16)',
    // When each event reached ClickHouse (the engine's clock, whatever wrote it: ingest, a backfill), ordered
    // by that instant: "every key or case stored since T" is a primary-key range whose cost is the tail, not
    // the history. Start-up reads only this tail (the dedup snapshot's, the derivation watermark's); a week
    // is kept (whole days dropped), an older snapshot or watermark falls back to a full pass.
    // In a cluster beside its event (the view fires on the event's shard).
    steps: [
      table({
        table: 'event_arrivals',
        columns: `
        inserted_at DateTime64(3, 'Asia/Shanghai'),
        event_key UInt64,
        case_id String`,
        engine: 'MergeTree',
        partitionBy: 'toYYYYMMDD(inserted_at)',
        orderBy: 'inserted_at',
        ttl: `toDateTime(inserted_at) + INTERVAL ${ARRIVALS_KEPT_DAYS} DAY`,
        settings: { ttl_only_drop_parts: 1, non_replicated_deduplication_window: 1000 },
        distribution: BY_CASE,
      }),
      view('event_arrivals_mv', 'event_arrivals', (t) => `SELECT now64(3, 'Asia/Shanghai') AS inserted_at, event_key, case_id FROM ${t('events')}`),
    ],
  },
];

/** Which migrations ran: on every server of a cluster. */
const SCHEMA_MIGRATIONS: TableSpec = {
  table: 'schema_migrations',
  columns: 'version UInt32, name String, applied_at DateTime64(3)',
  engine: 'ReplacingMergeTree',
  orderBy: 'version',
  distribution: DIMENSION,
};

/**
 * Every migration's statements for a layout, in version order. Raw-SQL migrations render for one
 * ClickHouse only: in a cluster they are refused (all of them, before anything runs), since their tables'
 * replication and sharding cannot be derived from SQL text.
 */
export function renderMigrations(db: string, migrations: readonly Migration[], layout: Layout = SINGLE): Array<{ migration: Migration; statements: string[] }> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const raw = sorted.filter((m) => 'statements' in m);
  if (layout.kind === 'cluster' && raw.length) {
    throw new LayoutError(`CLICKHOUSE_CLUSTER: migrations ${raw.map((m) => m.version).join(', ')} are raw SQL (one ClickHouse only): describe them as steps (clickhouse/ddl.ts) to run on a cluster`);
  }
  const index: TableIndex = new Map();
  return sorted.map((m) => ({ migration: m, statements: 'steps' in m ? renderSteps(m.steps, db, layout, index) : m.statements(db) }));
}

/** The statements that prepare the database and the migration record. */
export function renderBootstrap(db: string, layout: Layout = SINGLE): string[] {
  return [layout.kind === 'cluster' ? `CREATE DATABASE IF NOT EXISTS ${db} ON CLUSTER ${layout.cluster}` : `CREATE DATABASE IF NOT EXISTS ${db}`, ...renderSteps([table(SCHEMA_MIGRATIONS)], db, layout, new Map())];
}

/**
 * Runs the migrations not yet recorded. Nothing is sent when all are: in a cluster every ON CLUSTER statement
 * waits for every server, so a node starting while one ClickHouse server is down must not issue any.
 */
export async function migrate(ch: Clickhouse, db: string, migrations: Migration[] = MIGRATIONS, layout: Layout = SINGLE): Promise<number[]> {
  const rendered = renderMigrations(db, migrations, layout);
  const rs0 = await ch.query({ query: `EXISTS TABLE ${db}.schema_migrations`, format: 'JSONCompactEachRow' });
  const [[recorded] = [0]] = await rs0.json<[number]>();
  if (Number(recorded) !== 1) for (const query of renderBootstrap(db, layout)) await ch.command({ query });
  const rs = await ch.query({ query: `SELECT DISTINCT version FROM ${db}.schema_migrations`, format: 'JSONEachRow' });
  const applied = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  const ran: number[] = [];
  for (const { migration: m, statements } of rendered) {
    if (applied.has(m.version)) continue;
    for (const statement of statements) await ch.command({ query: statement });
    await ch.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: m.version, name: m.name, applied_at: Date.now() }],
      format: 'JSONEachRow',
    });
    ran.push(m.version);
  }
  return ran;
}
