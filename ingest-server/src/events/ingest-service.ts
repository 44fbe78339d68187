import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { validateEvent, type CaseEvent, shanghaiDateTime } from '@tongban/shared';
import { overloaded } from '../errors.ts';
import { BloomFilter } from './bloom-filter.ts';
import { eventKey } from './event-key.ts';
import { encryptPii, type PiiKeyring } from '@tongban/shared/pii-crypto';
import { eventOfRow, openEventRow, toEventRow, type EventRow, type RejectedRow } from './event-row.ts';
import type { EventStore } from './event.store.ts';
import type { IngestLog } from './ingest-log.ts';
import { dataQualityFlags } from './data-quality.ts';

/** One item of a request body: a parsed value, or a line that was not JSON. */
export type BodyItem = { value: unknown } | { unreadable: string; raw: string };

export interface Rejection {
  index: number;
  eventId?: string;
  errors: string[];
}
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

export type LogRecord = { e: EventRow } | { r: RejectedRow };

interface Options {
  store: EventStore;
  log: IngestLog<LogRecord>;
  logger: Logger;
  flushMaxRows: number;
  flushMaxAgeMs: number;
  maxPendingRows: number;
  dedupExpectedEvents: number;
  isKnownItem: (itemCode: string) => boolean;
  /** Called with every newly accepted event once it is durable. */
  onAccepted: (events: CaseEvent[]) => void;
  now?: () => number;
  /** PII_KEY: applicants' personal fields are encrypted in the ingest log and in ClickHouse. */
  piiKeys?: PiiKeyring | undefined;
}

/**
 * validate → deduplicate → durable log → answer → batch into ClickHouse.
 *
 * Dedup by eventId, across restarts: ids in flight or waiting for ClickHouse are in `inFlight`;
 * everything ever stored is in ClickHouse's event_ids, fronted by a Bloom filter so that the
 * common case (a new id) needs no query at all.
 */
export class IngestService {
  private readonly bloom: BloomFilter;
  /** eventId → resolves true once durable (false if its append failed). Kept until stored in ClickHouse. */
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private pending: Array<{ segment: number; record: LogRecord }> = [];
  /** Records taken from `pending` by a flush that has not finished writing them. */
  private inserting: LogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastFlush = Date.now();
  /** After a failed flush we cannot know what reached ClickHouse: the next flush checks first. */
  private verifyNextFlush = false;
  readonly counters = { accepted: 0, duplicates: 0, rejected: 0, confirmLookups: 0, flushes: 0, flushErrors: 0 };

  constructor(private readonly o: Options) {
    this.bloom = new BloomFilter(o.dedupExpectedEvents);
  }

  get pendingRows(): number {
    return this.pending.length;
  }

  /** Loads the dedup filter from ClickHouse, replays the log an earlier process left, starts the batcher. */
  async start(): Promise<{ keysLoaded: number; replayed: number }> {
    const started = Date.now();
    const keysLoaded = await this.o.store.forEachEventKey((k) => this.bloom.add(k));
    const { records, lastSegment } = await this.o.log.open();
    const replayed = await this.storeVerified(records);
    await this.o.log.removeThrough(lastSegment);
    this.o.logger.info({ keysLoaded, replayed, bloomBytes: this.bloom.bytes, ms: Date.now() - started }, 'ingest ready');
    this.timer = setInterval(() => void this.maybeFlush(), Math.min(100, this.o.flushMaxAgeMs));
    this.timer.unref();
    return { keysLoaded, replayed };
  }

