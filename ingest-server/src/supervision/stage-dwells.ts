import type { Logger } from 'pino';
import { shanghaiDateTime } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { ARRIVALS_KEPT_DAYS } from '../clickhouse/migrations.ts';
import { eventTables } from '../events/event.store.ts';
import type { Arrival, ProjectedVisits } from './projected-visits.ts';
import { NOT_WAITING, priorDayColumn, RECENT_TABLE, REPEAT_DIMENSIONS, REPEAT_SUBSETS, VISIT_COLUMNS, type RepeatDimension } from './stage-visit-columns.ts';

/**
 * The stage-dwell rollup (`stage_dwells`, stage-dwells.migrations.ts): one row per stage visit, so
 * GET /api/v1/bottlenecks reads the visits of its date range (a primary-key range by start day) instead of a
 * window over every event of `case_events`, which is ordered by case and not partitioned.
 *
 * A visit is a lifecycle event and the next event of the same case (by occurred_at, event_id); its stage is
 * the first event's type, its dwell `dateDiff('minute', first, next)`. Both events lie in [from, to] exactly
 * when the old query (the window over the range's events) pairs them: anything between them in the case's
 * order lies between them in time. So the range's visits are the rows with start_day ≥ from and end_day ≤ to.
 *
 * Filled by whole cases, computed from `case_events` by the same window as the old query:
 * - the first time (no mark in `supervision_marks`, a new data dir, a backfill): every case, in hash buckets
 *   of about BUCKET_EVENTS events each (bounded memory; idempotent, a pass interrupted half-way runs again);
 * - then every REFRESH: the cases with an event stored since the mark (`event_arrivals`, a primary-key range
 *   on the arrival time), all their visits again. The latest build of a
 *   start event wins (ReplacingMergeTree), so a late event that splits a visit replaces it.
 * Readers take the cases stored since the mark from the raw log (bottlenecks.query.ts), so an answer never
 * waits for a build.
 */

/**
 * The mark: engine-clock ms before which every stored event's case is in `stage_dwells`. A build sets it to
 * its start, less a margin for the inserts in flight then, which ClickHouse stamped earlier but a build may
 * not see (`settledBefore`). Named anew when the rows gain a column that must be computed (v2: the prior-day
 * columns, migration 176): a data dir with rows of the old shape then has no mark, so it is built again once
 * and read from the raw log until then.
 */
export const STAGE_DWELLS_MARK = 'stage_dwells_settled_v3';
/** The recent table is folded into `stage_dwells` once it holds more rows than this… */
const FOLD_ABOVE_ROWS = 200_000;
/** …or once the projector has written nothing for this long. */
const FOLD_WHEN_QUIET_MS = 10_000;
/**
 * The mark before v3, with the same rows: a build's start, the margin not taken off. Read, less MARGIN_MS,
 * until the first build after an upgrade sets v3.
 */
const LEGACY_MARK = 'stage_dwells_watermark_v2';
/**
 * The margin for inserts in flight that this process does not see: another node's, or any with a ClickHouse
 * server, whose clock stamps the arrivals.
 */
export const MARGIN_MS = 30_000;
/**
 * The margin when the inserts are this process's (an embedded engine, `insertsInFlight`), for the clock's
 * small steps. Readers re-read the cases stored since the mark, so a live tail of 30 s + one refresh interval
 * (10 s) becomes 1 s + the interval.
 */
export const OWN_INSERTS_MARGIN_MS = 1_000;
const SETTINGS = { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 } as const;

