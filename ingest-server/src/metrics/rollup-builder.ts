import type { Logger } from 'pino';
import { addCalendarDays, shanghaiDate, type CaseEvent, type IsoDate } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { METRIC_SETTINGS, runCommand, selectRows } from './clickhouse-rows.ts';
import { FACT_COLUMN_LIST } from './fact-columns.ts';
import { badRatingsSql, factsSql, stageSql, windowParams } from './facts.query.ts';
import { eventTables } from '../events/event.store.ts';
import { caseStateTable } from '../supervision/case-state.store.ts';

export interface DayBuild {
  builtAt: number;
  /** Events received up to here were read. */
  buildCutoff: number;
  events: number;
  /** Latest received_at of the events read (0 when none). */
  maxReceived: number;
}

export interface RefreshResult {
  days: number;
  cutoffMs: number;
  ms: number;
}

interface Options {
  ch: Clickhouse;
  db: string;
  logger: Logger;
  now: () => number;
  /** An accepted event is in ClickHouse within this long (the ingest batcher's age bound plus a margin). */
  settleMs: number;
  /**
   * Runs a build while no other node builds (Cluster.exclusive): every node builds the days it marked, through
   * the same `*_staging` tables, so two builds at once would truncate and swap each other's half-built months.
   * Alone, it just runs it.
   */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** Cases with events older than this many days are re-read: their later days' stage waits may change. */
const LATE_AFTER_DAYS = 1;
/** Beyond this many late cases, rebuild their whole date range instead of looking each case up. */
const MAX_LATE_CASES = 50_000;
const STATE_OVERLAP_MS = 60_000;

const monthOf = (day: IsoDate) => Number(day.slice(0, 4) + day.slice(5, 7));
const dateTime = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 23).replace('T', ' ');

/**
 * Keeps the daily rollups (`metric_daily`, `metric_stage_daily`) equal to the raw-log reference.
 *
 * A day is dirty when events for it are accepted, when a case completed on it changes state, when a late
 * event touches a case with events on it, or when its event count no longer matches its last build (events
 * that arrived around the server: a replay, a bulk backfill). `refresh` rebuilds the dirty days of each month
 * into a staging table (copying the month's clean days) and swaps the month's partition in one step, so a
 * reader never sees a half-built month. `rebuildAll` is the backfill step: every day that has events.
 */
export class RollupBuilder {
  private readonly dirty = new Map<IsoDate, number>();
  private readonly lateCases = new Set<string>();
  private lateRange: { from: IsoDate; to: IsoDate } | undefined;
  private stateWatermark = 0;
  /** Per day, the newest version and number of cases of its completions' states seen in the last look's window. */
  private stateSeen = new Map<IsoDate, { v: number; n: number }>();
  private running: Promise<RefreshResult> | undefined;
  /** Bumped by every build (cache key). */
  generation = 0;
  /** Cut-off of the last refresh: the rollup holds every event received up to it. */
  lastCutoff = 0;
  /** False until the first consistency check and build after start have finished. */
  ready = false;

  constructor(private readonly o: Options) {}

  /** Marks the days of accepted events (cheap; called on every accepted batch). */
  markEvents(events: readonly CaseEvent[]): void {
    const now = this.o.now();
    const recent = addCalendarDays(shanghaiDate(now), -LATE_AFTER_DAYS);
    for (const e of events) {
      const day = shanghaiDate(e.occurredAt);
      this.dirty.set(day, now);
      if (day < recent) {
        if (this.lateCases.size < MAX_LATE_CASES) this.lateCases.add(e.caseId);
        else this.lateRange = { from: day < (this.lateRange?.from ?? day) ? day : (this.lateRange?.from ?? day), to: shanghaiDate(now) };
      }
    }
  }

  markDays(days: Iterable<IsoDate>): void {
    const now = this.o.now();
    for (const d of days) this.dirty.set(d, now);
  }

  /** Dirty days in [from, to). */
  dirtyDays(from: IsoDate, to: IsoDate): IsoDate[] {
    return [...this.dirty.keys()].filter((d) => d >= from && d < to).sort();
  }

