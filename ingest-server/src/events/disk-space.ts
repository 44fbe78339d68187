import { statfs } from 'node:fs/promises';

/** Free bytes for an unprivileged writer on the file system holding `dir`, read at most every `maxAgeMs`. */
export class DiskSpace {
  private freeBytes_: number | undefined;
  private readAt = 0;
  private reading: Promise<number | undefined> | undefined;

  constructor(
    private readonly dir: string,
    private readonly maxAgeMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** The last reading, undefined before the first or when statfs failed. */
  get freeBytes(): number | undefined {
    return this.freeBytes_;
  }

  /** A reading no older than `maxAgeMs` (concurrent callers share one statfs). */
  async current(): Promise<number | undefined> {
    if (this.now() - this.readAt < this.maxAgeMs) return this.freeBytes_;
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Forgets the reading (after a failed write, the next request looks again). */
  invalidate(): void {
    this.readAt = 0;
  }

  private async read(): Promise<number | undefined> {
    try {
      const s = await statfs(this.dir);
      this.freeBytes_ = Number(s.bavail) * Number(s.bsize);
    } catch {
      this.freeBytes_ = undefined;
    }
    this.readAt = this.now();
    return this.freeBytes_;
  }
}
