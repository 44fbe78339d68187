import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { validateEvent, type CaseEvent, shanghaiDateTime } from '@tongban/shared';
import { overloaded } from '../errors.ts';
import { BloomFilter } from './bloom-filter.ts';
import { DedupSnapshot } from './dedup-snapshot.ts';
import type { EventArrivals } from './event-arrivals.store.ts';
import type { PiiKeyring } from '@tongban/shared/pii-crypto';
import type { BodyItem } from './event-body.ts';
import type { DiskSpace } from './disk-space.ts';
import { eventContent, eventOfRow, normalizeRejectedRow, openEventRow, sealEventRow, sealRaw, toEventRow, type EventRow, type RejectedRow } from './event-row.ts';
import type { EventStore } from './event.store.ts';
import type { IngestLog } from './ingest-log.ts';
import { dataQualityFlags } from './data-quality.ts';
import { insertBlocks } from './insert-blocks.ts';
import { occurredAtProblem } from './occurred-at.ts';
import { singleNodeReservations, type InflightReservations } from './inflight-reservations.ts';

export type { BodyItem } from './event-body.ts';

export interface Rejection {
  index: number;
  eventId?: string;
  errors: string[];
}
export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** Events whose eventId is already taken by an event with different content (that copy is kept, not stored). */
  conflicts: number;
  rejected: Rejection[];
}

export type LogRecord = { e: EventRow } | { r: RejectedRow };

/** Why ingest is not fully well: disk below its floor, the log failing, ClickHouse failing, a backlog near its bound. */
export type DegradedReason = 'disk' | 'log_write_failed' | 'clickhouse' | 'backlog';
export interface IngestHealth {
  status: 'ok' | 'degraded';
  /** false while POST /api/v1/events answers 503 before trying (disk floor, backlog bound). */
  accepting: boolean;
  reasons: Array<{ reason: DegradedReason; message: string }>;
  pendingRows: number;
  logBytes: number;
  diskFreeBytes: number | null;
  /**
   * The dedup filter as its bits tell it: its false-positive rate now (each "maybe" costs an `event_ids` lookup),
   * about how many distinct ids it holds, and how many it was sized for (DEDUP_EXPECTED_EVENTS).
   */
  dedupFilter: { falsePositive: number; keys: number; sizedFor: number };
}

const CONFLICT = 'conflict: this eventId is already stored with different content; the first version stays, this copy is kept for inspection';
/** A log or ClickHouse failure older than this no longer makes /healthz degraded by itself. */
const ERROR_MEMORY_MS = 30_000;

interface Options {
  store: EventStore;
  /** The district an open case belongs to (the supervision engine's), to keep a district-limited source out of other districts' cases. */
  caseDistrict?: (caseId: string) => string | undefined;
  log: IngestLog<LogRecord>;
  logger: Logger;
  flushMaxRows: number;
  flushMaxAgeMs: number;
  maxPendingRows: number;
  /** Bytes of log not yet confirmed by ClickHouse beyond which ingest answers 503 (the buffer for an outage). */
  maxLogBytes: number;
  /** Free bytes on DATA_DIR below which ingest answers 503 before trying to write. */
  diskFreeFloorBytes: number;
  disk: DiskSpace;
  dedupExpectedEvents: number;
  /** The dedup filter persisted in DATA_DIR (issue 16): start loads it plus the tail since, not every key. */
  dedupSnapshot?: { file: string; intervalMs: number; falsePositive: number; arrivals: EventArrivals } | undefined;
  isKnownItem: (itemCode: string) => boolean;
  /** Called with the rows of every flush once they are in ClickHouse (several nodes: the engine's holder projects them). */
  onStored?: (rows: EventRow[]) => void;
  /** Called with every newly accepted event once it is durable. */
  onAccepted: (events: CaseEvent[]) => void;
  now?: () => number;
  /** PII_KEY: applicants' personal fields are encrypted in the ingest log and in ClickHouse. */
  piiKeys?: PiiKeyring | undefined;
  /** Several nodes: eventIds reserved in Redis while written, so another node does not store them too. */
  reservations?: InflightReservations;
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
  readonly dedupSnapshot: DedupSnapshot | undefined;
  /** eventId → its content, and a promise of true once durable (false if its append failed). Kept until stored in ClickHouse. */
  private readonly inFlight = new Map<string, { durable: Promise<boolean>; content: string }>();
  private pending: Array<{ segment: number; record: LogRecord }> = [];
  /** Records taken from `pending` by a flush that has not finished writing them. */
  private inserting: LogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private lastFlush = Date.now();
  /** After a failed flush we cannot know what reached ClickHouse: the next flush checks first. */
  private verifyNextFlush = false;
  /** The segments a failed flush sealed: the next attempt resends exactly their blocks, sealing nothing new. */
  private retryThrough: number | undefined;
  private consecutiveFlushErrors = 0;
  private clickhouseError: { message: string; at: number } | undefined;
  readonly counters = { accepted: 0, duplicates: 0, conflicts: 0, rejected: 0, confirmLookups: 0, flushes: 0, flushErrors: 0, refused: 0, logWriteErrors: 0 };