  /**
   * Rebuilds every dirty day with events received up to `cutoffMs` (default: now − settle, so everything
   * accepted by then is in ClickHouse). Days marked after the cut-off stay dirty for the next refresh.
   * Concurrent calls share one run.
   */
  refresh(cutoffMs?: number): Promise<RefreshResult> {
    const build = () => this.doRefresh(cutoffMs ?? this.o.now() - this.o.settleMs);
    const run = (this.running ?? Promise.resolve(undefined)).then(() => (this.o.exclusive ? this.o.exclusive(build) : build()));
    const tracked = run.finally(() => {
      if (this.running === tracked) this.running = undefined;
    });
    this.running = tracked;
    return tracked;
  }

  /** Marks every day that has events (or a build) in [from, to) — all days without a range — and rebuilds. */
  async rebuildAll(range?: { from: IsoDate; to: IsoDate }): Promise<RefreshResult> {
    const where = range ? `WHERE occurred_at >= toDateTime64({from:String}, 3, 'Asia/Shanghai') AND occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai')` : '';
    const rows = await selectRows<{ d: string }>(this.o.ch, `SELECT DISTINCT toString(toDate(occurred_at)) AS d FROM ${eventTables(this.o.db).events} ${where}`, range ?? {});
    const built = await selectRows<{ d: string }>(
      this.o.ch,
      `SELECT toString(day) AS d FROM ${this.o.db}.metric_rollup_days FINAL ${range ? 'WHERE day >= {from:Date} AND day < {to:Date}' : ''}`,
      range ?? {},
    );
    this.markDays([...rows, ...built].map((r) => r.d));
    return this.refresh();
  }

  /**
   * The safety net: compares each day's event count (received up to its build cut-off) with what its
   * build read, and the latest case-state derivation of its completions with when it was built; marks days
   * that differ, or that have events but no build. The first call also starts the case-state watermark.
   */
  async checkCounts(): Promise<number> {
    const states = await selectRows<{ d: string }>(
      this.o.ch,
      `SELECT toString(s.day) AS d
       FROM (SELECT toDate(completed_at) AS day, max(version) AS v FROM ${caseStateTable(this.o.db)} WHERE completed_at IS NOT NULL GROUP BY day) AS s
       LEFT JOIN (SELECT day, built_at FROM ${this.o.db}.metric_rollup_days FINAL) AS b ON b.day = s.day
       WHERE s.v > b.built_at`,
    );
    this.markDays(states.map((r) => r.d));
    if (this.stateWatermark === 0) await this.markStateChanges(false);
    return states.length + (await this.checkEventCounts());
  }

  private async checkEventCounts(): Promise<number> {
    const rows = await selectRows<{ d: string }>(
      this.o.ch,
      `SELECT toString(e.day) AS d
       FROM (
         SELECT toDate(occurred_at) AS day, received_at FROM ${eventTables(this.o.db).events}
       ) AS e
       LEFT JOIN (SELECT day, build_cutoff, events FROM ${this.o.db}.metric_rollup_days FINAL) AS b ON b.day = e.day
       GROUP BY e.day
       HAVING any(toUnixTimestamp64Milli(b.build_cutoff)) = 0 OR countIf(e.received_at <= b.build_cutoff) != any(b.events)`,
    );
    this.markDays(rows.map((r) => r.d));
    return rows.length;
  }

  /** Days of the events stored (engine time, `event_arrivals`) at or after `sinceMs`: the tail, never the history. */
  async daysStoredSince(sinceMs: number): Promise<IsoDate[]> {
    const { ch, db } = this.o;
    const arrivals = `FROM ${db}.event_arrivals WHERE inserted_at >= fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai')`;
    const rows = await selectRows<{ d: string }>(
      ch,
      `SELECT DISTINCT toString(toDate(occurred_at)) AS d FROM ${eventTables(db).caseEvents}
       WHERE case_id IN (SELECT case_id ${arrivals}) AND event_key IN (SELECT event_key ${arrivals})`,
      { since: sinceMs },
    );
    return rows.map((r) => r.d).sort();
  }

