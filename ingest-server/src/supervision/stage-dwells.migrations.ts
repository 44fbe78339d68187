import { addColumn, BY_CASE, materializeColumn, table } from '../clickhouse/ddl.ts';
import type { Migration } from '../clickhouse/migrations.ts';
import { PRIOR_COLUMNS, RECENT_TABLE, STAGE_DEPARTMENT_SQL } from './stage-visit-columns.ts';

/**
 * Stage dwells (version 175, in the supervision range): one row per stage visit of a case — a lifecycle
 * event and the next event of the same case — as GET /api/v1/bottlenecks counts them, filled by the dwell
 * builder (stage-dwells.ts) from `case_events`. A late event between two stored ones gives the earlier one a
 * new end: the row of a start event is replaced (ReplacingMergeTree by its start event, the latest build
 * wins), so a stored visit is never counted twice once read FINAL. Beside its case in a cluster.
 */
export const STAGE_DWELL_MIGRATIONS: Migration[] = [
  {
    version: 175,
    name: 'stage dwells (rollup of GET /api/v1/bottlenecks)',
    steps: [
      table({
        table: 'stage_dwells',
        columns: `
        start_day Date COMMENT 'day of the event the case sat at (Asia/Shanghai)',
        end_day Date COMMENT 'day of the next event of the case',
        stage LowCardinality(String) COMMENT 'type of the event the case sat at',
        case_id String,
        start_event_id String,
        district_code LowCardinality(String) COMMENT 'of the start event',
        department_code LowCardinality(String) COMMENT 'of the start event',
        item_code LowCardinality(String) COMMENT 'the case''s item (its first event naming one)',
        dwell Int64 COMMENT 'minutes: dateDiff(minute, start, end)',
        built_at UInt64 COMMENT 'engine clock (ms) of the build that wrote the row'`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['built_at'],
        partitionBy: 'toYYYYMM(start_day)',
        orderBy: '(start_day, stage, case_id, start_event_id)',
        distribution: BY_CASE,
      }),
    ],
  },
  {
    version: 176,
    name: "stage dwells: the start day of the case's previous visit per group (exact distinct cases by countIf)",
    // Filled by the next full build: the mark is named anew (STAGE_DWELLS_MARK), so rows of the old shape are never read.
    steps: PRIOR_COLUMNS.map((c, i) => {
      const same = c === 'prior_case_day' ? '' : ` of the same ${c.slice('prior_'.length, -'_day'.length).replaceAll('_', ', ')}`;
      return addColumn('stage_dwells', `${c} Date COMMENT 'start day of the case''s previous visit${same} (1970-01-01: none)'`, { after: i ? PRIOR_COLUMNS[i - 1]! : 'dwell' });
    }),
  },
  {
    version: 177,
    name: 'stage dwells: stage and department as one grouping key (the default 堵点 grouping)',
    // Computed by its DEFAULT on insert (the builders name the other columns), on read in parts stored
    // before, until the mutation has written it there.
    steps: [
      addColumn('stage_dwells', `stage_department LowCardinality(String) DEFAULT ${STAGE_DEPARTMENT_SQL} COMMENT 'stage, a tab, department_code: GROUP BY one key'`, { after: 'item_code' }),
      materializeColumn('stage_dwells', 'stage_department'),
    ],
  },
  {
    version: 178,
    name: "stage dwells: a hash of the case (readers exclude the recent table's cases by it); the recent visits apart",
    // The projector's and the refreshes' writes go to the small recent table (embedded, one node), folded into
    // stage_dwells in bulk: a part written every second beside the month's merged one made a FINAL read ×4.
    steps: [
      addColumn('stage_dwells', `case_key UInt64 DEFAULT cityHash64(case_id) COMMENT 'cityHash64(case_id): excluded by it, not by the string'`, { after: 'case_id' }),
      materializeColumn('stage_dwells', 'case_key'),
      table({
        table: RECENT_TABLE,
        columns: `
        start_day Date,
        end_day Date,
        stage LowCardinality(String),
        case_id String,
        case_key UInt64 DEFAULT cityHash64(case_id),
        start_event_id String,
        district_code LowCardinality(String),
        department_code LowCardinality(String),
        item_code LowCardinality(String),
        stage_department LowCardinality(String) DEFAULT ${STAGE_DEPARTMENT_SQL},
        dwell Int64,
        ${PRIOR_COLUMNS.map((c) => `${c} Date`).join(',\n        ')},
        built_at UInt64`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['built_at'],
        orderBy: '(case_key, case_id, start_event_id)',
        distribution: BY_CASE,
      }),
    ],
  },
];