  private readonly shared: InflightReservations;

  constructor(private readonly o: Options) {
    this.bloom = new BloomFilter(o.dedupExpectedEvents, o.dedupSnapshot?.falsePositive);
    const snap = o.dedupSnapshot;
    this.dedupSnapshot = snap && new DedupSnapshot({ bloom: this.bloom, file: snap.file, arrivals: snap.arrivals, intervalMs: snap.intervalMs, logger: o.logger, rebuild: (visit) => o.store.forEachEventKey(visit) });
    this.shared = o.reservations ?? singleNodeReservations;
    this.shared.onPeerStored((keys) => {
      for (const k of keys) this.bloom.add(k);
    });
  }

  /** Adds every stored event key to the filter again (after it may have missed other nodes' announcements). */
  async reloadBloom(): Promise<number> {
    return this.o.store.forEachEventKey((k) => this.bloom.add(k));
  }

  get pendingRows(): number {
    return this.pending.length;
  }

  /** Loads the dedup filter from ClickHouse, replays the log an earlier process left, starts the batcher. */
  async start(): Promise<{ keysLoaded: number; replayed: number }> {
    const started = Date.now();
    const dedup = this.dedupSnapshot ? await this.dedupSnapshot.load() : undefined;
    const keysLoaded = dedup ? (dedup.source === 'rebuild' ? dedup.keys : dedup.tailKeys) : await this.o.store.forEachEventKey((k) => this.bloom.add(k));
    if (dedup) this.o.logger.info(dedup, 'dedup filter loaded');
    const { entries, lastSegment } = await this.o.log.open();
    const replayed = await this.storeVerified(entries);
    await this.o.log.removeThrough(lastSegment);
    const filter = this.bloom.estimate();
    this.o.logger.info({ keysLoaded, replayed, bloomBytes: this.bloom.bytes, dedupFilter: filter, ms: Date.now() - started }, 'ingest ready');
    const designed = this.o.dedupSnapshot?.falsePositive ?? 0.01;
    if (filter.falsePositive > 5 * designed) {
      this.o.logger.warn(
        { dedupFilter: filter, sizedFor: this.o.dedupExpectedEvents },
        `the dedup filter holds about ${filter.keys} ids, past the ${this.o.dedupExpectedEvents} it is sized for: ${(filter.falsePositive * 100).toFixed(0)}% of new events cost an event_ids lookup. ` +
          `Set DEDUP_EXPECTED_EVENTS to at least ${2 * filter.keys} (the next start rebuilds the filter once from event_ids)`,
      );
    }
    this.timer = setInterval(() => void this.maybeFlush(), Math.min(100, this.o.flushMaxAgeMs));
    this.timer.unref();
    this.dedupSnapshot?.start();
    return { keysLoaded, replayed };
  }

