import type { Migration } from '../clickhouse/migrations.ts';

/** Counter columns of the daily rollup, in FACT_KEYS order (see fact-columns.ts). */
const FACT_COLUMNS_DDL = `
        submitted UInt32, submitted_window UInt32, submitted_pc UInt32, submitted_mobile UInt32, submitted_kiosk UInt32,
        accepted UInt32, rejected UInt32, withdrawn UInt32, supplements UInt32, suspended UInt32,
        completed UInt32, delivered UInt32, complained UInt32,
        visits_known UInt32, visits0 UInt32, visits1 UInt32,
        rated UInt32, rated_good UInt32, rated_neutral UInt32, rated_bad UInt32, rating_sum UInt64,
        on_time_known UInt32, on_time UInt32, statutory_known UInt32, statutory_on_time UInt32,
        days_known UInt32, used_days UInt64, promised_days UInt64, statutory_days UInt64,
        handling_known UInt32, handling_minutes UInt64,
        too_fast UInt32, data_quality UInt32,
        events UInt32 COMMENT 'events of the row (for the build record)',
        max_received DateTime64(3, 'Asia/Shanghai') COMMENT 'latest received_at among them'`;

const STAGE_COLUMNS_DDL = `
        day Date,
        district_code LowCardinality(String),
        item_code LowCardinality(String),
        stage LowCardinality(String) COMMENT 'type of the event the case sat at (as /api/v1/bottlenecks)',
        waits UInt32,
        wait_minutes UInt64,
        max_wait_minutes UInt32`;

/**
 * Metrics tables (versions 200–249).
 *
 * The daily rollup is not a materialized view: a day's facts need each event's case (its submitted item,
 * its state at completion), which arrive in other blocks and later. The rollup builder recomputes whole
 * days from the raw log with the same SQL as the reference and swaps a month partition atomically
 * (REPLACE PARTITION from a staging table), so backfills, late events and case-state updates are handled by
 * rebuilding the days they touch. `metric_rollup_days` records every build.
 */
export const METRICS_MIGRATIONS: Migration[] = [
  {
    version: 200,
    name: 'metric rollups, metric configuration',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.metric_daily (
        day Date,
        district_code LowCardinality(String),
        item_code LowCardinality(String),${FACT_COLUMNS_DDL}
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY (day, district_code, item_code)`,
      `CREATE TABLE IF NOT EXISTS ${db}.metric_daily_staging AS ${db}.metric_daily`,
      `CREATE TABLE IF NOT EXISTS ${db}.metric_stage_daily (${STAGE_COLUMNS_DDL}
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY (day, district_code, item_code, stage)`,
      `CREATE TABLE IF NOT EXISTS ${db}.metric_stage_daily_staging AS ${db}.metric_stage_daily`,
      // The same facts per month (from metric_daily, rebuilt with each month): a quarter reads 3 rows per
      // district × item instead of 92.
      `CREATE TABLE IF NOT EXISTS ${db}.metric_monthly AS ${db}.metric_daily`,
      `CREATE TABLE IF NOT EXISTS ${db}.metric_monthly_staging AS ${db}.metric_monthly`,
      `CREATE TABLE IF NOT EXISTS ${db}.metric_stage_monthly AS ${db}.metric_stage_daily`,
      `CREATE TABLE IF NOT EXISTS ${db}.metric_stage_monthly_staging AS ${db}.metric_stage_monthly`,
      // Every bad rating (不满意, 非常不满意) with its case's item: the rectification measure reads these
      // instead of scanning the log for ratings.
      `CREATE TABLE IF NOT EXISTS ${db}.metric_bad_ratings (
        day Date COMMENT 'rated on (Asia/Shanghai)',
        district_code LowCardinality(String),
        item_code LowCardinality(String),
        case_id String,
        rated_at DateTime64(3, 'Asia/Shanghai'),
        rating UInt8
      ) ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY (day, case_id)`,
      `CREATE TABLE IF NOT EXISTS ${db}.metric_bad_ratings_staging AS ${db}.metric_bad_ratings`,
      // Which completion days had their case state (re)derived, as it is written: the rollup builder reads
      // this short log instead of scanning case_state for new versions. A view of inserted blocks is exactly
      // right here: every derivation is an insert.
      `CREATE TABLE IF NOT EXISTS ${db}.metric_state_changes (
        version DateTime64(3, 'Asia/Shanghai'),
        day Date,
        case_id String
      ) ENGINE = MergeTree ORDER BY version TTL toDateTime(version) + INTERVAL 2 DAY`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.metric_state_changes_mv TO ${db}.metric_state_changes AS
        SELECT version, toDate(assumeNotNull(completed_at)) AS day, case_id FROM ${db}.case_state WHERE completed_at IS NOT NULL`,
      `CREATE TABLE IF NOT EXISTS ${db}.metric_rollup_days (
        day Date,
        built_at DateTime64(3, 'Asia/Shanghai') COMMENT 'when the build started',
        build_cutoff DateTime64(3, 'Asia/Shanghai') COMMENT 'events received up to here were read',
        events UInt64,
        max_received DateTime64(3, 'Asia/Shanghai') COMMENT 'latest received_at among the events read (0 when none)'
      ) ENGINE = ReplacingMergeTree(built_at) ORDER BY day`,
      `CREATE TABLE IF NOT EXISTS ${db}.metric_config (
        doc String COMMENT 'MetricConfig as JSON',
        updated_at DateTime64(3, 'Asia/Shanghai'),
        updated_by String
      ) ENGINE = MergeTree ORDER BY updated_at`,
    ],
  },
];