/** Events per bucket of a full build. */
const BUCKET_EVENTS = 4_000_000;
/** More arrivals than this since the mark: a full build instead (a backfill went in)… */
const FULL_ABOVE_ARRIVALS = 2_000_000;
/** …once the bulk write is over: fewer arrivals than this in the last BULK_QUIET_MS (live ingest peaks at 1–2k/s). */
const BULK_WRITE_ARRIVALS = 100_000;
const BULK_QUIET_MS = 10_000;
/** Up to this many arrivals since the mark, a refresh rebuilds their cases reading the log once (visitsSql's `few`). */
const FEW_CASES_ARRIVALS = 100_000;
/** With the projector's visits: more cases than this to derive again, a refresh from the raw log instead. */
const REDERIVE_AT_MOST = 2_000;
/** With the projector's visits and nothing stored: the mark is moved anyway this often (never older than the arrivals kept). */
const IDLE_MARK_MS = 60_000;
/** With the projector's visits: what it wrote this long before the mark is forgotten. */
const FORGET_AFTER_MS = 60_000;
const DAY = 86_400_000;


/**
 * A visit's prior days come from the frame of its case's previous FRAME_VISITS visits (one window, ordered by
 * case): exact for a case with at most FRAME_VISITS + 1 events (so at most that many visits). A case with more
 * takes them from one window per subset of dimensions (`lagInFrame`), exact at any length: a sort of every
 * visit per subset, three times as long for a whole build as the frame (issue 16), so only for such cases.
 */
const FRAME_VISITS = 64;
/** The fields of a previous visit a prior day compares (the frame's tuples), by RepeatDimension. */
const FRAME_FIELD: Record<RepeatDimension, string> = { stage: 'p.2 = stage', department: 'p.3 = department_code', district: 'p.4 = district_code' };

/** Every visit of the cases `where` selects, without prior days, with its start instant (`start_at`). */
function plainVisitsSql(db: string, where: string): string {
  return `
    SELECT toDate(occurred_at) AS start_day, toDate(next_at) AS end_day, type AS stage, case_id, event_id AS start_event_id,
           district_code, department_code, item AS item_code, dateDiff('minute', occurred_at, next_at) AS dwell, occurred_at AS start_at
    FROM (
      SELECT case_id, event_id, type, occurred_at, district_code, department_code,
             argMinIf(item_code, (occurred_at, event_id), item_code != '') OVER (PARTITION BY case_id) AS item,
             leadInFrame(occurred_at) OVER w AS next_at,
             leadInFrame(type) OVER w AS next_type
      FROM ${eventTables(db).caseEvents}
      WHERE ${where}
      WINDOW w AS (PARTITION BY case_id ORDER BY occurred_at, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
    )
    WHERE next_type != '' AND type NOT IN ${NOT_WAITING}`;
}

const VISIT_FIELDS = 'start_day, end_day, stage, case_id, start_event_id, district_code, department_code, item_code, dwell';
/** A visit's previous FRAME_VISITS visits of its case (`prev`), a window over the visits ordered by case. */
const FRAME = `groupArray((start_day, stage, department_code, district_code)) OVER (PARTITION BY case_id ORDER BY start_at, start_event_id ROWS BETWEEN ${FRAME_VISITS} PRECEDING AND 1 PRECEDING) AS prev`;
/** The prior day of `dims` from the frame (exact when the case has at most FRAME_VISITS + 1 visits). */
const framedPrior = (dims: readonly RepeatDimension[]) => `arrayLast(p -> ${dims.length ? dims.map((d) => FRAME_FIELD[d]).join(' AND ') : '1'}, prev).1`;
/** The prior day of `dims` from a window of its own (exact at any length; a sort of the visits). */
const windowedPrior = (dims: readonly RepeatDimension[]) =>
  `lagInFrame(start_day) OVER (PARTITION BY ${['case_id', ...dims.map((d) => REPEAT_DIMENSIONS[d])].join(', ')} ORDER BY start_at, start_event_id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)`;

/**
 * Every visit of the cases `where` selects from `case_events` (the case's whole log: the where must take
 * whole cases). Columns: VISIT_COLUMNS, or only the prior-day columns of `subsets` (a reader needs one).
 *
 * Two forms, the same rows:
 * - `many` cases (a whole build's bucket): the log read three times (the long cases, the rest, the long ones),
 *   so that only the few long cases pay for a window per subset;
 * - a `few` (a reader's raw tail, a refresh's cases): the log read once, both prior days computed for every
 *   visit and the frame's taken when its case has at most FRAME_VISITS + 1 visits. For the cases of 5,000
 *   events of a 3M-event log, 0.42 of the time of the other form: reading their events is most of either.
 */
