import { DIMENSION, table } from '../clickhouse/ddl.ts';
import type { Migration } from '../clickhouse/migrations.ts';

/**
 * Reports tables (versions 250–299). The `reports` table was created by metrics migration 200 before
 * reports became a feature of their own; IF NOT EXISTS makes this a no-op on those data directories.
 */
export const REPORTS_MIGRATIONS: Migration[] = [
  {
    version: 250,
    name: 'stored reports',
    steps: [
      table({
        table: 'reports',
        columns: `
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
        dir String COMMENT 'directory under DATA_DIR/reports holding report.json and the rendered files'`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['generated_at'],
        orderBy: '(kind, period, scope, report_id)',
        distribution: DIMENSION,
      }),
    ],
  },
  {
    version: 260,
    name: 'report period changes',
    steps: [
      // When an ended report period's data last changed (a late event, a backfill): a stored report cut off
      // before that is not final (reports/report-period-changes.ts).
      table({
        table: 'report_period_changes',
        columns: `
        kind LowCardinality(String),
        period String,
        changed_at DateTime64(3, 'Asia/Shanghai')`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['changed_at'],
        orderBy: '(kind, period)',
        distribution: DIMENSION,
      }),
    ],
  },
];
