import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * The file operations the log needs, so a test can inject short writes and failed fsyncs
 * (`test/ingest-log-faults.test.ts`) without mocking the rest of the log.
 */
export interface LogFile {
  /** Writes at `position`; resolves with the number of bytes written, which may be fewer than asked. */
  write(data: Uint8Array, position: number): Promise<number>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}
export interface LogFileSystem {
  /** Creates a new, empty file (the log never appends to a file an earlier process wrote). */
  create(file: string): Promise<LogFile>;
  readFile(file: string): Promise<Buffer>;
  readdir(dir: string): Promise<string[]>;
  unlink(file: string): Promise<void>;
}

export const nodeLogFileSystem: LogFileSystem = {
  async create(file) {
    const fh = await open(file, 'w');
    return {
      write: async (data, position) => (await fh.write(data, 0, data.length, position)).bytesWritten,
      datasync: () => fh.datasync(),
      truncate: (length) => fh.truncate(length),
      close: () => fh.close(),
    };
  },
  readFile: (file) => readFile(file),
  readdir: (dir) => readdir(dir),
  unlink: (file) => unlink(file),
};

/** Each record on disk: u32 LE payload length, u32 LE CRC-32 of the payload, the payload (JSON, UTF-8). */
const HEADER = 8;
/** A length beyond this is a corrupt header, not a record (a request is at most 10 MB; its raw copy is base64). */
const MAX_RECORD = 64 * 1024 * 1024;

export function encodeRecord(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32(body), 4);
  body.copy(out, HEADER);
  return out;
}

/**
 * Reads records until the end or the first torn or corrupt one (short header, short payload, zero
 * length, checksum mismatch): everything from there on was never acknowledged, so it is ignored.
 */
export function decodeRecords(buf: Buffer): { payloads: string[]; validBytes: number } {
  const payloads: string[] = [];
  let at = 0;
  while (at + HEADER <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len === 0 || len > MAX_RECORD || at + HEADER + len > buf.length) break;
    const body = buf.subarray(at + HEADER, at + HEADER + len);
    if (crc32(body) !== buf.readUInt32LE(at + 4)) break;
    payloads.push(body.toString('utf8'));
    at += HEADER + len;
  }
  return { payloads, validBytes: at };
}

export interface LogHealth {
  /** Bytes in segments not yet deleted (what ClickHouse has not confirmed). */
  bytes: number;
  /** The last failed write, fsync or repair, cleared by the next successful one. */
  lastError: { code: string; message: string; at: number } | undefined;
}

/**
 * The durable acknowledgement: every accepted or rejected event is appended here and fdatasync'ed
 * before the HTTP answer goes out; the ClickHouse batcher deletes a segment once all of its records
 * are stored there, and start-up replays whatever segments remain.
 *
 * Appends are group-committed: requests arriving while a write is under way share the next
 * write + fdatasync. `seal()` ends the active segment so the batcher knows which records it owns.
 *
 * A write that fails or comes up short, or an fdatasync that fails (ENOSPC, EIO), fails every append
 * of its group (never acknowledged) and leaves the segment "dirty": before anything else is written the
 * segment is truncated back to its last durable length and synced, so a torn tail is never followed
 * by acknowledged records. Replay stops at the first record whose length or checksum does not hold.
 */
export class IngestLog<R> {
  private file_: LogFile | undefined;
  private segment = 0;
  /** Durable length of the active segment. */
  private committed = 0;
  /** The active segment may hold bytes past `committed` (a failed write or fsync). */
  private dirty = false;
  private queue: Array<Append | Seal> = [];
  private writing = false;
  private readonly sizes = new Map<number, number>();
  private lastError: LogHealth['lastError'];

  constructor(
    private readonly dir: string,
    private readonly fs: LogFileSystem = nodeLogFileSystem,
    private readonly onTornTail: (info: { file: string; ignoredBytes: number }) => void = () => {},
  ) {}

  /**
   * Opens the log; returns the records of segments left by an earlier process (to replay), the same
   * records with the segment each is in (`entries`, in log order: what a flush groups into blocks), and
   * their last segment.
   */
  async open(): Promise<{ records: R[]; entries: Array<{ segment: number; record: R }>; lastSegment: number }> {
    mkdirSync(this.dir, { recursive: true });
    const segments = await this.segments();
    const records: R[] = [];
    const entries: Array<{ segment: number; record: R }> = [];
    for (const { n, legacy } of segments) {
      const before = records.length;
      const file = this.file(n, legacy);
      const buf = await this.fs.readFile(file);
      this.sizes.set(n, buf.length);
      if (legacy) {
        // Segments of the log format before checksums: one JSON record a line, a torn last line skipped.
        for (const line of buf.toString('utf8').split('\n')) {
          if (!line) continue;
          try {
            records.push(JSON.parse(line) as R);
          } catch {
            this.onTornTail({ file, ignoredBytes: Buffer.byteLength(line) });
          }
        }
        for (let i = before; i < records.length; i++) entries.push({ segment: n, record: records[i]! });
        continue;
      }
      const { payloads, validBytes } = decodeRecords(buf);
      if (validBytes < buf.length) this.onTornTail({ file, ignoredBytes: buf.length - validBytes });
      for (const p of payloads) records.push(JSON.parse(p) as R);
      for (let i = before; i < records.length; i++) entries.push({ segment: n, record: records[i]! });
    }
    const lastSegment = segments.at(-1)?.n ?? 0;
    this.segment = lastSegment + 1;
    this.file_ = await this.fs.create(this.file(this.segment));
    this.committed = 0;
    this.sizes.set(this.segment, 0);
    return { records, entries, lastSegment };
  }

