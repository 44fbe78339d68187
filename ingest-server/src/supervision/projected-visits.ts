import type { CaseEvent } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { eventKey } from '../events/event-key.ts';
import { RECENT_TABLE, VISIT_COLUMNS } from './stage-visit-columns.ts';
import { visitsOfCase, type StageVisitRow } from './stage-visits.ts';

/** A case's visits as written, and the events they were computed from (`event_key`s). */
interface Written {
  builtAt: number;
  keys: Set<number>;
}

/** An event stored since the rollup's mark (`event_arrivals`). */
export interface Arrival {
  case_id: string;
  event_key: number;
}

/**
 * The case projector's visits (issue 16, the live tail of GET /api/v1/bottlenecks): every case the projector
 * derives outside a bulk pass (it holds all its events, stored or not yet) gets its visits written to
 * `stage_dwells_recent` (stage-visits.ts, the rows `visitsSql` computes; folded into `stage_dwells` in bulk,
 * StageDwells.fold), at most one insert in flight, the latest
 * derivation of a case replacing the one before. So the rows of a case are in the rollup about as soon as
 * its events are accepted, and a reader or the rollup's mark needs the raw log only for the cases whose
 * rows it cannot vouch for.
 *
 * Which rows it vouches for: a case's last written visits and their events (`covers`), while they are the
 * rows FINAL reads. They are: every later write of the case is the projector's, from a view that holds all
 * the events of the one before (events are only added), with a later `built_at`. Only a build from the raw
 * log (stage-dwells.ts, `buildAll` or a refresh) can replace them with an older view (it does not see events
 * being written): while one runs nothing is vouched for, and after it only what was written after it began.
 * One process, embedded: every insert into `events` is this process's and every accepted event reaches the
 * projector.
 */
export class ProjectedVisits {
  private pending = new Map<string, CaseEvent[]>();
  private written = new Map<string, Written>();
  private flushing: Promise<void> | undefined;
  /** A fold of the recent table (`exclusive`): no write begins meanwhile. */
  private folding: Promise<unknown> | undefined;
  private lastBuiltAt = 0;
  /** When the last insert ended (ms; 0: none yet). */
  private lastWriteAt = 0;
  /** Builds from the raw log running, and the latest `built_at` of one ended (engine ms: this machine's clock, embedded). */
  private builds = 0;
  private buildBuiltAt = 0;
  private deriver: ((caseIds: string[]) => void) | undefined;
  /** Cases and visits written, inserts; readers' tails by kind (none, some cases from the raw log, every case stored since the mark). */
  readonly counters = { cases: 0, rows: 0, inserts: 0, tails: { none: 0, cases: 0, all: 0 } };

  constructor(
    private readonly o: {
      ch: Clickhouse;
      db: string;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Cases derived from every event accepted for them so far (the projector's live batches). */
  add(cases: Iterable<{ caseId: string; events: CaseEvent[] }>): void {
    for (const c of cases) this.pending.set(c.caseId, c.events);
  }

  /** Writes what was added (one insert at a time; a call while one runs waits for it, then writes the rest). */
  async flush(): Promise<void> {
    while (this.flushing || this.folding) await (this.flushing ?? this.folding)!.catch(() => undefined);
    if (!this.pending.size) return;
    this.flushing = this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    const cases = this.pending;
    this.pending = new Map();
    const builtAt = (this.lastBuiltAt = Math.max(this.lastBuiltAt + 1, this.buildBuiltAt + 1, this.now()));
    const rows: Array<StageVisitRow & { built_at: number }> = [];
    for (const events of cases.values()) for (const v of visitsOfCase(events)) rows.push({ ...v, built_at: builtAt });
    try {
      if (rows.length) {
        await this.o.ch.insert({ table: `${this.o.db}.${RECENT_TABLE}`, columns: [...VISIT_COLUMNS, 'built_at'], values: rows, format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS });
        this.counters.inserts++;
        this.lastWriteAt = this.now();
      }
    } catch (err) {
      // Not written: vouched for no more (the rows may be partly in), and written again with the next flush unless derived since.
      for (const [id, events] of cases) {
        this.written.delete(id);
        if (!this.pending.has(id)) this.pending.set(id, events);
      }
      throw err;
    }
    this.counters.cases += cases.size;
    this.counters.rows += rows.length;
    // A raw-log build running, or one with a later `built_at`, replaces these rows with its own view.
    if (this.builds || builtAt <= this.buildBuiltAt) return;
    for (const [id, events] of cases) this.written.set(id, { builtAt, keys: new Set(events.map((e) => eventKey(e.eventId))) });
  }

  /** Runs `fold` with no write of these visits in flight or beginning (StageDwells.fold: copy the recent table, then empty it). */
  async exclusive<T>(fold: () => Promise<T>): Promise<T> {
    while (this.flushing || this.folding) await (this.flushing ?? this.folding)!.catch(() => undefined);
    const run = fold();
    this.folding = run;
    try {
      return await run;
    } finally {
      this.folding = undefined;
    }
  }

  /** A build from the raw log begins (before it takes its `built_at`): until it ends nothing is vouched for. */
  buildStarted(): void {
    this.builds++;
  }

  /** …and ends, its rows written with `builtAt` (or not at all: undefined): rows written before may have been replaced. */
  buildEnded(builtAt: number | undefined): void {
    this.builds = Math.max(0, this.builds - 1);
    if (builtAt === undefined) return;
    this.buildBuiltAt = Math.max(this.buildBuiltAt, builtAt);
    for (const [id, w] of this.written) if (w.builtAt <= this.buildBuiltAt) this.written.delete(id);
  }

  /** Whether a build from the raw log is running (nothing is vouched for). */
  get building(): boolean {
    return this.builds > 0;
  }

  /**
   * The cases of these stored events whose rows in `stage_dwells` are not known to hold them (a reader takes
   * those from the raw log). Everything, as `null`, while a build from the raw log runs.
   */
  unvouched(arrivals: readonly Arrival[]): string[] | null {
    if (this.builds) return null;
    const out = new Set<string>();
    for (const a of arrivals) if (!this.written.get(a.case_id)?.keys.has(a.event_key)) out.add(a.case_id);
    return [...out];
  }

  /**
   * Forgets cases written before `beforeMs`: the rollup's mark has passed their events, unless one of them
   * was stored over a minute after it was accepted, whose case is then derived again (`unvouched`).
   */
  forget(beforeMs: number): void {
    for (const [id, w] of this.written) if (w.builtAt < beforeMs) this.written.delete(id);
  }

  /** The case projector derives cases again through this (supervision.feature.ts). */
  derivesWith(derive: (caseIds: string[]) => void): void {
    this.deriver = derive;
  }

  /** Cases whose rows it cannot vouch for, to be derived (and so written) again. */
  rederive(caseIds: string[]): void {
    this.deriver?.(caseIds);
  }

  /** Milliseconds since the last write (since 1970 before the first); 0 while visits wait to be written or are being written. */
  quietFor(): number {
    return this.pending.size || this.flushing ? 0 : this.now() - this.lastWriteAt;
  }

  get size(): number {
    return this.written.size;
  }
}
