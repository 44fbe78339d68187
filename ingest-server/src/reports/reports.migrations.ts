import type { Migration } from '../clickhouse/migrations.ts';

/**
 * Reports tables (versions 250–299). The `reports` table was created by metrics migration 200 before
 * reports became a feature of their own; IF NOT EXISTS makes this a no-op on those data directories.
 */
export const REPORTS_MIGRATIONS: Migration[] = [
  {
    version: 250,
    name: 'stored reports',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.reports (
        report_id String,
        kind LowCardinality(String),
        period String,
        scope String,
        title String,
        generated_at DateTime64(3, 'Asia/Shanghai'),
        cutoff DateTime64(3, 'Asia/Shanghai'),
        definition_version LowCardinality(String),
        trigger LowCardinality(String),
        source LowCardinality(String),
        dir String COMMENT 'directory under DATA_DIR/reports holding report.json and the rendered files'
      ) ENGINE = ReplacingMergeTree(generated_at) ORDER BY (kind, period, scope, report_id)`,
    ],
  },
  {
    version: 260,
    name: 'report period changes',
    statements: (db) => [
      // When an ended report period's data last changed (a late event, a backfill): a stored report cut off
      // before that is not final (reports/report-period-changes.ts).
      `CREATE TABLE IF NOT EXISTS ${db}.report_period_changes (
        kind LowCardinality(String),
        period String,
        changed_at DateTime64(3, 'Asia/Shanghai')
      ) ENGINE = ReplacingMergeTree(changed_at) ORDER BY (kind, period)`,
    ],
  },
];
