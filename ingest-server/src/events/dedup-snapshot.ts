import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ARRIVALS_KEPT_DAYS } from '../clickhouse/migrations.ts';
import type { BloomFilter, BloomShape } from './bloom-filter.ts';
import type { EventArrivals } from './event-arrivals.store.ts';

const MAGIC = Buffer.from('TBDEDUP1');
const CHUNK = 8 * 1024 * 1024;
const DIGEST_BYTES = 32;
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
 * File: `TBDEDUP1`, header length (u32 LE), header JSON (shape, watermark), the partitions' words, then the
 * SHA-256 of all that. Written to a temporary file, fsynced and renamed, so a SIGKILL leaves the previous
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
    const tmp = `${this.o.file}.${process.pid}.tmp`;
    try {
      // Keys stored without passing through ingest (a backfill in this process) are taken in first.
      const t = await this.o.arrivals.now();
      await this.o.arrivals.forEachKeySince(this.coveredUntil - TAIL_MARGIN_MS, (k) => this.o.bloom.add(k));
      this.coveredUntil = t;
      await mkdir(path.dirname(this.o.file), { recursive: true });
      const header: Header = { format: 1, ...this.o.bloom.shape, watermarkMs: t, writtenAt: new Date().toISOString() };
      const json = Buffer.from(JSON.stringify(header));
      const head = Buffer.alloc(MAGIC.length + 4);
      MAGIC.copy(head);
      head.writeUInt32LE(json.length, MAGIC.length);
      const hash = createHash('sha256');
      const fh = await open(tmp, 'w');
      let bytes = 0;
      try {
        const put = async (b: Buffer) => {
          hash.update(b);
          await fh.write(b);
          bytes += b.length;
        };
        await put(head);
        await put(json);
        for (const p of this.o.bloom.partitions) {
          for (let off = 0; off < p.byteLength; off += CHUNK) {
            // A copy: the chunk hashed is the chunk written, whatever ingest sets meanwhile.
            await put(Buffer.from(Buffer.from(p.buffer, p.byteOffset + off, Math.min(CHUNK, p.byteLength - off))));
          }
        }
        const digest = hash.digest();
        await fh.write(digest);
        bytes += digest.length;
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (existsSync(this.o.file)) await rename(this.o.file, this.previousFile);
      await rename(tmp, this.o.file);
      this.counters.writes++;
      this.counters.lastWriteMs = Date.now() - started;
      this.counters.lastBytes = bytes;
    } catch (err) {
      this.counters.writeErrors++;
      await rm(tmp, { force: true });
      this.o.logger.warn({ err }, 'writing the dedup snapshot failed; the previous one stays');
      throw err;
    }
  }

  /** Reads a snapshot into the filter's bits; on any problem the bits are cleared again. */
  private async read(file: string): Promise<{ watermarkMs: number } | { problem: string }> {
    const fh = await open(file, 'r');
    try {
      const size = (await stat(file)).size;
      const head = Buffer.alloc(MAGIC.length + 4);
      if (size < head.length || (await fh.read(head, 0, head.length, 0)).bytesRead < head.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) return { problem: 'not a dedup snapshot (torn or foreign)' };
      const jsonLength = head.readUInt32LE(MAGIC.length);
      if (jsonLength > 64 * 1024 || size < head.length + jsonLength) return { problem: 'torn header' };
      const json = Buffer.alloc(jsonLength);
      await fh.read(json, 0, jsonLength, head.length);
      let header: Header;
      try {
        header = JSON.parse(json.toString('utf8')) as Header;
      } catch {
        return { problem: 'unreadable header' };
      }
      const shape = this.o.bloom.shape;
      if (header.format !== 1 || header.partitions !== shape.partitions || header.bitsPerPartition !== shape.bitsPerPartition || header.hashes !== shape.hashes) {
        return { problem: 'made for a filter of another size (DEDUP_EXPECTED_EVENTS or DEDUP_FALSE_POSITIVE changed)' };
      }
      const dataBytes = this.o.bloom.bytes;
      if (size !== head.length + jsonLength + dataBytes + DIGEST_BYTES) return { problem: `torn: ${size} bytes, expected ${head.length + jsonLength + dataBytes + DIGEST_BYTES}` };
      const hash = createHash('sha256').update(head).update(json);
      let pos = head.length + jsonLength;
      for (const p of this.o.bloom.partitions) {
        const view = Buffer.from(p.buffer, p.byteOffset, p.byteLength);
        for (let off = 0; off < view.length; off += CHUNK) {
          const len = Math.min(CHUNK, view.length - off);
          await fh.read(view, off, len, pos);
          hash.update(view.subarray(off, off + len));
          pos += len;
        }
      }
      const digest = Buffer.alloc(DIGEST_BYTES);
      await fh.read(digest, 0, DIGEST_BYTES, pos);
      if (!hash.digest().equals(digest)) {
        this.clear();
        return { problem: 'checksum mismatch (corrupt)' };
      }
      return { watermarkMs: header.watermarkMs };
    } finally {
      await fh.close();
    }
  }

  private clear(): void {
    for (const p of this.o.bloom.partitions) p.fill(0);
  }
}
