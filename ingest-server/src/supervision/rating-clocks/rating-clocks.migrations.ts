import { BY_CASE, table } from '../../clickhouse/ddl.ts';
import type { Migration } from '../../clickhouse/migrations.ts';

/**
 * Bad-rating clocks (versions 110–119; supervision's range). One row per version of a clock (the latest
 * `version` wins). Month partitions by rating time: a clock is settled within RECTIFICATION_LOOKBACK_DAYS
 * of its rating, so the start-up load of the active ones reads the last few partitions, never all history.
 * Follow-ups themselves stay in `rating_followups` (migration 100), which the metrics read.
 */
export const RATING_CLOCK_MIGRATIONS: Migration[] = [
  {
    version: 110,
    name: 'bad-rating clocks',
    steps: [
      table({
        table: 'rating_clocks',
        columns: `
        case_id String,
        event_id String COMMENT 'the rated event that opened the clock',
        version DateTime64(3, 'Asia/Shanghai'),
        district_code LowCardinality(String),
        rating UInt8,
        rated_at DateTime64(3, 'Asia/Shanghai'),
        return_visit_due Date,
        rectification_due Date,
        return_visit_yellow_from Date,
        rectification_yellow_from Date,
        provisional UInt8,
        return_visit_at Nullable(DateTime64(3, 'Asia/Shanghai')),
        rectified_at Nullable(DateTime64(3, 'Asia/Shanghai')),
        return_visit_warned LowCardinality(String) COMMENT 'none | yellow | red: announced with rating:warning',
        rectification_warned LowCardinality(String),
        active UInt8 COMMENT '1 while a follow-up is missing and its red has not been announced'`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['version'],
        partitionBy: 'toYYYYMM(rated_at)',
        orderBy: '(case_id, event_id)',
        distribution: BY_CASE,
      }),
    ],
  },
];