export function visitsSql(db: string, where: string, subsets: readonly RepeatDimension[][] = REPEAT_SUBSETS, cases: 'many' | 'few' = 'many'): string {
  if (!subsets.length) return `SELECT ${VISIT_FIELDS} FROM (${plainVisitsSql(db, where)})`;
  if (cases === 'few') {
    const prior = subsets.map((dims) => `if(visits > ${FRAME_VISITS + 1}, ${windowedPrior(dims)}, ${framedPrior(dims)}) AS ${priorDayColumn(dims)}`);
    return `
    SELECT ${VISIT_FIELDS}, ${prior.join(', ')}
    FROM (SELECT *, ${FRAME}, count() OVER (PARTITION BY case_id) AS visits FROM (${plainVisitsSql(db, where)}))`;
  }
  const long = `SELECT case_id FROM ${eventTables(db).caseEvents} WHERE ${where} GROUP BY case_id HAVING count() > ${FRAME_VISITS + 1}`;
  return `
    SELECT ${VISIT_FIELDS}, ${subsets.map((dims) => `${framedPrior(dims)} AS ${priorDayColumn(dims)}`).join(', ')}
    FROM (SELECT *, ${FRAME} FROM (${plainVisitsSql(db, `(${where}) AND case_id NOT IN (${long})`)}))
    UNION ALL
    SELECT ${VISIT_FIELDS}, ${subsets.map((dims) => `${windowedPrior(dims)} AS ${priorDayColumn(dims)}`).join(', ')}
    FROM (${plainVisitsSql(db, `(${where}) AND case_id IN (${long})`)})`;
}

/** Cases with an event stored at or after `{since:Int64}` (engine-clock ms). */
export const casesStoredSinceSql = (db: string) =>
  `SELECT DISTINCT case_id FROM ${db}.event_arrivals WHERE inserted_at >= fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai')`;

/** Clients and databases whose rollup has been built once (a mark never goes away): no round trip to ask again. */
const built = new WeakMap<Clickhouse, Set<string>>();

/**
 * Whether the rollup has been built once (its mark is set); remembered per client and database once true.
 * Readers then take the mark inside their query (`markSql`).
 */
export async function stageDwellsBuilt(ch: Clickhouse, db: string): Promise<boolean> {
  if (built.get(ch)?.has(db)) return true;
  if ((await stageDwellsMark(ch, db)) === null) return false;
  built.set(ch, (built.get(ch) ?? new Set()).add(db));
  return true;
}

/** The mark's value (Int64, engine-clock ms) over `supervision_marks` FINAL rows of both names, and how many there are (`n`, 0: none). */
const MARK_COLUMNS = `if(countIf(name = '${STAGE_DWELLS_MARK}') > 0, toInt64(maxIf(value, name = '${STAGE_DWELLS_MARK}')), toInt64(maxIf(value, name = '${LEGACY_MARK}')) - ${MARGIN_MS}) AS v, count() AS n`;
const markRows = (db: string) => `FROM ${db}.supervision_marks FINAL WHERE name IN ('${STAGE_DWELLS_MARK}', '${LEGACY_MARK}')`;

/** The mark as a scalar subquery (engine-clock ms). */
export const markSql = (db: string) => `(SELECT v FROM (SELECT ${MARK_COLUMNS} ${markRows(db)}))`;

const tailArrivals = (db: string) => `FROM ${db}.event_arrivals WHERE inserted_at >= fromUnixTimestamp64Milli(${markSql(db)}, 'Asia/Shanghai')`;

/** Cases with an event stored since the mark: the readers' raw tail. */
export const tailCasesSql = (db: string) => `SELECT DISTINCT case_id ${tailArrivals(db)}`;

