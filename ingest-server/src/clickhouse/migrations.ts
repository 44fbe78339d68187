import type { Clickhouse } from './clickhouse-client.ts';

export interface Migration {
  version: number;
  name: string;
  statements: (db: string) => string[];
}

/**
 * Versioned, append-only migrations. Each statement is idempotent (IF NOT EXISTS), so a migration
 * interrupted half-way is simply run again. Never edit a released migration: add a new one.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'event log, id index, per-case copy, rejected events',
    statements: (db) => [
      // The immutable event log. Month partitions; ordered for per-district time-range reads.
      `CREATE TABLE IF NOT EXISTS ${db}.events (
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
        dq_flags Array(LowCardinality(String))
      ) ENGINE = MergeTree
      PARTITION BY toYYYYMM(occurred_at)
      ORDER BY (district_code, occurred_at, case_id)`,
      // Idempotency index: every stored event_id, ordered by its hash so a lookup is a primary-key range.
      `CREATE TABLE IF NOT EXISTS ${db}.event_ids (
        event_key UInt64,
        event_id String
      ) ENGINE = ReplacingMergeTree ORDER BY (event_key, event_id)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.event_ids_mv TO ${db}.event_ids AS
        SELECT event_key, event_id FROM ${db}.events`,
      // The same events ordered by case: one case's timeline is one primary-key range.
      `CREATE TABLE IF NOT EXISTS ${db}.case_events AS ${db}.events
        ENGINE = MergeTree PARTITION BY tuple() ORDER BY (case_id, occurred_at, event_id)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.case_events_mv TO ${db}.case_events AS
        SELECT * FROM ${db}.events`,
      // Events that failed validation, kept raw for inspection, never silently dropped.
      `CREATE TABLE IF NOT EXISTS ${db}.rejected_events (
        rejection_id UUID,
        received_at DateTime64(3, 'Asia/Shanghai'),
        source LowCardinality(String),
        batch_index UInt32,
        event_id String,
        raw String,
        errors Array(String)
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(received_at)
      ORDER BY (received_at, rejection_id)`,
    ],
  },
  {
    version: 2,
    name: 'service-item catalogue',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.items (
        item_code String,
        doc String COMMENT 'the item as JSON (SPEC.md catalogue item)',
        updated_at DateTime64(3, 'Asia/Shanghai'),
        updated_by String
      ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY item_code`,
    ],
  },
  {
    version: 3,
    name: 'insert deduplication window on the event tables',
    // A flushed block carries an insert_deduplication_token (event-store.ts), so a retried insert whose
    // answer was lost is not stored twice. Plain MergeTree deduplicates nothing without a window, and each
    // materialized view's target needs its own (else the view doubles the block the source table dropped).
    statements: (db) => ['events', 'case_events', 'event_ids'].map((t) => `ALTER TABLE ${db}.${t} MODIFY SETTING non_replicated_deduplication_window = 1000`),
  },
  {
    version: 4,
    name: 'system flags kept with the data (simulated)',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.system_flags (
        name String,
        value String,
        set_at DateTime64(3, 'Asia/Shanghai'),
        set_by String
      ) ENGINE = ReplacingMergeTree(set_at) ORDER BY name`,
    ],
  },
  {
    version: 5,
    name: 'event arrivals: the log position of every stored event (issue 16)',
    // When each event reached ClickHouse (the engine's clock, whatever wrote it: ingest, a backfill), ordered
    // by that instant: "every key or case stored since T" is a primary-key range whose cost is the tail, not
    // the history. Start-up reads only this tail (the dedup snapshot's, the derivation watermark's); a week
    // is kept (whole days dropped), an older snapshot or watermark falls back to a full pass.
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.event_arrivals (
        inserted_at DateTime64(3, 'Asia/Shanghai'),
        event_key UInt64,
        case_id String
      ) ENGINE = MergeTree
      PARTITION BY toYYYYMMDD(inserted_at)
      ORDER BY inserted_at
      TTL toDateTime(inserted_at) + INTERVAL ${ARRIVALS_KEPT_DAYS} DAY
      SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.event_arrivals_mv TO ${db}.event_arrivals AS
        SELECT now64(3, 'Asia/Shanghai') AS inserted_at, event_key, case_id FROM ${db}.events`,
    ],
  },
];

/** Days of `event_arrivals` kept: a dedup snapshot or derivation watermark older than this is not used. */
export const ARRIVALS_KEPT_DAYS = 7;

export async function migrate(ch: Clickhouse, db: string, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  await ch.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await ch.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_at DateTime64(3))
            ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const rs = await ch.query({ query: `SELECT DISTINCT version FROM ${db}.schema_migrations`, format: 'JSONEachRow' });
  const applied = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  const ran: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    for (const statement of m.statements(db)) await ch.command({ query: statement });
    await ch.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: m.version, name: m.name, applied_at: Date.now() }],
      format: 'JSONEachRow',
    });
    ran.push(m.version);
  }
  return ran;
}
