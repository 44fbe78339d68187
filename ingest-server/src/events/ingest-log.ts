import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * The durable acknowledgement: every accepted or rejected event is appended here and fdatasync'ed
 * before the HTTP answer goes out; the ClickHouse batcher deletes a segment once all of its records
 * are stored there, and start-up replays whatever segments remain.
 *
 * Appends are group-committed: requests arriving while a write is under way share the next
 * write + fdatasync. `seal()` ends the active segment so the batcher knows which records it owns.
 */
export class IngestLog<R> {
  private fh: FileHandle | undefined;
  private segment = 0;
  private queue: Array<Append<R> | Seal> = [];
  private writing = false;

  constructor(private readonly dir: string) {}

  /** Opens the log; returns the records of segments left by an earlier process (to replay) and their last segment. */
  async open(): Promise<{ records: R[]; lastSegment: number }> {
    mkdirSync(this.dir, { recursive: true });
    const segments = await this.segments();
    const records: R[] = [];
    for (const s of segments) {
      const text = await readFile(this.file(s), 'utf8');
      for (const line of text.split('\n')) {
        // A torn last line was never acknowledged (its fdatasync did not complete): skip it.
        if (line) {
          try {
            records.push(JSON.parse(line) as R);
          } catch {
            /* torn write */
          }
        }
      }
    }
    const lastSegment = segments.at(-1) ?? 0;
    this.segment = lastSegment + 1;
    this.fh = await open(this.file(this.segment), 'a');
    return { records, lastSegment };
  }

  /**
   * Appends records durably. `onDurable` runs synchronously right after the fdatasync that covers
   * them, before any later seal is processed, with the segment number they went into.
   */
  append(records: R[], onDurable: (segment: number) => void): Promise<void> {
    const data = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
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
    for (const s of await this.segments()) if (s <= segment && s !== this.segment) await unlink(this.file(s));
  }

  async close(): Promise<void> {
    await this.seal();
    await this.fh?.close();
    this.fh = undefined;
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length) {
        const sealAt = this.queue.findIndex((q) => q.kind === 'seal');
        const batch = (sealAt === -1 ? this.queue.splice(0) : this.queue.splice(0, sealAt)) as Append<R>[];
        if (batch.length) await this.writeBatch(batch);
        if (sealAt !== -1) await this.rotate(this.queue.shift() as Seal);
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeBatch(batch: Append<R>[]): Promise<void> {
    try {
      if (!this.fh) throw new Error('ingest log is not open');
      await this.fh.write(batch.map((b) => b.data).join(''));
      await this.fh.datasync();
    } catch (err) {
      for (const b of batch) b.reject(err as Error);
      return;
    }
    for (const b of batch) {
      b.onDurable(this.segment);
      b.resolve();
    }
  }

  private async rotate(seal: Seal): Promise<void> {
    try {
      const sealed = this.segment;
      await this.fh?.datasync();
      await this.fh?.close();
      this.segment += 1;
      this.fh = await open(this.file(this.segment), 'a');
      seal.resolve(sealed);
    } catch (err) {
      seal.reject(err as Error);
    }
  }

  private file(segment: number): string {
    return path.join(this.dir, `segment-${String(segment).padStart(12, '0')}.ndjson`);
  }

  private async segments(): Promise<number[]> {
    return (await readdir(this.dir))
      .map((f) => /^segment-(\d+)\.ndjson$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }
}

interface Append<R> {
  kind: 'append';
  data: string;
  onDurable: (segment: number) => void;
  resolve: () => void;
  reject: (err: Error) => void;
  _r?: R;
}
interface Seal {
  kind: 'seal';
  resolve: (segment: number) => void;
  reject: (err: Error) => void;
}