/**
 * Whether any event was stored since the mark (a primary-key range of `event_arrivals`): when none, a reader
 * skips the raw tail, whose exclusion and union cost a month's 堵点 ×1.4 even with no case in it.
 */
export async function rawTailStored(ch: Clickhouse, db: string): Promise<boolean> {
  const rs = await ch.query({ query: `SELECT count() > 0 AS any ${tailArrivals(db)}`, format: 'JSONEachRow', clickhouse_settings: SETTINGS });
  const [row] = await rs.json<{ any: number }>();
  return Number(row?.any) === 1;
}

/**
 * Which cases a reader takes from the raw log: none, every case stored since the mark (`'all'`, `tailCasesSql`),
 * or these (the ones the projector's rows do not hold yet, `projectedTail`).
 */
export type Tail = 'none' | 'all' | readonly string[];
/** A reader's tail, for one client and database. */
export type TailCheck = (ch: Clickhouse, db: string) => Promise<Tail>;

/** `rawTailStored` as a TailCheck: every case stored since the mark, or none. */
export const rawTail: TailCheck = async (ch, db) => ((await rawTailStored(ch, db)) ? 'all' : 'none');

/**
 * A tail check whose "none" is remembered while `generation` (EventStore.insertGeneration: embedded, every
 * insert into `events` is this process's) stays the same and no insert is in flight: the mark only moves
 * forward, and rows that held every stored event still hold them once replaced (every later build sees them
 * too), so with nothing stored since the answer "none" was read it still holds. A month's 堵点 read while
 * nothing arrives then skips a round trip (7 of 50 ms at 3M events). Without `generation` (a ClickHouse
 * server, other nodes' inserts), every call asks.
 */
export function tailCheck(generation?: () => number | undefined, check: TailCheck = rawTail): TailCheck {
  let none: number | undefined;
  return async (ch, db) => {
    const before = generation?.();
    if (before !== undefined && before === none) return 'none';
    const tail = await check(ch, db);
    none = tail === 'none' ? before : undefined;
    return tail;
  };
}

/** More events stored since the mark than this: a reader takes all their cases from the raw log without asking the projector. */
const VOUCHED_ARRIVALS_AT_MOST = 20_000;