  /**
   * The bounded safety net for the given days: marks each whose events differ from its build (no build, a
   * count that differs under its cut-off, or events received after it). Reads only those days' events.
   */
  async checkDays(days: readonly IsoDate[]): Promise<number> {
    if (!days.length) return 0;
    const ranges = days.map((_, i) => `(occurred_at >= toDateTime64({d${i}:String}, 3, 'Asia/Shanghai') AND occurred_at < toDateTime64({d${i}:String}, 3, 'Asia/Shanghai') + INTERVAL 1 DAY)`);
    const params = { days, ...Object.fromEntries(days.map((d, i) => [`d${i}`, d])) };
    const rows = await selectRows<{ d: string }>(
      this.o.ch,
      `SELECT toString(e.day) AS d
       FROM (SELECT toDate(occurred_at) AS day, received_at FROM ${eventTables(this.o.db).events} WHERE ${ranges.join(' OR ')}) AS e
       LEFT JOIN (SELECT day, build_cutoff, events FROM ${this.o.db}.metric_rollup_days FINAL WHERE day IN {days:Array(Date)}) AS b ON b.day = e.day
       GROUP BY e.day
       HAVING any(toUnixTimestamp64Milli(b.build_cutoff)) = 0 OR countIf(e.received_at <= b.build_cutoff) != any(b.events) OR countIf(e.received_at > b.build_cutoff) > 0`,
      params,
    );
    this.markDays(rows.map((r) => r.d));
    return rows.length;
  }

  /** Marks the completion days whose case state was derived at or after `sinceMs` later than their build started. */
  async checkStatesSince(sinceMs: number): Promise<number> {
    const rows = await selectRows<{ d: string }>(
      this.o.ch,
      `SELECT toString(s.day) AS d
       FROM (SELECT day, max(version) AS v FROM ${this.o.db}.metric_state_changes WHERE version >= fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai') GROUP BY day) AS s
       LEFT JOIN (SELECT day, built_at FROM ${this.o.db}.metric_rollup_days FINAL) AS b ON b.day = s.day
       WHERE s.v > b.built_at`,
      { since: sinceMs },
    );
    this.markDays(rows.map((r) => r.d));
    if (this.stateWatermark === 0) await this.markStateChanges(false);
    return rows.length;
  }

  /** Up to `n` built days at or before `day`, newest first (a primary-key range of the build record). */
  async builtDaysBefore(day: IsoDate, n: number): Promise<IsoDate[]> {
    const rows = await selectRows<{ d: string }>(
      this.o.ch,
      `SELECT DISTINCT toString(day) AS d FROM ${this.o.db}.metric_rollup_days WHERE day <= {day:Date} ORDER BY d DESC LIMIT {n:UInt32}`,
      { day, n },
    );
    return rows.map((r) => r.d);
  }

  /** Whether any day has a build (a data dir's first build has none). */
  async hasBuilds(): Promise<boolean> {
    return (await selectRows<{ d: string }>(this.o.ch, `SELECT day AS d FROM ${this.o.db}.metric_rollup_days LIMIT 1`)).length > 0;
  }

  /** Builds of the days in [from, to). */
  async builds(from: IsoDate, to: IsoDate): Promise<Map<IsoDate, DayBuild>> {
    const rows = await selectRows<{ d: string; built: number; cutoff: number; events: number; max_received: number }>(
      this.o.ch,
      `SELECT toString(day) AS d, toUnixTimestamp64Milli(built_at) AS built, toUnixTimestamp64Milli(build_cutoff) AS cutoff, events,
              toUnixTimestamp64Milli(max_received) AS max_received
       FROM ${this.o.db}.metric_rollup_days FINAL WHERE day >= {from:Date} AND day < {to:Date}`,
      { from, to },
    );
    return new Map(rows.map((r) => [r.d, { builtAt: Number(r.built), buildCutoff: Number(r.cutoff), events: Number(r.events), maxReceived: Number(r.max_received) }]));
  }