  get health(): LogHealth {
    let bytes = 0;
    for (const s of this.sizes.values()) bytes += s;
    return { bytes, lastError: this.lastError };
  }

  /**
   * Appends records durably. `onDurable` runs synchronously right after the fdatasync that covers
   * them, before any later seal is processed, with the segment number they went into.
   */
  append(records: R[], onDurable: (segment: number) => void): Promise<void> {
    const data = Buffer.concat(records.map((r) => encodeRecord(JSON.stringify(r))));
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'append', data, onDurable, resolve, reject });
      void this.drain();
    });
  }

  /** Ends the active segment; resolves with its number. Every record appended before this call is in a segment ≤ it. */
  seal(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'seal', resolve, reject });
      void this.drain();
    });
  }

  /** Deletes segments up to and including `segment` (their records are all in ClickHouse). */
  async removeThrough(segment: number): Promise<void> {
    for (const { n, legacy } of await this.segments()) {
      if (n <= segment && n !== this.segment) {
        await this.fs.unlink(this.file(n, legacy));
        this.sizes.delete(n);
      }
    }
  }

  async close(): Promise<void> {
    await this.seal();
    await this.file_?.close();
    this.file_ = undefined;
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length) {
        const sealAt = this.queue.findIndex((q) => q.kind === 'seal');
        const batch = (sealAt === -1 ? this.queue.splice(0) : this.queue.splice(0, sealAt)) as Append[];
        if (batch.length) await this.writeBatch(batch);
        if (sealAt !== -1) await this.rotate(this.queue.shift() as Seal);
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeBatch(batch: Append[]): Promise<void> {
    try {
      if (!this.file_) await this.reopen();
      const f = this.file_;
      if (!f) throw this.lastErrorOr('ingest log is not open');
      await this.repair(f);
      const data = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((b) => b.data));
      this.dirty = true;
      let done = 0;
      while (done < data.length) {
        const n = await f.write(data.subarray(done), this.committed + done);
        // A short write is continued (POSIX allows it); one that writes nothing cannot make progress.
        if (!(n > 0)) throw Object.assign(new Error(`short write: ${done} of ${data.length} bytes, then none`), { code: 'ESHORTWRITE' });
        done += n;
      }
      await f.datasync();
      this.committed += data.length;
      this.sizes.set(this.segment, this.committed);
      this.dirty = false;
      this.lastError = undefined;
    } catch (err) {
      this.noteError(err);
      for (const b of batch) b.reject(err as Error);
      return;
    }
    for (const b of batch) {
      b.onDurable(this.segment);
      b.resolve();
    }
  }

  /** Cuts a torn tail back to the last durable length before anything else is written after it. */
  private async repair(f: LogFile): Promise<void> {
    if (!this.dirty) return;
    await f.truncate(this.committed);
    await f.datasync();
    this.dirty = false;
  }

  private async rotate(seal: Seal): Promise<void> {
    try {
      const f = this.file_;
      if (!f) throw new Error('ingest log is not open');
      // Nothing in the active segment: every earlier record is already in an earlier segment.
      if (this.committed === 0 && !this.dirty) return seal.resolve(this.segment - 1);
      await this.repair(f);
      await f.close();
      this.file_ = undefined;
      const sealed = this.segment;
      const next = await this.fs.create(this.file(sealed + 1));
      this.segment = sealed + 1;
      this.file_ = next;
      this.committed = 0;
      this.sizes.set(this.segment, 0);
      seal.resolve(sealed);
    } catch (err) {
      this.noteError(err);
      // Could not start the next segment: keep going in a fresh one at the next attempt.
      if (!this.file_) await this.reopen();
      seal.reject(err as Error);
    }
  }

  private async reopen(): Promise<void> {
    try {
      const n = this.segment + 1;
      this.file_ = await this.fs.create(this.file(n));
      this.segment = n;
      this.committed = 0;
      this.dirty = false;
      this.sizes.set(n, 0);
    } catch (err) {
      this.noteError(err);
    }
  }

  private lastErrorOr(message: string): Error {
    return Object.assign(new Error(this.lastError?.message ?? message), { code: this.lastError?.code ?? 'ENOTOPEN' });
  }

  private noteError(err: unknown): void {
    const e = err as NodeJS.ErrnoException;
    this.lastError = { code: e.code ?? 'EUNKNOWN', message: e.message, at: Date.now() };
  }

  private file(segment: number, legacy = false): string {
    return path.join(this.dir, `segment-${String(segment).padStart(12, '0')}.${legacy ? 'ndjson' : 'log'}`);
  }

  private async segments(): Promise<Array<{ n: number; legacy: boolean }>> {
    return (await this.fs.readdir(this.dir))
      .map((f) => /^segment-(\d+)\.(ndjson|log)$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ n: Number(m[1]), legacy: m[2] === 'ndjson' }))
      .sort((a, b) => a.n - b.n);
  }
}

interface Append {
  kind: 'append';
  data: Buffer;
  onDurable: (segment: number) => void;
  resolve: () => void;
  reject: (err: Error) => void;
}
interface Seal {
  kind: 'seal';
  resolve: (segment: number) => void;
  reject: (err: Error) => void;
}