  /** Refuses before trying when the event could not be made durable: disk below its floor, backlog at its bound. */
  async admit(): Promise<void> {
    if (this.pending.length >= this.o.maxPendingRows) {
      this.counters.refused++;
      throw overloaded(5, `${this.pending.length} events are waiting for ClickHouse; retry shortly`);
    }
    const logBytes = this.o.log.health.bytes;
    if (logBytes >= this.o.maxLogBytes) {
      this.counters.refused++;
      throw overloaded(10, `the local ingest log holds ${logBytes} bytes not yet in ClickHouse (bound ${this.o.maxLogBytes}); retry later`);
    }
    const free = await this.o.disk.current();
    if (free !== undefined && free < this.o.diskFreeFloorBytes) {
      this.counters.refused++;
      throw overloaded(30, `the data disk has ${free} bytes free, below the floor of ${this.o.diskFreeFloorBytes}; retry later`);
    }
  }

  /**
   * `districts`: the districts this source may write events for (SPEC: a token limited to districts has an
   * event for another district rejected by index with `district_not_allowed`, kept like any rejected event).
   */
  async ingest(items: BodyItem[], source: string, districts: ReadonlySet<string> | null = null): Promise<IngestResult> {
    await this.admit();
    const now = this.o.now?.() ?? Date.now();
    const rejected: Array<Rejection & { raw: Buffer }> = [];
    const valid: Array<{ index: number; event: CaseEvent; raw: Buffer }> = [];
    items.forEach((item, index) => {
      if ('unreadable' in item) {
        rejected.push({ index, ...(item.eventId ? { eventId: item.eventId } : {}), errors: [item.unreadable], raw: item.raw });
        return;
      }
      const v = validateEvent(item.value, now);
      const at = occurredAtOf(item.value);
      const atProblem = at === undefined ? undefined : occurredAtProblem(at);
      const caseDistrict = v.ok && districts ? this.o.caseDistrict?.(v.event.caseId) : undefined;
      if (v.ok && !atProblem && districts && !districts.has(v.event.districtCode)) {
        rejected.push({ index, eventId: v.event.eventId, errors: [`district_not_allowed: source ${source} may not write events for district ${v.event.districtCode}`], raw: item.raw });
      } else if (v.ok && !atProblem && caseDistrict !== undefined && districts && !districts.has(caseDistrict)) {
        // Naming its own district does not let a source complete or rate another district's case, nor move it.
        rejected.push({ index, eventId: v.event.eventId, errors: [`district_not_allowed: case ${v.event.caseId} belongs to district ${caseDistrict}, which source ${source} may not write for`], raw: item.raw });
      } else if (v.ok && !atProblem) valid.push({ index, event: v.event, raw: item.raw });
      else {
        const errors = v.ok ? [] : v.errors;
        if (atProblem && !errors.some((e) => e.startsWith('occurredAt:'))) errors.push(`occurredAt: ${atProblem}`);
        rejected.push({ index, ...optionalId(eventIdOf(item.value)), errors, raw: item.raw });
      }
    });

    const receivedAt = Date.now();
    const rows = valid.map((v) => toEventRow(v.event, source, receivedAt, dataQualityFlags(v.event, this.o.isKnownItem)));
    const { fresh, duplicates, conflicts, release: releaseLocal } = await this.claim(rows);
    const settleShared = (ok: boolean) =>
      this.shared.settle(fresh.map((i) => rows[i]!.event_id), ok).catch((err: unknown) => this.o.logger.warn({ err: (err as Error).message }, 'settling shared event reservations failed; they lapse by themselves'));
    const release = (ok: boolean) => {
      releaseLocal(ok);
      if (!ok) void settleShared(false);
    };
    const freshEvents = fresh.map((i) => valid[i]!.event);
    // Rows are compared in the clear (content, conflicts) and sealed only on their way to the log and ClickHouse:
    // with PII_KEY the applicant's fields and the raw text of a rejected event are stored encrypted.
    const pii = this.o.piiKeys;
    const rejectedRow = (index: number, eventId: string, raw: Buffer, errors: string[]): LogRecord => ({
      r: { rejection_id: randomUUID(), received_at: shanghaiDateTime(receivedAt), source, batch_index: index, event_id: eventId, raw_base64: sealRaw(raw, pii), errors },
    });
    const records: LogRecord[] = [
      ...fresh.map((i) => ({ e: sealEventRow(rows[i]!, pii) })),
      ...rejected.map((r) => rejectedRow(r.index, r.eventId ?? '', r.raw, r.errors)),
      ...conflicts.map((i) => rejectedRow(valid[i]!.index, rows[i]!.event_id, valid[i]!.raw, [CONFLICT])),
    ];
    if (records.length) {
      try {
        await this.o.log.append(records, (segment) => {
          for (const record of records) this.pending.push({ segment, record });
          for (const i of fresh) this.bloom.add(rows[i]!.event_key);
        });
      } catch (err) {
        release(false);
        this.counters.logWriteErrors++;
        this.o.disk.invalidate();
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        this.o.logger.warn({ code, message: (err as Error).message, records: records.length }, 'ingest log write failed; batch not acknowledged');
        throw overloaded(5, `the events could not be made durable (${code}); this request is not acknowledged, retry`);
      }
    }
    release(true);
    await settleShared(true);
    this.counters.accepted += fresh.length;
    this.counters.duplicates += duplicates;
    this.counters.conflicts += conflicts.length;
    this.counters.rejected += rejected.length;
    if (freshEvents.length) this.o.onAccepted(freshEvents);
    if (this.pending.length >= this.o.flushMaxRows) void this.flush();
    return { accepted: fresh.length, duplicates, conflicts: conflicts.length, rejected: rejected.map(({ raw: _raw, ...r }) => r) };
  }

