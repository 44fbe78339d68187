import type { Migration } from '../clickhouse/migrations.ts';

/** People, their sessions and the audit log (versions 400–449). */
export const AUTH_MIGRATIONS: Migration[] = [
  {
    version: 400,
    name: 'users, sessions, audit log',
    statements: (db) => [
      // A handful of rows: the latest version of each person is read at start and kept in memory.
      `CREATE TABLE IF NOT EXISTS ${db}.users (
        username String,
        name String,
        role LowCardinality(String),
        district_code Nullable(String),
        password_hash String,
        disabled UInt8,
        version DateTime64(3, 'Asia/Shanghai')
      ) ENGINE = ReplacingMergeTree(version) ORDER BY username`,
      // Server-side sessions by the SHA-256 of their id (the cookie holds the id, signed); rows past the idle
      // limit are dropped by TTL, so start-up reads only live sessions.
      `CREATE TABLE IF NOT EXISTS ${db}.sessions (
        id_hash String,
        username String,
        created_at DateTime64(3, 'Asia/Shanghai'),
        last_seen_at DateTime64(3, 'Asia/Shanghai'),
        revoked UInt8
      ) ENGINE = ReplacingMergeTree(last_seen_at) ORDER BY id_hash TTL toDateTime(last_seen_at) + INTERVAL 30 DAY`,
      // Append-only: never updated, never deleted by the application.
      `CREATE TABLE IF NOT EXISTS ${db}.audit_log (
        at DateTime64(3, 'Asia/Shanghai'),
        actor String,
        role LowCardinality(String),
        action LowCardinality(String),
        target String,
        outcome LowCardinality(String),
        ip String
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(at) ORDER BY (at, actor)`,
    ],
  },
];
