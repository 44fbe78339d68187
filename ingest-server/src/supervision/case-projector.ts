import type { Logger } from 'pino';
import { shanghaiDate, shanghaiDateTime, type CaseEvent } from '@tongban/shared';
import type { DerivationPageBytes, EventStore } from '../events/event.store.ts';
import type { Warning } from './case-clock.ts';
import { deriveCaseState, isOpen, type CaseState, type DeriveContext } from './case-state.ts';
import { caseStateLine, type CaseStateStore } from './case-state.store.ts';
import { LineBuffer } from '../clickhouse/line-buffer.ts';
import type { OpenCase, OpenCaseIndex, OpenCaseRow } from './open-case-index.ts';
import { dayNumber } from './day-number.ts';
import { DrainPacer } from './drain-pacer.ts';

const day = (iso: string | null | undefined) => (iso ? dayNumber(iso) : null);

const BATCH = 2_000;
/** Derived states, versioned `now`; a bulk page's also as their `case_state` lines, built as each was derived. */
interface Derived {
  states: CaseState[];
  now: number;
  lines?: LineBuffer;
}
/** Rows of `case_events` per page of the bulk derivation. */
const PAGE_ROWS = 200_000;

interface Options {
  events: EventStore;
  states: CaseStateStore;
  index: OpenCaseIndex;
  /** Every accepted event of these cases, stored or not yet flushed. */
  eventsOfCases: (caseIds: readonly string[]) => Promise<Map<string, CaseEvent[]>>;
  derive: () => DeriveContext;
  /** A case's open-case warning changed (`previous` undefined for a case new to the index). */
  onWarningChange: (state: CaseState, previous: Warning | undefined, warning: Warning) => void;
  /**
   * After a batch is derived and written (bad-rating clocks, deadline history). `bulk`: a pass over history, whose
   * states keep only their `rated` events (projectAll).
   */
  afterApply?: (states: CaseState[], bulk: boolean) => Promise<void>;
  logger: Logger;
  now: () => number;
  /** Several nodes: false once this node no longer holds the engine (the projector stops between batches). */
  mayRun?: () => boolean;
  /** The lease's fencing token, written with every case state (0 on a single node). */
  fence?: () => number;
}

export function openCaseOf(s: CaseState): OpenCase {
  return {
    caseId: s.caseId,
    itemCode: s.itemCode,
    districtCode: s.districtCode,
    townshipCode: s.townshipCode,
    villageCode: s.villageCode,
    departmentCode: s.departmentCode,
    status: s.status,
    stage: s.stage,
    level: s.level,
    holder: s.holder,
    submittedMs: s.submittedAt ? Date.parse(s.submittedAt) : null,
    acceptedMs: s.acceptedAt ? Date.parse(s.acceptedAt) : null,
    promisedDeadlineDay: day(s.promised?.deadline),
    statutoryDeadlineDay: day(s.statutory?.deadline),
    yellowFromDay: day(s.promised?.yellowFrom),
    stageDueDay: day(s.stageClock?.due),
    stageSinceDay: day(shanghaiDate(s.stageSince)),
    promisedLimitDays: s.promisedLimitDays,
    pauses: s.pauses,
    flags: s.flags,
  };
}

/** The list/warning summary of a case that has left the index (completed, rejected, withdrawn). */
export function closedCaseSummary(s: CaseState, warning: Warning): OpenCaseRow {
  // The index's numeric fields stay out of the message.
  const { submittedMs: _s, acceptedMs: _a, promisedDeadlineDay: _p, statutoryDeadlineDay: _d, yellowFromDay: _y, stageDueDay: _g, stageSinceDay: _t, promisedLimitDays: _l, pauses: _u, flags, ...o } = openCaseOf(s);
  return {
    ...o,
    townshipCode: o.townshipCode || null,
    villageCode: o.villageCode || null,
    departmentCode: o.departmentCode || null,
    holder: o.holder || null,
    submittedAt: s.submittedAt,
    acceptedAt: s.acceptedAt,
    promisedDeadline: s.promised?.deadline ?? null,
    statutoryDeadline: s.statutory?.deadline ?? null,
    warning,
    daysOverdue: s.daysOverdue,
    flags: [...flags],
    atRisk: null,
  };
}