  health(): IngestHealth {
    void this.o.disk.current(); // keeps the reading fresh between requests (it is cached, so this is cheap)
    const now = Date.now();
    const reasons: IngestHealth['reasons'] = [];
    const log = this.o.log.health;
    const free = this.o.disk.freeBytes;
    const recentLogError = log.lastError && now - log.lastError.at < ERROR_MEMORY_MS ? log.lastError : undefined;
    const diskLow = free !== undefined && free < this.o.diskFreeFloorBytes;
    if (diskLow || (recentLogError && /^(ENOSPC|EDQUOT)$/.test(recentLogError.code))) {
      reasons.push({ reason: 'disk', message: diskLow ? `${free} bytes free on the data disk, below the floor of ${this.o.diskFreeFloorBytes}` : `the ingest log is out of space (${recentLogError!.code})` });
    } else if (recentLogError) {
      reasons.push({ reason: 'log_write_failed', message: `writing the ingest log failed: ${recentLogError.code} ${recentLogError.message}` });
    }
    if (this.clickhouseError) reasons.push({ reason: 'clickhouse', message: `writing to ClickHouse fails (${this.consecutiveFlushErrors} attempts): ${this.clickhouseError.message}` });
    const backlogFull = this.pending.length >= this.o.maxPendingRows || log.bytes >= this.o.maxLogBytes;
    if (backlogFull || this.pending.length >= 0.8 * this.o.maxPendingRows || log.bytes >= 0.8 * this.o.maxLogBytes) {
      reasons.push({ reason: 'backlog', message: `${this.pending.length} events (${log.bytes} bytes of log) wait for ClickHouse; bounds ${this.o.maxPendingRows} events, ${this.o.maxLogBytes} bytes` });
    }
    return {
      status: reasons.length ? 'degraded' : 'ok',
      accepting: !diskLow && !backlogFull,
      reasons,
      pendingRows: this.pending.length + this.inserting.length,
      logBytes: log.bytes,
      diskFreeBytes: free ?? null,
      dedupFilter: { ...this.bloom.estimate(), sizedFor: this.o.dedupExpectedEvents },
    };
  }

