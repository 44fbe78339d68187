import { DIMENSION, table } from '../clickhouse/ddl.ts';
import type { Migration } from '../clickhouse/migrations.ts';

/** People, their sessions and the audit log (versions 400–449). Small: a full copy on every server of a cluster. */
export const AUTH_MIGRATIONS: Migration[] = [
  {
    version: 400,
    name: 'users, sessions, audit log',
    steps: [
      // A handful of rows: the latest version of each person is read at start and kept in memory.
      table({
        table: 'users',
        columns: `
        username String,
        name String,
        role LowCardinality(String),
        district_code Nullable(String),
        password_hash String,
        disabled UInt8,
        version DateTime64(3, 'Asia/Shanghai')`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['version'],
        orderBy: 'username',
        distribution: DIMENSION,
      }),
      // Server-side sessions by the SHA-256 of their id (the cookie holds the id, signed); rows past the idle
      // limit are dropped by TTL, so start-up reads only live sessions.
      table({
        table: 'sessions',
        columns: `
        id_hash String,
        username String,
        created_at DateTime64(3, 'Asia/Shanghai'),
        last_seen_at DateTime64(3, 'Asia/Shanghai'),
        revoked UInt8`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['last_seen_at'],
        orderBy: 'id_hash',
        ttl: 'toDateTime(last_seen_at) + INTERVAL 30 DAY',
        distribution: DIMENSION,
      }),
      // Append-only: never updated, never deleted by the application.
      table({
        table: 'audit_log',
        columns: `
        at DateTime64(3, 'Asia/Shanghai'),
        actor String,
        role LowCardinality(String),
        action LowCardinality(String),
        target String,
        outcome LowCardinality(String),
        ip String`,
        engine: 'MergeTree',
        partitionBy: 'toYYYYMM(at)',
        orderBy: '(at, actor)',
        distribution: DIMENSION,
      }),
    ],
  },
];