  /**
   * `districts`: the districts this source may write events for (SPEC: a token limited to districts has an
   * event for another district rejected by index with `district_not_allowed`, kept like any rejected event).
   */
  async ingest(items: BodyItem[], source: string, districts: ReadonlySet<string> | null = null): Promise<IngestResult> {
    if (this.pending.length >= this.o.maxPendingRows) {
      throw overloaded(2, `${this.pending.length} events are waiting for ClickHouse; retry shortly`);
    }
    const now = this.o.now?.() ?? Date.now();
    const rejected: Array<Rejection & { raw: string }> = [];
    const valid: Array<{ index: number; event: CaseEvent }> = [];
    items.forEach((item, index) => {
      if ('unreadable' in item) {
        rejected.push({ index, errors: [item.unreadable], raw: item.raw });
        return;
      }
      const v = validateEvent(item.value, now);
      if (v.ok && districts && !districts.has(v.event.districtCode)) {
        rejected.push({ index, eventId: v.event.eventId, errors: [`district_not_allowed: source ${source} may not write events for district ${v.event.districtCode}`], raw: rawText(item.value) });
      } else if (v.ok) valid.push({ index, event: v.event });
      else rejected.push({ index, eventId: eventIdOf(item.value), errors: v.errors, raw: rawText(item.value) });
    });

    const { fresh, duplicates, release } = await this.claim(valid.map((v) => v.event));
    const receivedAt = Date.now();
    const records: LogRecord[] = [
      ...fresh.map((e) => ({ e: toEventRow(e, source, receivedAt, dataQualityFlags(e, this.o.isKnownItem), this.o.piiKeys) })),
      ...rejected.map((r) => ({
        r: {
          rejection_id: randomUUID(),
          received_at: shanghaiDateTime(receivedAt),
          source,
          batch_index: r.index,
          event_id: r.eventId ?? '',
          // A rejected event may hold an applicant's data too: kept whole, encrypted like the fields of a good one.
          raw: this.o.piiKeys ? encryptPii(r.raw, this.o.piiKeys) : r.raw,
          errors: r.errors,
        },
      })),
    ];
    if (records.length) {
      try {
        await this.o.log.append(records, (segment) => {
          for (const record of records) this.pending.push({ segment, record });
          for (const e of fresh) this.bloom.add(eventKey(e.eventId));
        });
      } catch (err) {
        release(false);
        throw err;
      }
    }
    release(true);
    this.counters.accepted += fresh.length;
    this.counters.duplicates += duplicates;
    this.counters.rejected += rejected.length;
    if (fresh.length) this.o.onAccepted(fresh);
    if (this.pending.length >= this.o.flushMaxRows) void this.flush();
    return { accepted: fresh.length, duplicates, rejected: rejected.map(({ raw: _raw, ...r }) => r) };
  }

  /** Stops the batcher and writes everything still pending into ClickHouse. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.pending.length) await this.flush();
    await this.o.log.close();
    if (this.pending.length) this.o.logger.error({ pending: this.pending.length }, 'events left in the ingest log; they are replayed at next start');
  }

  /** Decides which events are new, reserving their ids so a concurrent request sees them. */
  private async claim(events: CaseEvent[]) {
    const fresh: CaseEvent[] = [];
    const mine = new Map<string, (ok: boolean) => void>();
    let duplicates = 0;
    const waits: Array<Promise<boolean>> = [];
    const toConfirm: CaseEvent[] = [];
    const reserve = (e: CaseEvent) => {
      let settle!: (ok: boolean) => void;
      this.inFlight.set(e.eventId, new Promise<boolean>((r) => (settle = r)));
      mine.set(e.eventId, settle);
      fresh.push(e);
    };
    const seen = new Set<string>();
    for (const e of events) {
      if (seen.has(e.eventId)) {
        duplicates++;
        continue;
      }
      seen.add(e.eventId);
      const other = this.inFlight.get(e.eventId);
      if (other) waits.push(other);
      else if (this.bloom.mightContain(eventKey(e.eventId))) toConfirm.push(e);
      else reserve(e);
    }
    if (toConfirm.length) {
      this.counters.confirmLookups++;
      const stored = await this.o.store.existingEventIds(toConfirm.map((e) => ({ event_id: e.eventId, event_key: eventKey(e.eventId) })));
      for (const e of toConfirm) {
        if (stored.has(e.eventId) || this.inFlight.has(e.eventId)) duplicates++;
        else reserve(e);
      }
    }
    const release = (ok: boolean) => {
      for (const [id, settle] of mine) {
        settle(ok);
        if (!ok) this.inFlight.delete(id);
      }
    };
    // An id another request is writing counts as a duplicate once that write is durable.
    const outcomes = await Promise.all(waits);
    if (outcomes.includes(false)) {
      release(false);
      throw overloaded(1, 'a concurrent write of the same events failed; retry');
    }
    duplicates += outcomes.length;
    return { fresh, duplicates, release };
  }

