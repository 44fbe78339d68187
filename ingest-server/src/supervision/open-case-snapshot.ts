import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { shanghaiIso } from '@tongban/shared';
import type { MetricSeries } from '../feature.ts';
import { readChecksummedFile, writeChecksummedFile } from '../system/checksummed-file.ts';
import type { CaseStateStore } from './case-state.store.ts';
import type { IndexImageMeta, OpenCaseIndex } from './open-case-index.ts';

const MAGIC = Buffer.from('TBINDEX1');
/**
 * The tail is read from this long before the snapshot's instant: a `case_state` version is the clock read when
 * its derivation began, and a clock set back a little must not hide a change. Reading a case again is harmless.
 */
export const INDEX_TAIL_MARGIN_MS = 60_000;
/** A snapshot at stop is given this long (a million open cases take about a second; see the bench). */
const STOP_WAIT_MS = 30_000;

interface Header {
  format: 1;
  index: IndexImageMeta;
  /** Clock (ms) when the columns were copied: every derivation applied to the index began before it. */
  instantMs: number;
  /** The latest `case_state` version in ClickHouse just before: a ClickHouse without it is behind the snapshot. */
  caseStateVersionMs: number;
  openCases: number;
  writtenAt: string;
}

export type IndexLoadResult =
  | { source: 'snapshot'; from: 'latest' | 'previous'; openCases: number; tailOpen: number; tailClosed: number; since: string; readMs: number; judgeMs: number; tailMs: number; ms: number }
  | { source: 'rebuild'; openCases: number; reason: string; ms: number };

interface Options {
  index: OpenCaseIndex;
  states: CaseStateStore;
  /** DATA_DIR/supervision/open-cases.bin. */
  file: string;
  now: () => number;
  logger: Logger;
  /** How often a snapshot is written while running (0: only at a clean stop). */
  intervalMs: number;
}

/**
 * The open-case index persisted, so start-up does not read every open case from ClickHouse (issue 16): its
 * columns, id arena and strings in a checksummed file in DATA_DIR (system/checksummed-file.ts), written every
 * `intervalMs` and at a clean stop, with the instant they are consistent with. At start the snapshot is loaded
 * and only the cases whose state was derived since (`case_state.version`, the tail) are read: open ones
 * upserted, closed ones removed. What depends on the day (warnings, counts, the transition heap) is judged anew
 * at load, exactly as a rebuild does. A torn or corrupt file (size, checksum), one of another format, or one
 * ahead of ClickHouse (its latest `case_state` version not there: a restored or wiped engine) is set aside; the
 * snapshot before it (kept as `.prev.bin`) is tried next, with its longer tail; failing both, the index is
 * rebuilt from every open case. So the snapshots take twice the file's size on disk.
 *
 * Why the tail suffices: the projector upserts a case into the index in the same tick it reads the clock that
 * becomes the row's `version`, so a derivation not in the copied columns has a version at or after the
 * instant. A derivation in the columns but not written (a SIGKILL between the two) is of a case with an event
 * after the derivation watermark, so the catch-up after the load derives it again.
 *
 * The columns are copied in slices of slots (`imageInSlices`: what changed meanwhile is copied again at the
 * end), then hashed and written in chunks, so the event loop is not held for long at any size.
 */
export class OpenCaseSnapshot {
  /** The index is consistent with `case_state` (loaded or rebuilt); nothing is written before. */
  private loaded = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Written and failed snapshots; the last one's time, size, and longest hold of the event loop while copying (ms). */
  readonly counters = { writes: 0, writeErrors: 0, lastWriteMs: 0, lastBytes: 0, lastHoldMs: 0 };

  private loadedBy: IndexLoadResult | undefined;

  /** The snapshot before the latest, read when the latest is not usable: the tail since it is longer, that is all. */
  get previousFile(): string {
    return this.o.file.replace(/\.bin$/, '') + '.prev.bin';
  }

  constructor(private readonly o: Options) {}

  /** Its series in /metrics: how the index was loaded at start, and its writes since. */
  metrics(): MetricSeries[] {
    const c = this.counters;
    const series: MetricSeries[] = [
      { name: 'tongban_index_snapshot_writes_total', help: 'open-case index snapshots written', type: 'counter', samples: [['', c.writes]] },
      { name: 'tongban_index_snapshot_write_errors_total', help: 'open-case index snapshots that failed (the previous one stays)', type: 'counter', samples: [['', c.writeErrors]] },
      { name: 'tongban_index_snapshot_last_write_ms', help: 'time the last snapshot took, copy, checksum and write', type: 'gauge', samples: [['', c.lastWriteMs]] },
      { name: 'tongban_index_snapshot_bytes', help: 'size of the last snapshot written', type: 'gauge', samples: [['', c.lastBytes]] },
      { name: 'tongban_index_snapshot_hold_ms', help: 'longest step of the last snapshot\'s copy (event loop held)', type: 'gauge', samples: [['', c.lastHoldMs]] },
    ];
    if (this.loadedBy) series.push({ name: 'tongban_index_load_ms', help: 'how long loading the open-case index took at start, by source (snapshot or rebuild)', type: 'gauge', samples: [[`{source="${this.loadedBy.source}"}`, this.loadedBy.ms]] });
    return series;
  }

