import { addColumn, BY_CASE, DIMENSION, table } from '../clickhouse/ddl.ts';
import type { Migration } from '../clickhouse/migrations.ts';

/**
 * Supervision tables (versions 100–199).
 *
 * case_state: the derived state of every case, one row per derivation (latest `version` wins; read with
 * FINAL or argMax). Written by the case projector; read by the case list, the scanner's rebuild after a
 * restart, and the metrics (on-time rate, handling time, flags). In a cluster every table here is sharded
 * by case, beside the case's events.
 */
export const SUPERVISION_MIGRATIONS: Migration[] = [
  {
    version: 100,
    name: 'case state, supervision orders',
    steps: [
      table({
        table: 'case_state',
        columns: `
        case_id String,
        version DateTime64(3, 'Asia/Shanghai') COMMENT 'when this state was derived',
        item_code LowCardinality(String),
        item_name String,
        department_code LowCardinality(String),
        district_code LowCardinality(String),
        township_code LowCardinality(String),
        village_code String,
        channel LowCardinality(String),
        cross_district UInt8 COMMENT 'submitted in another district than the handling one, or a 全渝通办 item',
        status LowCardinality(String) COMMENT 'submitted | in_progress | paused | completed | rejected | withdrawn',
        stage LowCardinality(String) COMMENT 'type of the latest lifecycle event',
        level LowCardinality(String),
        holder String COMMENT 'actorId of the latest lifecycle step',
        submitted_at Nullable(DateTime64(3, 'Asia/Shanghai')),
        accepted_at Nullable(DateTime64(3, 'Asia/Shanghai')),
        completed_at Nullable(DateTime64(3, 'Asia/Shanghai')),
        promised_limit_days Int32,
        statutory_limit_days Int32,
        promised_deadline Nullable(Date),
        statutory_deadline Nullable(Date),
        provisional UInt8 COMMENT 'a deadline falls in a year the holiday data does not cover',
        yellow_from Nullable(Date) COMMENT 'first date of the yellow warning on the promised clock',
        paused UInt8,
        pauses String COMMENT 'JSON [{from, to?}] of paused intervals (补正, 特别程序)',
        working_days_used Int32,
        paused_working_days Int32,
        warning LowCardinality(String) COMMENT 'none | yellow | red on the promised clock; for a completed case red = completed late',
        days_overdue Int32,
        completed_on_time Nullable(UInt8) COMMENT 'completed by the promised deadline',
        statutory_on_time Nullable(UInt8),
        handling_minutes Nullable(Int64) COMMENT 'acceptance to completion, calendar minutes',
        visits Nullable(UInt16),
        rating Nullable(UInt8),
        rated_at Nullable(DateTime64(3, 'Asia/Shanghai')),
        supplements UInt16,
        event_count UInt32,
        flags Array(LowCardinality(String)) COMMENT 'too_fast, completion_before_acceptance, events_after_completion, unknown_item, unknown_district, never_completed'`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['version'],
        orderBy: 'case_id',
        distribution: BY_CASE,
      }),
      table({
        table: 'supervision_orders',
        columns: `
        order_id UUID,
        case_id String,
        version DateTime64(3, 'Asia/Shanghai'),
        issued_at DateTime64(3, 'Asia/Shanghai'),
        issuer String,
        reason String,
        due_on Date,
        status LowCardinality(String) COMMENT 'open | resolved',
        resolved_at Nullable(DateTime64(3, 'Asia/Shanghai')),
        resolution String`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['version'],
        orderBy: '(case_id, order_id)',
        distribution: BY_CASE,
      }),
      // Follow-ups of a bad rating (不满意, 非常不满意): return visit within 1 working day, rectification within 15.
      table({
        table: 'rating_followups',
        columns: `
        case_id String,
        kind LowCardinality(String) COMMENT 'return_visit | rectified',
        at DateTime64(3, 'Asia/Shanghai'),
        by String,
        note String`,
        engine: 'MergeTree',
        orderBy: '(case_id, at)',
        distribution: BY_CASE,
      }),
    ],
  },
  {
    version: 101,
    name: 'extension days on events, stage deadline on case state',
    // 延期 (`extended`) carries `extensionDays`; the event log and its per-case copy gain the column
    // (`case_events_mv` selects *, so it fills the copy by name).
    steps: [
      addColumn('events', 'extension_days Nullable(UInt16)', { after: 'note' }),
      addColumn('case_events', 'extension_days Nullable(UInt16)', { after: 'note' }),
      // The current stage's own deadline (环节时限), so the index rebuilt after a restart knows it.
      addColumn('case_state', 'stage_due Nullable(Date)', { after: 'yellow_from' }),
    ],
  },
  {
    version: 102,
    name: 'deadline history',
    // Every recomputation of an open case's deadline by a repair (a new calendar, an item's new limits):
    // which clock, from which date to which, and why. Read per case (GET /api/v1/cases/:caseId).
    steps: [
      table({
        table: 'deadline_changes',
        columns: `
        case_id String,
        at DateTime64(3, 'Asia/Shanghai'),
        clock LowCardinality(String) COMMENT 'promised | statutory',
        old_deadline Nullable(Date),
        new_deadline Nullable(Date),
        cause String COMMENT 'calendar:<source> | item:<itemCode>'`,
        engine: 'MergeTree',
        orderBy: '(case_id, at)',
        distribution: BY_CASE,
      }),
    ],
  },
  {
    version: 120,
    name: 'stage start on case state, supervision marks',
    steps: [
      // When the current stage began: the lateness model (at_risk) reads it for the open cases after a restart.
      addColumn('case_state', `stage_since Nullable(DateTime64(3, 'Asia/Shanghai'))`, { after: 'stage_due' }),
      // One-off passes the engine has done on a data dir (e.g. the catch-up of bad-rating clocks), by name.
      table({
        table: 'supervision_marks',
        columns: `
        name String,
        value UInt64,
        set_at DateTime64(3, 'Asia/Shanghai')`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['set_at'],
        orderBy: 'name',
        distribution: DIMENSION,
      }),
    ],
  },
  {
    version: 140,
    name: 'derivation watermark (issue 16)',
    steps: [
      // Engine time before which every stored event has been derived into case_state (one row per advance;
      // the latest wins). A restart derives only the cases with an event stored since (event_arrivals).
      table({
        table: 'derivation_watermark',
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
  {
    version: 141,
    name: 'item typical minutes as last computed (issue 16)',
    steps: [
      table({
        table: 'item_typical_minutes',
        columns: `
        computed_at DateTime64(3, 'Asia/Shanghai'),
        doc String COMMENT 'JSON {itemCode: median handling minutes}'`,
        engine: 'ReplacingMergeTree',
        engineArgs: ['computed_at'],
        orderBy: 'tuple()',
        distribution: DIMENSION,
      }),
    ],
  },
  {
    version: 150,
    name: 'fencing token on case state',
    // Several nodes: the engine lease's fencing token of the node that derived the row (0 on a single node),
    // so a row written by a holder that had already lost its lease can be told from its successor's.
    steps: [addColumn('case_state', 'fence UInt64 DEFAULT 0', { after: 'flags' })],
  },
];