  private async maybeFlush(): Promise<void> {
    if (this.pending.length && Date.now() - this.lastFlush >= this.o.flushMaxAgeMs) await this.flush();
  }

  /** Seals the log, writes what the sealed segments hold into ClickHouse, deletes those segments. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    this.lastFlush = Date.now();
    if (!this.pending.length) return;
    const sealed = await this.o.log.seal();
    const take = this.pending.filter((p) => p.segment <= sealed);
    this.pending = this.pending.filter((p) => p.segment > sealed);
    const records = take.map((p) => p.record);
    this.inserting = records;
    try {
      if (this.verifyNextFlush) await this.storeVerified(records);
      else await this.storeAll(records);
      this.verifyNextFlush = false;
      await this.o.log.removeThrough(sealed);
      for (const r of records) if ('e' in r) this.inFlight.delete(r.e.event_id);
      this.counters.flushes++;
    } catch (err) {
      this.counters.flushErrors++;
      this.verifyNextFlush = true;
      this.pending = [...take, ...this.pending];
      this.o.logger.error({ err, rows: records.length }, 'writing to ClickHouse failed; kept in the ingest log, retrying');
    } finally {
      this.inserting = [];
    }
  }

  /** Accepted events of these cases that may not be in ClickHouse yet (pending or being written). */
  /**
   * Every accepted event of these cases, stored in ClickHouse or not yet flushed: what deriving a case needs.
   * The buffers are read before ClickHouse, so an event being flushed meanwhile is found in one or the other.
   */
  async eventsOfCases(caseIds: readonly string[]): Promise<Map<string, CaseEvent[]>> {
    const unflushed = this.unflushedEvents(new Set(caseIds));
    const stored = await this.o.store.eventsOfCases([...caseIds]);
    for (const row of unflushed) {
      const list = stored.get(row.case_id) ?? [];
      if (!list.some((e) => e.eventId === row.event_id)) list.push(eventOfRow(row));
      stored.set(row.case_id, list);
    }
    return stored;
  }

  private unflushedEvents(caseIds: ReadonlySet<string>): EventRow[] {
    const out: EventRow[] = [];
    for (const r of this.inserting) if ('e' in r && caseIds.has(r.e.case_id)) out.push(r.e);
    for (const p of this.pending) if ('e' in p.record && caseIds.has(p.record.e.case_id)) out.push(p.record.e);
    return out.map((r) => openEventRow(r, this.o.piiKeys));
  }

  private async storeAll(records: LogRecord[]): Promise<void> {
    const events: EventRow[] = [];
    const rejections: RejectedRow[] = [];
    for (const r of records) {
      if ('e' in r) events.push(r.e);
      else rejections.push(r.r);
    }
    for (let i = 0; i < events.length; i += this.o.flushMaxRows) await this.o.store.insertEvents(events.slice(i, i + this.o.flushMaxRows));
    await this.o.store.insertRejected(rejections);
  }

  /** Stores records that may already be partly in ClickHouse (replay, retry): checks before writing. */
  private async storeVerified(records: LogRecord[]): Promise<number> {
    const events = records.flatMap((r) => ('e' in r ? [r.e] : []));
    const rejections = records.flatMap((r) => ('r' in r ? [r.r] : []));
    const storedEvents = await this.o.store.existingEventIds(events);
    const storedRejections = await this.o.store.existingRejections(rejections.map((r) => r.rejection_id));
    const seen = new Set<string>();
    const missing = events.filter((e) => !storedEvents.has(e.event_id) && !seen.has(e.event_id) && seen.add(e.event_id));
    for (const e of missing) this.bloom.add(e.event_key);
    await this.storeAll([
      ...missing.map((e) => ({ e })),
      ...rejections.filter((r) => !storedRejections.has(r.rejection_id)).map((r) => ({ r })),
    ]);
    return missing.length;
  }
}

function eventIdOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'eventId' in value && typeof value.eventId === 'string') return value.eventId.slice(0, 64);
  return undefined;
}

function rawText(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