  /** Stops the batcher and writes everything still pending into ClickHouse. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.pending.length) await this.flush();
    await this.o.log.close();
    await this.dedupSnapshot?.stop().catch(() => undefined);
    if (this.pending.length) this.o.logger.error({ pending: this.pending.length }, 'events left in the ingest log; they are replayed at next start');
  }

  /**
   * Decides which events are new, reserving their ids so a concurrent request sees them. Returns indexes
   * into `rows`: fresh ones to store, conflicting ones (same id, other content) to keep for inspection.
   */
  private async claim(rows: EventRow[]) {
    const fresh: number[] = [];
    const conflicts: number[] = [];
    const mine = new Map<string, (ok: boolean) => void>();
    let duplicates = 0;
    const waits: Array<{ durable: Promise<boolean>; conflict: boolean; i: number }> = [];
    const toConfirm: number[] = [];
    const contents = rows.map((r) => eventContent(r, Date.parse(`${r.occurred_at.replace(' ', 'T')}+08:00`)));
    const reserve = (i: number) => {
      let settle!: (ok: boolean) => void;
      this.inFlight.set(rows[i]!.event_id, { durable: new Promise<boolean>((r) => (settle = r)), content: contents[i]! });
      mine.set(rows[i]!.event_id, settle);
      fresh.push(i);
    };
    const seen = new Map<string, string>();
    rows.forEach((r, i) => {
      const earlier = seen.get(r.event_id);
      if (earlier !== undefined) {
        if (earlier === contents[i]) duplicates++;
        else conflicts.push(i);
        return;
      }
      seen.set(r.event_id, contents[i]!);
      const other = this.inFlight.get(r.event_id);
      if (other) waits.push({ durable: other.durable, conflict: other.content !== contents[i], i });
      else if (this.bloom.mightContain(r.event_key) || !this.shared.bloomComplete) toConfirm.push(i);
      else reserve(i);
    });
    if (toConfirm.length) {
      this.counters.confirmLookups++;
      let stored: Map<string, string | null>;
      try {
        stored = await this.o.store.storedContents(toConfirm.map((i) => rows[i]!));
      } catch (err) {
        // Cannot tell a retry from a new event without ClickHouse: refuse rather than store twice.
        for (const [id, settle] of mine) {
          settle(false);
          this.inFlight.delete(id);
        }
        this.o.logger.warn({ err: (err as Error).message }, 'duplicate check against ClickHouse failed; batch refused');
        throw overloaded(5, 'some events may be copies of stored ones and ClickHouse cannot be asked now; retry shortly');
      }
      for (const i of toConfirm) {
        const id = rows[i]!.event_id;
        const other = this.inFlight.get(id);
        if (stored.has(id)) {
          if (stored.get(id) === contents[i]) duplicates++;
          else conflicts.push(i);
        } else if (other) waits.push({ durable: other.durable, conflict: other.content !== contents[i], i });
        else reserve(i);
      }
    }
    const release = (ok: boolean) => {
      for (const [id, settle] of mine) {
        settle(ok);
        if (!ok) this.inFlight.delete(id);
      }
    };
    await this.reserveShared(rows, contents, fresh, mine, waits);
    // An id another request is writing counts as a duplicate (or conflict) once that write is durable.
    const outcomes = await Promise.all(waits.map((w) => w.durable));
    if (outcomes.includes(false)) {
      release(false);
      void this.shared.settle(fresh.map((i) => rows[i]!.event_id), false).catch(() => undefined);
      throw overloaded(1, 'a concurrent write of the same events failed; retry');
    }
    for (const w of waits) {
      if (w.conflict) conflicts.push(w.i);
      else duplicates++;
    }
    return { fresh, duplicates, conflicts, release };
  }

