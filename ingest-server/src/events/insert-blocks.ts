import type { EventRow } from './event-row.ts';

/**
 * Most events in one insert block. A constant, not FLUSH_MAX_ROWS: a block must be cut the same way by
 * every attempt to write it, including a replay by a later process started with other settings.
 */
export const BLOCK_MAX_ROWS = 50_000;

/**
 * The insert blocks that carry these log records' events into ClickHouse: each log segment's events in
 * log order, cut every BLOCK_MAX_ROWS, segments in order. A pure function of what the log holds.
 *
 * Why it matters: an insert into `events` is not atomic across its materialized views. ClickHouse commits
 * the `events` part, then `event_ids`, then `case_events`, each on its own; a crash or a lost connection
 * can leave any of them written and the rest not. Each block goes with an `insert_deduplication_token`
 * derived from its event ids (EventStore.insertEvents), and each table keeps a deduplication window
 * (migration 3), so sending THE SAME block again is safe whatever reached ClickHouse: a table that has it
 * drops the copy, a view that missed it gets it. A block composed differently (rows filtered out because
 * `event_ids` showed them stored, or merged with newer rows) has another token and is stored again in every
 * table that had the first one. So every attempt, the retry after a failed flush and the replay after a
 * restart alike, resends exactly these blocks and never filters their rows.
 */
export function insertBlocks<R>(entries: ReadonlyArray<{ segment: number; record: R }>, eventOf: (record: R) => EventRow | undefined): EventRow[][] {
  const bySegment = new Map<number, EventRow[]>();
  for (const { segment, record } of entries) {
    const row = eventOf(record);
    if (!row) continue;
    let rows = bySegment.get(segment);
    if (!rows) bySegment.set(segment, (rows = []));
    rows.push(row);
  }
  const blocks: EventRow[][] = [];
  for (const segment of [...bySegment.keys()].sort((a, b) => a - b)) {
    const rows = bySegment.get(segment)!;
    for (let i = 0; i < rows.length; i += BLOCK_MAX_ROWS) blocks.push(rows.slice(i, i + BLOCK_MAX_ROWS));
  }
  return blocks;
}
