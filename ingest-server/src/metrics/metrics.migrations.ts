import { BY_CASE, DIMENSION, table, view, type TableSpec } from '../clickhouse/ddl.ts';
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
 *
 * In a cluster the rollups, their staging tables and the build record are dimension tables (a full copy on
 * every server): they are small (days × districts × items), and TRUNCATE, REPLACE PARTITION and DROP
 * PARTITION on a replicated table replicate to every copy. `metric_state_changes` stays beside its case.
 */
const DAILY: TableSpec = {
  table: 'metric_daily',
  columns: `
        day Date,
        district_code LowCardinality(String),
        item_code LowCardinality(String),${FACT_COLUMNS_DDL}`,
  engine: 'MergeTree',
  partitionBy: 'toYYYYMM(day)',
  orderBy: '(day, district_code, item_code)',
  distribution: DIMENSION,
};
const STAGE_DAILY: TableSpec = { table: 'metric_stage_daily', columns: STAGE_COLUMNS_DDL, engine: 'MergeTree', partitionBy: 'toYYYYMM(day)', orderBy: '(day, district_code, item_code, stage)', distribution: DIMENSION };
const BAD_RATINGS: TableSpec = {
  table: 'metric_bad_ratings',
  columns: `
        day Date COMMENT 'rated on (Asia/Shanghai)',
        district_code LowCardinality(String),
        item_code LowCardinality(String),
        case_id String,
        rated_at DateTime64(3, 'Asia/Shanghai'),
        rating UInt8`,
  engine: 'MergeTree',
  partitionBy: 'toYYYYMM(day)',
  orderBy: '(day, case_id)',
  distribution: DIMENSION,
};
/** The same table under another name (a staging copy, the monthly twin). */
const like = (spec: TableSpec, name: string): TableSpec => ({ ...spec, table: name });

export const METRICS_MIGRATIONS: Migration[] = [
  {
    version: 200,
    name: 'metric rollups, metric configuration',
    steps: [
      table(DAILY),
      table(like(DAILY, 'metric_daily_staging')),
      table(STAGE_DAILY),
      table(like(STAGE_DAILY, 'metric_stage_daily_staging')),
      // The same facts per month (from metric_daily, rebuilt with each month): a quarter reads 3 rows per
      // district × item instead of 92.
      table(like(DAILY, 'metric_monthly')),
      table(like(DAILY, 'metric_monthly_staging')),
      table(like(STAGE_DAILY, 'metric_stage_monthly')),
      table(like(STAGE_DAILY, 'metric_stage_monthly_staging')),
      // Every bad rating (不满意, 非常不满意) with its case's item: the rectification measure reads these
      // instead of scanning the log for ratings.
      table(BAD_RATINGS),
      table(like(BAD_RATINGS, 'metric_bad_ratings_staging')),
      // Which completion days had their case state (re)derived, as it is written: the rollup builder reads
      // this short log instead of scanning case_state for new versions. A view of inserted blocks is exactly
      // right here: every derivation is an insert.
      table({
        table: 'metric_state_changes',
        columns: `
        version DateTime64(3, 'Asia/Shanghai'),
        day Date,
        case_id String`,
        engine: 'MergeTree',
        orderBy: 'version',
        ttl: 'toDateTime(version) + INTERVAL 2 DAY',
        distribution: BY_CASE,
      }),
      view(
        'metric_state_changes_mv',
        'metric_state_changes',
        (t) => `SELECT version, toDate(assumeNotNull(completed_at)) AS day, case_id FROM ${t('case_state')} WHERE completed_at IS NOT NULL`,
      ),
      table({
        table: 'metric_rollup_days',
        columns: `
        day Date,
        built_at DateTime64(3, 'Asia/Shanghai') COMMENT 'when the build started',
        build_cutoff DateTime64(3, 'Asia/Shanghai') COMMENT 'events received up to here were read',
        events UInt64,
        max_received DateTime64(3, 'Asia/Shanghai') COMMENT 'latest received_at among the events read (0 when none)'`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['built_at'],
        orderBy: 'day',
        distribution: DIMENSION,
      }),
      table({
        table: 'metric_config',
        columns: `
        doc String COMMENT 'MetricConfig as JSON',
        updated_at DateTime64(3, 'Asia/Shanghai'),
        updated_by String`,
        engine: 'MergeTree',
        orderBy: 'updated_at',
        distribution: DIMENSION,
      }),
    ],
  },
  {
    version: 220,
    name: 'metric check watermark: the safety-net check reads only what changed since (issue 16)',
    // Engine time before which every stored event and derived case state was checked against the rollup
    // builds (the latest wins). A start or timer check reads only event_arrivals / metric_state_changes since.
    steps: [
      table({
        table: 'metric_check_watermark',
        columns: `
        name LowCardinality(String),
        watermark DateTime64(3, 'Asia/Shanghai'),
        set_at DateTime64(3, 'Asia/Shanghai')`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['watermark'],
        orderBy: 'name',
        distribution: DIMENSION,
      }),
    ],
  },
];