  async load(): Promise<IndexLoadResult> {
    this.loadedBy = await this.loadOnce();
    return this.loadedBy;
  }

  private async loadOnce(): Promise<IndexLoadResult> {
    const started = Date.now();
    const { index, states } = this.o;
    const problems: string[] = [];
    for (const [file, from] of [[this.o.file, 'latest'], [this.previousFile, 'previous']] as const) {
      if (!existsSync(file)) continue;
      const read = await this.read(file);
      if ('problem' in read) {
        problems.push(`${path.basename(file)}: ${read.problem}`);
        this.o.logger.warn({ file, problem: read.problem }, 'open-case index snapshot not usable; kept aside as .corrupt');
        // Out of the way, so it is not read again nor kept as the previous one (and can be looked at).
        await rename(file, `${file}.corrupt`);
        continue;
      }
      const latest = await states.lastVersion();
      if (latest < read.header.caseStateVersionMs) {
        const reason = `ahead of ClickHouse: case_state's latest version ${latest ? shanghaiIso(latest) : 'none'}, the snapshot saw ${shanghaiIso(read.header.caseStateVersionMs)}`;
        problems.push(`${path.basename(file)}: ${reason}`);
        this.o.logger.warn({ file, reason }, 'open-case index snapshot not usable');
        continue;
      }
      const readMs = Date.now() - started;
      read.commit(this.o.now());
      const judgeMs = Date.now() - started - readMs;
      const since = read.header.instantMs - INDEX_TAIL_MARGIN_MS;
      let tailOpen = 0;
      let tailClosed = 0;
      await states.loadChangedSince(
        since,
        (c) => {
          tailOpen++;
          index.upsert(c, this.o.now());
        },
        (caseId) => {
          tailClosed++;
          index.remove(caseId);
        },
      );
      this.loaded = true;
      const ms = Date.now() - started;
      return { source: 'snapshot', from, openCases: index.size, tailOpen, tailClosed, since: shanghaiIso(since), readMs, judgeMs, tailMs: ms - readMs - judgeMs, ms };
    }
    const reason = problems.join('; ') || 'no snapshot';
    const n = await states.loadOpen((c) => index.upsert(c, this.o.now()));
    this.loaded = true;
    return { source: 'rebuild', openCases: n, reason, ms: Date.now() - started };
  }

  start(): void {
    clearInterval(this.timer);
    if (this.o.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.write().catch(() => undefined), this.o.intervalMs);
    this.timer.unref();
  }

  /** Writes a snapshot now (the periodic one and the one at stop share a queue). */
  write(): Promise<void> {
    const run = this.writing.then(() => this.writeOnce());
    this.writing = run.catch(() => undefined);
    return run;
  }

  /**
   * At a clean stop (after the projector's last batch): a failure is logged, the older snapshot stays. Bounded,
   * like the watermark's: a stop while ClickHouse is unreachable does not wait on it (the next start reads a
   * longer tail, or rebuilds).
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timeout = setTimeout(() => {
      this.o.logger.warn({ waitedMs: STOP_WAIT_MS }, 'the open-case index snapshot was not written at stop in time; the previous one stays');
      resolve();
    }, STOP_WAIT_MS)));
    await Promise.race([this.write().catch(() => undefined), late]);
    clearTimeout(timeout);
  }

  private async writeOnce(): Promise<void> {
    if (!this.loaded) return;
    const started = Date.now();
    try {
      // Before the copy: every state with this version or an older one was applied to the index already.
      const caseStateVersionMs = await this.o.states.lastVersion();
      // Before the copy too: the image holds every change up to its last slice, later than this (the tail is read again).
      const instantMs = this.o.now();
      const image = await this.o.index.imageInSlices();
      this.counters.lastHoldMs = Math.round(image.holdMs);
      const header: Header = { format: 1, index: image.meta, instantMs, caseStateVersionMs, openCases: image.meta.ids.size, writtenAt: new Date().toISOString() };
      this.counters.lastBytes = await writeChecksummedFile({ file: this.o.file, magic: MAGIC, header, chunks: image.columns, keepPrevious: this.previousFile });
      this.counters.writes++;
      this.counters.lastWriteMs = Date.now() - started;
      this.o.logger.debug({ bytes: this.counters.lastBytes, ms: this.counters.lastWriteMs, holdMs: this.counters.lastHoldMs, openCases: header.openCases }, 'open-case index snapshot written');
    } catch (err) {
      this.counters.writeErrors++;
      this.o.logger.warn({ err }, 'writing the open-case index snapshot failed; the previous one stays');
      throw err;
    }
  }

  private async read(file: string): Promise<{ header: Header; commit: (nowMs: number) => void } | { problem: string }> {
    let commit: ((nowMs: number) => void) | undefined;
    const read = await readChecksummedFile<Header>(file, MAGIC, 'an open-case index snapshot', (header) => {
      if (header.format !== 1) return { problem: `format ${String(header.format)}, not 1` };
      try {
        const image = this.o.index.fromImage(header.index);
        commit = image.commit;
        return image.targets;
      } catch (err) {
        return { problem: (err as Error).message };
      }
    });
    if ('problem' in read) return read;
    return { header: read.header, commit: commit! };
  }
}