/**
 * Keeps `case_state` and the open-case index in step with the event log. Accepted events queue their
 * case; every tick re-derives the queued cases from ALL their events (ClickHouse plus those still
 * being written), so out-of-order arrival is handled by construction.
 */
export class CaseProjector {
  private queue = new Set<string>();
  /** Batches taken from the queue so far (each is numbered; they run one after another). */
  private batches = 0;
  private checkpoints: Array<{ afterBatch: number; waiting: Set<string>; resolve: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  readonly counters = { projected: 0, errors: 0 };

  constructor(private readonly o: Options) {}

  enqueue(caseIds: Iterable<string>): void {
    for (const id of caseIds) this.queue.add(id);
  }

  get queued(): number {
    return this.queue.size;
  }

  start(intervalMs = 100): void {
    clearInterval(this.timer);
    const pacer = new DrainPacer();
    this.timer = setInterval(() => {
      const started = performance.now();
      if (this.running || !this.queue.size || !pacer.mayStart(started)) return;
      void this.drain().then(() => pacer.ran(started, performance.now()));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops at once (the engine lease is lost): nothing more is projected or written here, the queue is dropped. */
  pause(): void {
    clearInterval(this.timer);
    this.queue.clear();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.drain();
  }

  /** Projects everything queued (one batch at a time); concurrent calls share one run. */
  drain(): Promise<void> {
    // `.finally` (not try/finally inside the async function): with nothing queued the function would
    // finish synchronously and clear `running` before `??=` stored its promise.
    this.running ??= this.drainQueue().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Resolves once every case queued now (and the batch being derived now) has been derived from a batch taken
   * after this call: then every event accepted before the call is in `case_state` (the derivation watermark).
   */
  checkpoint(): Promise<void> {
    const waiting = new Set(this.queue);
    const afterBatch = this.batches;
    if (!waiting.size && !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      this.checkpoints.push({ afterBatch, waiting, resolve });
      // Nothing queued: only the running batch must end (it may end before any other batch is taken).
      if (!waiting.size) void this.drain().then(() => this.settleCheckpoints(afterBatch, []));
    });
  }

  private settleCheckpoints(batch: number, ids: readonly string[]): void {
    this.checkpoints = this.checkpoints.filter((c) => {
      if (batch > c.afterBatch) for (const id of ids) c.waiting.delete(id);
      if (c.waiting.size || batch < c.afterBatch) return true;
      c.resolve();
      return false;
    });
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.size && (this.o.mayRun?.() ?? true)) {
      const ids = [...this.queue].slice(0, BATCH);
      for (const id of ids) this.queue.delete(id);
      const batch = ++this.batches;
      try {
        await this.project(ids);
      } catch (err) {
        this.counters.errors++;
        this.enqueue(ids);
        // Still to derive for every checkpoint this batch was meant to settle.
        for (const c of this.checkpoints) if (batch >= c.afterBatch) for (const id of ids) c.waiting.add(id);
        this.o.logger.error({ err, cases: ids.length }, 'case projection failed; retrying');
        return;
      }
      this.settleCheckpoints(batch, ids);
    }
  }

  /** Re-derives these cases from their events, updates the index and writes their state. */
  async project(caseIds: string[]): Promise<CaseState[]> {
    return this.apply(await this.o.eventsOfCases(caseIds));
  }

  /**
   * Derives all cases of the event log, page by page in case order (after a bulk backfill, or a first start).
   * The pages hold only what derivation reads (EventStore.derivationPage): the states' `events` lack the
   * applicant and source, which nothing downstream of a bulk pass reads.
   *
   * Each case is derived as soon as its last event is parsed, its `case_state` line built at once, and its state
   * then keeps only its `rated` events (what `afterApply` reads of a bulk pass: the bad-rating clocks). So a
   * page's events die young: kept until the page was written, they were copied by the collector again and again
   * (a third of the pass's main thread, issue 16).
   */
  async projectAll(onProgress?: (cases: number) => void): Promise<number> {
    let total = 0;
    const phases = (this.bulkPhases = { events: 0, readMs: 0, deriveMs: 0, writeMs: 0, afterMs: 0 });
    const read = (after: string) => {
      const page = this.o.events.derivationPageBytes(after, PAGE_ROWS);
      page.catch(() => undefined); // awaited below; a page read ahead of a failed one must not go unhandled
      return page;
    };
    // One page read ahead: ClickHouse reads and formats page n + 1 while page n is parsed, derived and written.
    // And page n + 1 is derived (JavaScript) while page n is written (the engine, off the main thread); the
    // writes stay in page order.
    let next = read('');
    let writing: Promise<void> = Promise.resolve();
    for (;;) {
      const t0 = performance.now();
      const page = await next;
      phases.readMs += performance.now() - t0;
      if (page.lastCaseId === null) {
        await writing;
        return total;
      }
      next = read(page.lastCaseId);
      const derived = this.deriveBulkPage(page, phases);
      await writing;
      writing = this.persist(derived, true, phases).then(() => {
        total += derived.states.length;
        onProgress?.(total);
      });
      writing.catch(() => undefined); // awaited at the next page or the end
    }
  }

  /**
   * Time spent in each phase of the last `projectAll` (milliseconds), and the events it derived. `readMs`: waiting
   * for a page's bytes (the next one is read while the last one is parsed, derived and written); `deriveMs`:
   * parsing, deriving and building the lines.
   */
  bulkPhases: { events: number; readMs: number; deriveMs: number; writeMs: number; afterMs: number } | undefined;

  private async apply(cases: Map<string, CaseEvent[]>): Promise<CaseState[]> {
    const derived = this.derive(cases);
    await this.persist(derived, false);
    return derived.states;
  }

  /** Derives the cases' states and updates the index (announcing warning changes). */
  private derive(cases: Map<string, CaseEvent[]>): Derived {
    const now = this.o.now();
    const ctx = { ...this.o.derive(), now };
    const states: CaseState[] = [];
    for (const events of cases.values()) if (events.length) states.push(this.deriveCase(events, ctx));
    return { states, now };
  }

  /** `derive` of a bulk page, case by case as parsed, with each state's `case_state` line (see projectAll). */
  private deriveBulkPage(page: DerivationPageBytes, phases: NonNullable<CaseProjector['bulkPhases']>): Derived {
    const t0 = performance.now();
    const now = this.o.now();
    const ctx = { ...this.o.derive(), now };
    const version = shanghaiDateTime(now);
    // The lease's token as the page is derived; `persist` still writes nothing once this node may not run.
    const fence = this.o.fence?.() ?? 0;
    const states: CaseState[] = [];
    const lines = new LineBuffer(page.rows * 80);
    this.o.events.eachDerivationCase(page, (_, events) => {
      phases.events += events.length;
      const s = this.deriveCase(events, ctx);
      lines.push(caseStateLine(s, version, fence));
      s.events = s.events.filter((e) => e.type === 'rated');
      states.push(s);
    });
    phases.deriveMs += performance.now() - t0;
    return { states, now, lines };
  }

  private deriveCase(events: CaseEvent[], ctx: DeriveContext): CaseState {
    const s = deriveCaseState(events, ctx);
    if (isOpen(s)) {
      const { previous, warning } = this.o.index.upsert(openCaseOf(s), ctx.now);
      if (previous !== warning && !(previous === undefined && warning === 'none')) this.o.onWarningChange(s, previous, warning);
    } else {
      const previous = this.o.index.remove(s.caseId);
      if (previous !== undefined && previous !== 'none') this.o.onWarningChange(s, previous, 'none');
    }
    return s;
  }

  /** Writes derived states, versioned when they were derived (unless this node may no longer run the engine), and what follows them. */
  private async persist({ states, now, lines }: Derived, bulk: boolean, phases?: NonNullable<CaseProjector['bulkPhases']>): Promise<void> {
    if (!(this.o.mayRun?.() ?? true)) return;
    const t1 = performance.now();
    await (lines ? this.o.states.writeLines(lines) : this.o.states.write(states, now, this.o.fence?.() ?? 0));
    const t2 = performance.now();
    await this.o.afterApply?.(states, bulk);
    if (phases) {
      phases.writeMs += t2 - t1;
      phases.afterMs += performance.now() - t2;
    }
    this.counters.projected += states.length;
  }
}
