import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ARRIVALS_KEPT_DAYS } from '../clickhouse/migrations.ts';
import type { BloomFilter, BloomShape } from './bloom-filter.ts';
import type { EventArrivals } from './event-arrivals.store.ts';
import { CHUNK, readChecksummedFile, writeChecksummedFile } from '../system/checksummed-file.ts';

const MAGIC = Buffer.from('TBDEDUP1');
/**
 * The tail is read from this long before the watermark: an insert whose arrival instant was taken just before
 * the watermark may become visible just after it. Adding a key twice is harmless.
 */
export const TAIL_MARGIN_MS = 60_000;
const DAY = 86_400_000;

interface Header extends BloomShape {
  format: 1;
  /** Engine time (ms) up to which every stored event key is in the bits. */
  watermarkMs: number;
  writtenAt: string;
}

export type LoadResult =
  | { source: 'snapshot' | 'previous'; tailKeys: number; watermarkMs: number; ms: number }
  | { source: 'rebuild'; keys: number; reason: string; ms: number };

interface Options {
  bloom: BloomFilter;
  /** DATA_DIR/dedup/filter.bin; the one before it is kept as filter.prev.bin. */
  file: string;
  arrivals: EventArrivals;
  /** The full pass over every stored key: only when no usable snapshot exists. */
  rebuild: (visit: (key: number) => void) => Promise<number>;
  logger: Logger;
  intervalMs: number;
}

/**
 * The dedup filter persisted, so start-up does not grow with history: a snapshot of its bits in DATA_DIR
 * (checksummed, written every `intervalMs` and at a clean stop) with the engine-time watermark it covers;
 * at start the snapshot is loaded and only the keys stored since (`event_arrivals`, the tail) are added.
 *
 * File: a checksummed file (system/checksummed-file.ts) `TBDEDUP1`, its header the shape and watermark, its data
 * the partitions' words. Written to a temporary file, fsynced and renamed, so a SIGKILL leaves the previous
 * one whole; the previous one is kept beside it. A torn or corrupt file (size or checksum) is detected and the
 * previous snapshot is tried, then a full rebuild from `event_ids`. A snapshot older than the kept arrivals
 * (ARRIVALS_KEPT_DAYS), or of another shape (DEDUP_EXPECTED_EVENTS or DEDUP_FALSE_POSITIVE changed), is not used.
 *
 * Bits only ever get set, so writing while ingest adds keys is safe: every key in the filter when the
 * watermark was taken is in the file (the chunk copied is the chunk hashed).
 */
export class DedupSnapshot {
  /** Engine time up to which every stored key is in the filter (null before load). */
  private coveredUntil: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  readonly counters = { writes: 0, writeErrors: 0, lastWriteMs: 0, lastBytes: 0 };

  constructor(private readonly o: Options) {}

  get previousFile(): string {
    return this.o.file.replace(/\.bin$/, '') + '.prev.bin';
  }

  async load(): Promise<LoadResult> {
    const started = Date.now();
    const t0 = await this.o.arrivals.now();
    const problems: string[] = [];
    for (const [file, source] of [[this.o.file, 'snapshot'], [this.previousFile, 'previous']] as const) {
      if (!existsSync(file)) continue;
      const read = await this.read(file);
      if ('problem' in read) {
        problems.push(`${path.basename(file)}: ${read.problem}`);
        this.o.logger.warn({ file, problem: read.problem }, 'dedup snapshot not usable; kept aside as .corrupt');
        // Out of the way, so the next write does not keep it as the previous snapshot.
        await rename(file, `${file}.corrupt`);
        continue;
      }
      if (read.watermarkMs < t0 - (ARRIVALS_KEPT_DAYS - 1) * DAY) {
        this.clear();
        problems.push(`${path.basename(file)}: older than the ${ARRIVALS_KEPT_DAYS} days of arrivals kept`);
        continue;
      }
      const tailKeys = await this.o.arrivals.forEachKeySince(read.watermarkMs - TAIL_MARGIN_MS, (k) => this.o.bloom.add(k));
      this.coveredUntil = t0;
      return { source, tailKeys, watermarkMs: read.watermarkMs, ms: Date.now() - started };
    }
    const keys = await this.o.rebuild((k) => this.o.bloom.add(k));
    this.coveredUntil = t0;
    return { source: 'rebuild', keys, reason: problems.join('; ') || 'no snapshot', ms: Date.now() - started };
  }

  start(): void {
    this.timer = setInterval(() => void this.write().catch(() => undefined), this.o.intervalMs);
    this.timer.unref();
  }

  /** Writes a snapshot now (the periodic one and the one at stop share a queue). */
  write(): Promise<void> {
    const run = this.writing.then(() => this.writeOnce());
    this.writing = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.write();
  }

  private async writeOnce(): Promise<void> {
    if (this.coveredUntil === null) return;
    const started = Date.now();
    try {
      // Keys stored without passing through ingest (a backfill in this process) are taken in first.
      const t = await this.o.arrivals.now();
      await this.o.arrivals.forEachKeySince(this.coveredUntil - TAIL_MARGIN_MS, (k) => this.o.bloom.add(k));
      this.coveredUntil = t;
      const header: Header = { format: 1, ...this.o.bloom.shape, watermarkMs: t, writtenAt: new Date().toISOString() };
      const partitions = this.o.bloom.partitions;
      function* chunks() {
        for (const p of partitions) {
          for (let off = 0; off < p.byteLength; off += CHUNK) {
            // A copy: the chunk hashed is the chunk written, whatever ingest sets meanwhile.
            yield Buffer.from(Buffer.from(p.buffer, p.byteOffset + off, Math.min(CHUNK, p.byteLength - off)));
          }
        }
      }
      this.counters.lastBytes = await writeChecksummedFile({ file: this.o.file, magic: MAGIC, header, chunks: chunks(), keepPrevious: this.previousFile });
      this.counters.writes++;
      this.counters.lastWriteMs = Date.now() - started;
    } catch (err) {
      this.counters.writeErrors++;
      this.o.logger.warn({ err }, 'writing the dedup snapshot failed; the previous one stays');
      throw err;
    }
  }

  /** Reads a snapshot into the filter's bits; on any problem the bits are cleared again. */
  private async read(file: string): Promise<{ watermarkMs: number } | { problem: string }> {
    const shape = this.o.bloom.shape;
    const read = await readChecksummedFile<Header>(file, MAGIC, 'a dedup snapshot', (header) => {
      if (header.format !== 1 || header.partitions !== shape.partitions || header.bitsPerPartition !== shape.bitsPerPartition || header.hashes !== shape.hashes) {
        return { problem: 'made for a filter of another size (DEDUP_EXPECTED_EVENTS or DEDUP_FALSE_POSITIVE changed)' };
      }
      return this.o.bloom.partitions.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    });
    if ('problem' in read) {
      this.clear();
      return read;
    }
    this.o.bloom.recount();
    return { watermarkMs: read.header.watermarkMs };
  }

  private clear(): void {
    for (const p of this.o.bloom.partitions) p.fill(0);
    this.o.bloom.recount();
  }
}