/** The events stored in [sinceMs, beforeMs) (engine-clock ms; no end when omitted), or null when more than `atMost`. */
async function arrivalsBetween(ch: Clickhouse, db: string, since: string, beforeMs: number | undefined, atMost: number): Promise<Arrival[] | null> {
  const rs = await ch.query({
    query: `SELECT case_id, event_key FROM ${db}.event_arrivals
            WHERE inserted_at >= fromUnixTimestamp64Milli(${since}, 'Asia/Shanghai')
              ${beforeMs === undefined ? '' : `AND inserted_at < fromUnixTimestamp64Milli(toInt64(${Math.floor(beforeMs)}), 'Asia/Shanghai')`}
            LIMIT ${atMost + 1}`,
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  const rows = await rs.json<Arrival>();
  return rows.length > atMost ? null : rows;
}

/**
 * The tail when the case projector writes its cases' visits (ProjectedVisits): the cases stored since the
 * mark whose rows it cannot vouch for, usually none (a case is derived and written within a batch of its
 * events' arrival), so a month's 堵点 under a live feed reads the rollup alone instead of re-reading the tail's
 * cases from `case_events` (279 ms against 50 at 3M events with the cases of 5,000 tail events). What was
 * derived and not yet written is written first. While a build from the raw log runs: every case stored since the mark.
 */
export function projectedTail(projected: ProjectedVisits): TailCheck {
  const counted = (tail: Tail) => {
    projected.counters.tails[typeof tail === 'string' ? tail : 'cases']++;
    return tail;
  };
  return async (ch, db) => {
    if (projected.building) return counted(await rawTail(ch, db));
    await projected.flush().catch(() => undefined); // not written: not vouched for, read from the raw log
    const arrivals = await arrivalsBetween(ch, db, markSql(db), undefined, VOUCHED_ARRIVALS_AT_MOST);
    const unvouched = arrivals && projected.unvouched(arrivals);
    return counted(!unvouched ? 'all' : unvouched.length ? unvouched : 'none');
  };
}

/** The mark, or null before the first full build has completed. */
export async function stageDwellsMark(ch: Clickhouse, db: string): Promise<number | null> {
  const rs = await ch.query({
    query: `SELECT ${MARK_COLUMNS} ${markRows(db)}`,
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  const [row] = await rs.json<{ v: number; n: number }>();
  return row && Number(row.n) > 0 ? Number(row.v) : null;
}

export interface RefreshReport {
  full: boolean;
  /** Cases rebuilt (incremental), or buckets (full). */
  count: number;
  ms: number;
}

export class StageDwells {
  constructor(
    private readonly o: {
      ch: Clickhouse;
      db: string;
      logger: Logger;
      now: () => number;
      /**
       * Merge the table after a full build (not on a ClickHouse cluster, whose Distributed table cannot be
       * optimized). The buckets' parts each span every day, so until background merges have folded them a
       * reader's FINAL merges them all: a month's 堵点 at 20M took 786 ms with 2 parts a month, 155 ms merged.
       */
      mergeAfterFullBuild?: boolean;
      /**
       * When the oldest insert into `events` in flight began (EventStore.oldestInsertInFlight), when every
       * insert is this process's and the engine's clock is this machine's (embedded, one node); the margin is
       * then OWN_INSERTS_MARGIN_MS instead of MARGIN_MS.
       */
      insertsInFlight?: () => number | undefined;
      /** The case projector's visits (ProjectedVisits): told when a build from the raw log runs; `advance` moves the mark by them. */
      projected?: ProjectedVisits;
    },
  ) {}

  /** Folds of the recent table into `stage_dwells` (its rows moved) since start. */
  readonly folds = { count: 0, rows: 0 };

  /** Runs a build from the raw log whose rows carry `builtAt`, telling the projector's visits before and after. */
  private async building<T>(run: (builtAt: (ms: number) => number) => Promise<T>): Promise<T> {
    const { projected } = this.o;
    let at: number | undefined;
    projected?.buildStarted();
    try {
      return await run((ms) => (at = ms));
    } finally {
      projected?.buildEnded(at);
    }
  }

  /** The mark for a build that started at `startMs` (engine clock): before it, and before any insert then in flight. */
  private settledBefore(startMs: number): number {
    const { insertsInFlight } = this.o;
    if (!insertsInFlight) return startMs - MARGIN_MS;
    return Math.min(startMs, insertsInFlight() ?? startMs) - OWN_INSERTS_MARGIN_MS;
  }

  private async engineNow(): Promise<number> {
    const rs = await this.o.ch.query({ query: 'SELECT toUnixTimestamp64Milli(now64(3)) AS t', format: 'JSONEachRow', clickhouse_settings: SETTINGS });
    const [row] = await rs.json<{ t: number }>();
    return Number(row!.t);
  }

  private async count(query: string, params: Record<string, unknown> = {}): Promise<number> {
    const rs = await this.o.ch.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: SETTINGS });
    const [row] = await rs.json<{ n: number }>();
    return Number(row?.n ?? 0);
  }

  private async insert(where: string, builtAt: number, params: Record<string, unknown> = {}, cases: 'many' | 'few' = 'many', table = 'stage_dwells'): Promise<void> {
    await this.o.ch.command({
      query: `INSERT INTO ${this.o.db}.${table} (${VISIT_COLUMNS.join(', ')}, built_at)
              SELECT ${VISIT_COLUMNS.join(', ')}, toUInt64(${builtAt}) AS built_at FROM (${visitsSql(this.o.db, where, undefined, cases)})`,
      query_params: params,
      clickhouse_settings: QUERY_SETTINGS,
    });
  }

  private async setMark(value: number): Promise<void> {
    await this.o.ch.insert({
      table: `${this.o.db}.supervision_marks`,
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
      values: [{ name: STAGE_DWELLS_MARK, value, set_at: shanghaiDateTime(this.o.now()) }],
    });
  }

  /** Every case again, a hash bucket at a time; the mark is set to the start once all are in. */
  async buildAll(): Promise<RefreshReport> {
    const started = Date.now();
    const { events, buckets } = await this.building(async (builtAt) => {
      const startedMs = builtAt(await this.engineNow());
      const mark = this.settledBefore(startedMs);
      const events = await this.count(`SELECT count() AS n FROM ${eventTables(this.o.db).caseEvents}`);
      const buckets = Math.max(1, Math.ceil(events / BUCKET_EVENTS));
      for (let k = 0; k < buckets; k++) {
        await this.insert(`cityHash64(case_id) % {buckets:UInt32} = {k:UInt32}`, startedMs, { buckets, k });
      }
      await this.setMark(mark);
      return { events, buckets };
    });
    // Older rows of the recent table would be read before the build's: folded in, the newest of each visit wins.
    if (this.o.projected) await this.fold();
    const mergeMs = this.o.mergeAfterFullBuild ? await this.merge() : 0;
    const ms = Date.now() - started;
    this.o.logger.info({ events, buckets, mergeMs, ms }, 'stage dwells built from the whole event log');
    return { full: true, count: buckets, ms };
  }

  /**
   * Moves the recent table's rows into `stage_dwells` when it holds more than `aboveRows`: copied, then the
   * table emptied (TRUNCATE: at once for a reader), no write to it meanwhile (ProjectedVisits.exclusive). A
   * reader in between reads those cases from the recent table, the same rows. The copy's months are then
   * merged, so FINAL reads a part per month again.
   */
  async fold(aboveRows = 0): Promise<number> {
    const { projected, ch, db } = this.o;
    const rows = await this.count(`SELECT count() AS n FROM ${db}.${RECENT_TABLE}`);
    if (rows <= aboveRows) return 0;
    const started = Date.now();
    // Without the projector's visits nothing writes the table (its rows are from a run with them): no writer to hold off.
    const exclusive = <T>(run: () => Promise<T>) => (projected ? projected.exclusive(run) : run());
    const months = await exclusive(async () => {
      const rs = await ch.query({ query: `SELECT DISTINCT toYYYYMM(start_day) AS m FROM ${db}.${RECENT_TABLE}`, format: 'JSONEachRow', clickhouse_settings: SETTINGS });
      const months = (await rs.json<{ m: number }>()).map((r) => Number(r.m));
      await ch.command({ query: `INSERT INTO ${db}.stage_dwells (${VISIT_COLUMNS.join(', ')}, built_at) SELECT ${VISIT_COLUMNS.join(', ')}, built_at FROM ${db}.${RECENT_TABLE}`, clickhouse_settings: QUERY_SETTINGS });
      await ch.command({ query: `TRUNCATE TABLE ${db}.${RECENT_TABLE}`, clickhouse_settings: QUERY_SETTINGS });
      return months;
    });
    const mergeMs = this.o.mergeAfterFullBuild ? await this.merge(months) : 0;
    this.folds.count++;
    this.folds.rows += rows;
    this.o.logger.info({ rows, months, mergeMs, ms: Date.now() - started }, 'recent stage dwells folded in');
    return rows;
  }

  /**
   * The recent table folded in once it holds more than FOLD_ABOVE_ROWS rows, or any once the projector has
   * written nothing for FOLD_WHEN_QUIET_MS (the feature's ticks): a read while nothing arrives then needs no
   * exclusion of its cases (80 against about 50 ms for a month at 3M events, 15 s after a feed stopped).
   */
  foldWhenDue(): Promise<number> {
    return this.fold((this.o.projected?.quietFor() ?? 0) >= FOLD_WHEN_QUIET_MS ? 0 : FOLD_ABOVE_ROWS);
  }

  /**
   * Merges every partition (or these months) into one part (the readers answer meanwhile); a failure only
   * leaves them to the background merges.
   */
  private async merge(months?: number[]): Promise<number> {
    const started = Date.now();
    try {
      for (const m of months ?? [undefined]) {
        await this.o.ch.command({ query: `OPTIMIZE TABLE ${this.o.db}.stage_dwells${m === undefined ? '' : ` PARTITION ${m}`} FINAL`, clickhouse_settings: QUERY_SETTINGS });
      }
    } catch (err) {
      this.o.logger.warn({ err }, 'merging stage dwells failed; background merges will fold them');
    }
    return Date.now() - started;
  }

  /** The cases stored since the mark (or everything, the first time or after a bulk load). */
  async refresh(): Promise<RefreshReport> {
    const mark = await stageDwellsMark(this.o.ch, this.o.db);
    const nowMs = await this.engineNow();
    if (mark === null || mark < nowMs - (ARRIVALS_KEPT_DAYS - 1) * DAY) return this.buildAll();
    const since = mark;
    const arrivals = await this.count(`SELECT count() AS n FROM ${this.o.db}.event_arrivals WHERE inserted_at >= fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai')`, { since });
    if (arrivals > FULL_ABOVE_ARRIVALS) {
      // A bulk write (pnpm backfill) still running builds everything once it is done (afterBulkLoad): not on every tick meanwhile.
      const recent = await this.count(`SELECT count() AS n FROM ${this.o.db}.event_arrivals WHERE inserted_at >= fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai')`, { since: nowMs - BULK_QUIET_MS });
      if (recent > BULK_WRITE_ARRIVALS) return { full: false, count: 0, ms: 0 };
      return this.buildAll();
    }
    const started = Date.now();
    const next = this.settledBefore(nowMs);
    const table = this.o.projected ? RECENT_TABLE : 'stage_dwells';
    if (arrivals > 0) await this.building((builtAt) => this.insert(`case_id IN (${casesStoredSinceSql(this.o.db)})`, builtAt(nowMs), { since }, arrivals > FEW_CASES_ARRIVALS ? 'many' : 'few', table));
    await this.setMark(next);
    return { full: false, count: arrivals, ms: Date.now() - started };
  }

  /**
   * With the case projector's visits (`projected`), instead of `refresh`: the mark moves to now (less the
   * margin for inserts in flight) once every event stored before then is in rows the projector vouches for.
   * The cases of those that are not (derived before a build from the raw log replaced their rows, or not
   * written) are handed to `rederive`, and the mark waits for them. From the raw log (`refresh`) when there is
   * no mark or an old one, or more to catch up with than a few batches of the projector.
   */
  async advance(rederive: (caseIds: string[]) => void): Promise<RefreshReport> {
    const projected = this.o.projected;
    if (!projected) return this.refresh();
    const mark = await stageDwellsMark(this.o.ch, this.o.db);
    const nowMs = await this.engineNow();
    if (mark === null || mark < nowMs - (ARRIVALS_KEPT_DAYS - 1) * DAY) return this.refresh();
    const started = Date.now();
    const next = this.settledBefore(nowMs);
    if (next <= mark || projected.building) return { full: false, count: 0, ms: 0 };
    await projected.flush();
    const arrivals = await arrivalsBetween(this.o.ch, this.o.db, `toInt64(${mark})`, next, FEW_CASES_ARRIVALS);
    const unvouched = arrivals && projected.unvouched(arrivals);
    if (!arrivals || !unvouched || unvouched.length > REDERIVE_AT_MOST) return this.refresh();
    if (unvouched.length) {
      rederive(unvouched);
      return { full: false, count: 0, ms: Date.now() - started };
    }
    if (arrivals.length || next - mark >= IDLE_MARK_MS) await this.setMark(next);
    projected.forget(next - FORGET_AFTER_MS);
    return { full: false, count: arrivals.length, ms: Date.now() - started };
  }
}