  /**
   * The ids this node found new, reserved across nodes: one another node holds leaves `fresh` and waits for
   * that node's write like a concurrent local request (local requests waiting on it get the same outcome).
   */
  private async reserveShared(rows: EventRow[], contents: string[], fresh: number[], mine: Map<string, (ok: boolean) => void>, waits: Array<{ durable: Promise<boolean>; conflict: boolean; i: number }>): Promise<void> {
    if (this.shared === singleNodeReservations || !fresh.length) return;
    let held: Awaited<ReturnType<InflightReservations['reserve']>>;
    try {
      held = await this.shared.reserve(fresh.map((i) => ({ id: rows[i]!.event_id, content: contents[i]! })));
    } catch (err) {
      for (const [id, settle] of mine) {
        settle(false);
        this.inFlight.delete(id);
      }
      this.o.logger.warn({ err: (err as Error).message }, 'reserving events across nodes failed (Redis); batch refused');
      throw overloaded(2, 'the events cannot be reserved across nodes now (Redis unreachable); retry shortly');
    }
    const kept: number[] = [];
    fresh.forEach((i, k) => {
      const other = held[k];
      if (!other) return kept.push(i);
      const id = rows[i]!.event_id;
      const settle = mine.get(id)!;
      mine.delete(id);
      void other.durable.then((ok) => {
        settle(ok);
        this.inFlight.delete(id);
      });
      waits.push({ durable: other.durable, conflict: !other.sameContent, i });
    });
    fresh.splice(0, fresh.length, ...kept);
  }

  private async maybeFlush(): Promise<void> {
    // After failures, wait longer between attempts (up to 5 s) so an outage is not hammered.
    const wait = this.consecutiveFlushErrors ? Math.min(5_000, this.o.flushMaxAgeMs * 2 ** Math.min(this.consecutiveFlushErrors, 6)) : this.o.flushMaxAgeMs;
    if (this.pending.length && Date.now() - this.lastFlush >= wait) await this.flush();
  }

  /** Seals the log, writes what the sealed segments hold into ClickHouse, deletes those segments. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    this.lastFlush = Date.now();
    if (!this.pending.length) return;
    let sealed: number;
    try {
      sealed = this.retryThrough ?? (await this.o.log.seal());
    } catch (err) {
      this.o.logger.error({ err }, 'sealing the ingest log failed; the flush is retried');
      return;
    }
    const take = this.pending.filter((p) => p.segment <= sealed);
    this.pending = this.pending.filter((p) => p.segment > sealed);
    const records = take.map((p) => p.record);
    this.inserting = records;
    try {
      if (this.verifyNextFlush) await this.storeVerified(take);
      else await this.storeAll(take);
      this.verifyNextFlush = false;
      this.retryThrough = undefined;
      await this.o.log.removeThrough(sealed);
      for (const r of records) if ('e' in r) this.inFlight.delete(r.e.event_id);
      this.counters.flushes++;
      if (this.clickhouseError) this.o.logger.info({ attempts: this.consecutiveFlushErrors }, 'writing to ClickHouse works again');
      this.consecutiveFlushErrors = 0;
      this.clickhouseError = undefined;
    } catch (err) {
      this.counters.flushErrors++;
      this.consecutiveFlushErrors++;
      this.clickhouseError = { message: (err as Error).message.slice(0, 300), at: Date.now() };
      this.verifyNextFlush = true;
      this.retryThrough = sealed;
      this.pending = [...take, ...this.pending];
      this.o.logger.error({ err, rows: records.length }, 'writing to ClickHouse failed; kept in the ingest log, retrying');
    } finally {
      this.inserting = [];
    }
  }

  /**
   * Every accepted event of these cases, stored in ClickHouse or not yet flushed: what deriving a case needs.
   * The buffers are read before ClickHouse, so an event being flushed meanwhile is found in one or the other.
   * `derivation`: the stored ones with only what derivation reads (EventStore.derivationEventsOfCases: no
   * applicant, no source), for the case projector.
   */
  async eventsOfCases(caseIds: readonly string[], o: { derivation?: boolean } = {}): Promise<Map<string, CaseEvent[]>> {
    const unflushed = this.unflushedEvents(new Set(caseIds));
    const stored = o.derivation ? await this.o.store.derivationEventsOfCases(caseIds) : await this.o.store.eventsOfCases([...caseIds]);
    for (const row of unflushed) {
      const list = stored.get(row.case_id) ?? [];
      if (!list.some((e) => e.eventId === row.event_id)) list.push(eventOfRow(row));
      stored.set(row.case_id, list);
    }
    return stored;
  }