  private async doRefresh(cutoffMs: number): Promise<RefreshResult> {
    const started = Date.now();
    await this.expandLateCases();
    await this.markStateChanges();
    const days = [...this.dirty.entries()].map(([d, at]) => ({ d, at }));
    if (!days.length) {
      this.lastCutoff = Math.max(this.lastCutoff, cutoffMs);
      return { days: 0, cutoffMs, ms: Date.now() - started };
    }
    const byMonth = new Map<number, IsoDate[]>();
    for (const { d } of days) byMonth.set(monthOf(d), [...(byMonth.get(monthOf(d)) ?? []), d]);
    for (const [month, list] of [...byMonth.entries()].sort((a, b) => a[0] - b[0])) await this.buildMonth(month, list.sort(), cutoffMs);
    // A mark made after the cut-off may stand for events this build did not read: keep it.
    for (const { d, at } of days) if (this.dirty.get(d) === at && at <= cutoffMs) this.dirty.delete(d);
    this.generation++;
    this.lastCutoff = Math.max(this.lastCutoff, cutoffMs);
    const ms = Date.now() - started;
    this.o.logger.debug({ days: days.length, ms }, 'metric rollups refreshed');
    return { days: days.length, cutoffMs, ms };
  }

  private async buildMonth(month: number, days: IsoDate[], cutoffMs: number): Promise<void> {
    const { ch, db } = this.o;
    // When the build started: a case state derived later may not be in it.
    const builtAt = this.o.now();
    const w = { from: days[0]!, to: addCalendarDays(days.at(-1)!, 1), days, cutoffMs };
    const params = { ...windowParams(w), month };
    const factColumns = ['day', 'district_code', 'item_code', ...FACT_COLUMN_LIST, 'events', 'max_received'];
    const stageColumns = ['day', 'district_code', 'item_code', 'stage', 'waits', 'wait_minutes', 'max_wait_minutes'];
    // Daily tables: the month's clean days copied, its dirty days computed from the raw log.
    for (const [table, columns, select] of [
      ['metric_daily', factColumns, factsSql(db, w, true)],
      ['metric_stage_daily', stageColumns, stageSql(db, w, true)],
      ['metric_bad_ratings', ['day', 'district_code', 'item_code', 'case_id', 'rated_at', 'rating'], badRatingsSql(db, w)],
    ] as const) {
      await runCommand(ch, `TRUNCATE TABLE ${db}.${table}_staging`);
      await runCommand(ch, `INSERT INTO ${db}.${table}_staging SELECT * FROM ${db}.${table} WHERE toYYYYMM(day) = {month:UInt32} AND day NOT IN {days:Array(Date)}`, params);
      await runCommand(ch, `INSERT INTO ${db}.${table}_staging (${columns.join(', ')}) ${select}`, params);
      await this.swapPartition(table, month);
    }
    // Monthly tables: the whole month again from its daily rows.
    const sums = (columns: readonly string[], keys: number, max: string[]) =>
      columns.map((c, i) => (i === 0 ? 'toStartOfMonth(day) AS m' : i < keys ? c : max.includes(c) ? `max(${c})` : `sum(${c})`)).join(', ');
    for (const [monthly, daily, columns, keys, max] of [
      ['metric_monthly', 'metric_daily', factColumns, 3, ['max_received']],
      ['metric_stage_monthly', 'metric_stage_daily', stageColumns, 4, ['max_wait_minutes']],
    ] as const) {
      await runCommand(ch, `TRUNCATE TABLE ${db}.${monthly}_staging`);
      await runCommand(
        ch,
        `INSERT INTO ${db}.${monthly}_staging (${columns.join(', ')})
         SELECT ${sums(columns, keys, [...max])} FROM ${db}.${daily} WHERE toYYYYMM(day) = {month:UInt32}
         GROUP BY m, ${columns.slice(1, keys).join(', ')}`,
        params,
      );
      await this.swapPartition(monthly, month);
    }
    const totals = await selectRows<{ d: string; events: number; max_received: number }>(
      ch,
      `SELECT toString(day) AS d, sum(events) AS events, toUnixTimestamp64Milli(max(max_received)) AS max_received
       FROM ${db}.metric_daily_staging WHERE day IN {days:Array(Date)} GROUP BY day`,
      params,
    );
    const byDay = new Map(totals.map((t) => [t.d, t]));
    await ch.insert({
      table: `${db}.metric_rollup_days`,
      format: 'JSONEachRow',
      clickhouse_settings: METRIC_SETTINGS,
      values: days.map((d) => ({
        day: d,
        built_at: dateTime(builtAt),
        build_cutoff: dateTime(cutoffMs),
        events: Number(byDay.get(d)?.events ?? 0),
        max_received: dateTime(Number(byDay.get(d)?.max_received ?? 0)),
      })),
    });
  }