  /** The cases of every accepted event not yet in ClickHouse. */
  unflushedCaseIds(): string[] {
    const ids = new Set<string>();
    for (const r of this.inserting) if ('e' in r) ids.add(r.e.case_id);
    for (const p of this.pending) if ('e' in p.record) ids.add(p.record.e.case_id);
    return [...ids];
  }

  private unflushedEvents(caseIds: ReadonlySet<string>): EventRow[] {
    const out: EventRow[] = [];
    for (const r of this.inserting) if ('e' in r && caseIds.has(r.e.case_id)) out.push(r.e);
    for (const p of this.pending) if ('e' in p.record && caseIds.has(p.record.e.case_id)) out.push(p.record.e);
    return out.map((r) => openEventRow(r, this.o.piiKeys));
  }

  /** Events in the blocks of insert-blocks.ts (each the same on every attempt), then the rejected rows. */
  private async storeAll(entries: Array<{ segment: number; record: LogRecord }>, storedRejections?: ReadonlySet<string>): Promise<void> {
    const events: EventRow[] = [];
    for (const rows of insertBlocks(entries, (r) => ('e' in r ? r.e : undefined))) {
      await this.o.store.insertEvents(rows);
      for (const e of rows) events.push(e);
    }
    const rejections = entries.flatMap(({ record: r }) => ('r' in r ? [normalizeRejectedRow(r.r)] : []));
    await this.o.store.insertRejected(storedRejections ? rejections.filter((r) => !storedRejections.has(r.rejection_id)) : rejections);
    if (events.length) {
      await this.shared.stored(events.map((e) => e.event_id), events.map((e) => e.event_key)).catch((err: unknown) => this.o.logger.warn({ err: (err as Error).message }, 'announcing stored events to the other nodes failed'));
      this.o.onStored?.(events);
    }
  }

  /**
   * Stores records that may already be partly in ClickHouse (replay, retry). The events' blocks are sent
   * again exactly as before, never filtered by what `event_ids` shows (see insert-blocks.ts: the block's
   * token makes each table keep one copy); rejected rows (one table, no views) are checked first.
   */
  private async storeVerified(entries: Array<{ segment: number; record: LogRecord }>): Promise<number> {
    let events = 0;
    const rejectionIds: string[] = [];
    for (const { record: r } of entries) {
      if ('e' in r) {
        this.bloom.add(r.e.event_key);
        events++;
      } else rejectionIds.push(r.r.rejection_id);
    }
    await this.storeAll(entries, await this.o.store.existingRejections(rejectionIds));
    return events;
  }
}

function eventIdOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'eventId' in value && typeof value.eventId === 'string') return value.eventId.slice(0, 64);
  return undefined;
}

function occurredAtOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'occurredAt' in value && typeof value.occurredAt === 'string') return value.occurredAt;
  return undefined;
}

const optionalId = (id: string | undefined) => (id === undefined ? {} : { eventId: id });