  /** Moves a table's month from its staging table in one step (or drops the month when staging has none). */
  private async swapPartition(table: string, month: number): Promise<void> {
    const { ch, db } = this.o;
    const count = async (t: string) => Number((await selectRows<{ n: number }>(ch, `SELECT count() AS n FROM ${db}.${t} WHERE toYYYYMM(day) = {month:UInt32}`, { month }))[0]?.n ?? 0);
    if ((await count(`${table}_staging`)) > 0) await runCommand(ch, `ALTER TABLE ${db}.${table} REPLACE PARTITION ${month} FROM ${db}.${table}_staging`);
    else if ((await count(table)) > 0) await runCommand(ch, `ALTER TABLE ${db}.${table} DROP PARTITION ${month}`);
  }

  /** Days of the other events of cases that received late events (their stage waits may have moved). */
  private async expandLateCases(): Promise<void> {
    if (this.lateRange) {
      const { from, to } = this.lateRange;
      this.lateRange = undefined;
      const rows = await selectRows<{ d: string }>(
        this.o.ch,
        `SELECT DISTINCT toString(toDate(occurred_at)) AS d FROM ${eventTables(this.o.db).events}
         WHERE occurred_at >= toDateTime64({from:String}, 3, 'Asia/Shanghai') AND occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai') + INTERVAL 1 DAY`,
        { from, to },
      );
      this.markDays(rows.map((r) => r.d));
    }
    if (!this.lateCases.size) return;
    const ids = [...this.lateCases];
    this.lateCases.clear();
    const rows = await selectRows<{ d: string }>(
      this.o.ch,
      `SELECT DISTINCT toString(toDate(occurred_at)) AS d FROM ${eventTables(this.o.db).caseEvents} WHERE case_id IN {ids:Array(String)}`,
      { ids },
    );
    this.markDays(rows.map((r) => r.d));
  }

  /** Days of completions whose case state was (re)derived since the last look (with mark = false: only look). */
  private async markStateChanges(mark = true): Promise<void> {
    if (!mark && this.stateWatermark === 0) {
      // The first look starts at the newest derivation, so it and the next look read the same window: a first
      // look over every row kept would differ in its case counts from the next look's last minute on every day
      // completed in that minute, and mark them all (139 days rebuilt twice at start on a 20M backfill, since the
      // derivation pass there lasts minutes; at 2M it fits in the minute).
      const [r] = await selectRows<{ v: number }>(this.o.ch, `SELECT toUnixTimestamp64Milli(max(version)) AS v FROM ${this.o.db}.metric_state_changes`);
      this.stateWatermark = Math.max(0, Number(r?.v ?? 0));
    }
    const rows = await selectRows<{ d: string; v: number; n: number }>(
      this.o.ch,
      `SELECT toString(day) AS d, toUnixTimestamp64Milli(max(version)) AS v, uniqExact(case_id) AS n FROM ${this.o.db}.metric_state_changes
       WHERE version > fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai') GROUP BY d`,
      { since: Math.max(0, this.stateWatermark - STATE_OVERLAP_MS) },
    );
    // The window reaches a minute behind the watermark: a derivation stamped just before it may have been
    // written after the last look; it adds a case to its day's window, so the day is marked. Cases, not rows:
    // background merges remove superseded rows and must not mark anything.
    const seen = new Map<IsoDate, { v: number; n: number }>();
    for (const r of rows) {
      const now = { v: Number(r.v), n: Number(r.n) };
      const before = this.stateSeen.get(r.d);
      if (mark && (!before || now.v > before.v || now.n !== before.n)) this.markDays([r.d]);
      seen.set(r.d, now);
      this.stateWatermark = Math.max(this.stateWatermark, now.v);
    }
    this.stateSeen = seen;
  }
}
