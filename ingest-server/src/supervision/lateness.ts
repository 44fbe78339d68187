import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { WorkingCalendar } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { readChecksummedFile, writeChecksummedFile } from '../system/checksummed-file.ts';
import { dwellDistributions, modelKey } from './dwell-history.query.ts';
import { atRiskFromUsed, lateProbability, type DwellDistribution } from './lateness-model.ts';
import type { LatenessAssessor, OpenCaseIndex } from './open-case-index.ts';

export interface LatenessSettings {
  /** A case whose probability of ending late is above this is at_risk (until it turns yellow). */
  threshold: number;
  /** Completed cases of an item at a stage below which it has no model. */
  minCases: number;
  /** Completions of the trailing window the model reads (calendar days). */
  windowDays: number;
  /** How often the distributions are read again. */
  refreshMs: number;
}

export const DEFAULT_LATENESS: LatenessSettings = { threshold: 0.5, minCases: 10, windowDays: 90, refreshMs: 10 * 60_000 };

/**
 * The dwell distributions of every item × stage (read from ClickHouse over the trailing window, kept in
 * memory: a few hundred small histograms) and the assessor the open-case index asks.
 */
export class LatenessModel implements LatenessAssessor {
  private distributions = new Map<string, DwellDistribution>();

  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
    readonly settings: LatenessSettings,
  ) {}

  /** Item × stage pairs that have a model. */
  get size(): number {
    let n = 0;
    for (const d of this.distributions.values()) if (d.total >= this.settings.minCases) n++;
    return n;
  }

  async refresh(cal: WorkingCalendar, now: number): Promise<void> {
    this.distributions = await dwellDistributions(this.ch, this.db, cal, now, this.settings.windowDays);
  }

  /** The distributions, to store (LatenessRefresher). */
  stored(): StoredDistributions {
    return [...this.distributions].map(([k, d]) => [k, [...d.counts], d.total]);
  }

  /** Takes stored distributions (a model read by an earlier run). */
  adopt(stored: StoredDistributions): void {
    this.distributions = new Map(stored.map(([k, counts, total]) => [k, { counts, total }]));
  }

  distribution(itemCode: string, stage: string): DwellDistribution | undefined {
    const d = this.distributions.get(modelKey(itemCode, stage));
    return d && d.total >= this.settings.minCases ? d : undefined;
  }

  hasModel(itemCode: string, stage: string): boolean {
    return this.distribution(itemCode, stage) !== undefined;
  }

  atRiskFromUsed(itemCode: string, stage: string, entered: number, limit: number): number | null | undefined {
    const d = this.distribution(itemCode, stage);
    return d ? atRiskFromUsed(d, { entered, limit }, this.settings.threshold, this.settings) : undefined;
  }

  probability(itemCode: string, stage: string, c: { entered: number; used: number; limit: number }): number | null {
    return lateProbability(this.distribution(itemCode, stage), c, this.settings);
  }
}

/** The model as stored beside the data (`lateness-model.bin`): when it was read, over which window. */
interface StoredModelHeader {
  format: 1;
  computedAtMs: number;
  windowDays: number;
  dataBytes: number;
}
const MAGIC = Buffer.from('TBLATE01');
/** A stored model older than this is not used at start (the server was down long: wait for a fresh read). */
export const STORED_MODEL_MAX_AGE_MS = 24 * 3600_000;

/**
 * Keeps the model read: every `refreshMs`, and at start in the background, so that start-up does not wait for
 * it (the read covers the window's completions: 7.5 s at 100,000 events a day, more at the province's density).
 * Until the first read, the model of the last run is used if `file` holds one younger than a day over the same
 * window; without one, no case is at_risk and the counts say 无数据 (null) until the read is done. Each read is
 * stored in `file` (checksummed, written atomically: a torn file is ignored). A failed read keeps the model
 * before it. One read at a time.
 */
export class LatenessRefresher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: { model: LatenessModel; index: OpenCaseIndex; calendar: () => WorkingCalendar; now: () => number; logger: Logger; file?: string }) {}

  /** Returns at once: the stored model (if any) and the first read are applied in the background. */
  async start(): Promise<{ stored: boolean }> {
    const stored = await this.readStored();
    if (stored) this.o.model.adopt(stored);
    this.running = (async () => {
      if (stored) await this.o.index.setLatenessInSteps(this.o.model);
      await this.read();
    })().finally(() => (this.running = undefined));
    this.timer = setInterval(() => void this.refresh(), this.o.model.settings.refreshMs);
    this.timer.unref();
    return { stored: stored !== undefined };
  }

  /** Reads the model again (unless a read is running) and judges the open cases with it. */
  refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return (this.running ??= this.read().finally(() => (this.running = undefined)));
  }

  /** Resolves once no read is in flight (the one started at start, or a refresh). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops the timer and waits for a read in flight (its result no longer applied). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async read(): Promise<void> {
    const started = Date.now();
    try {
      await this.o.model.refresh(this.o.calendar(), this.o.now());
    } catch (err) {
      if (!this.stopped) this.o.logger.warn({ err }, 'lateness model read failed');
      return;
    }
    if (this.stopped) return;
    await this.o.index.setLatenessInSteps(this.o.model);
    this.o.logger.info({ models: this.o.model.size, ms: Date.now() - started }, 'lateness model refreshed');
    await this.store().catch((err: unknown) => this.o.logger.warn({ err }, 'storing the lateness model failed'));
  }

  private async store(): Promise<void> {
    if (!this.o.file) return;
    const data = Buffer.from(JSON.stringify(this.o.model.stored()));
    const header: StoredModelHeader = { format: 1, computedAtMs: this.o.now(), windowDays: this.o.model.settings.windowDays, dataBytes: data.length };
    await writeChecksummedFile({ file: this.o.file, magic: MAGIC, header, chunks: [data] });
  }

  private async readStored(): Promise<StoredDistributions | undefined> {
    const file = this.o.file;
    if (!file || !existsSync(file)) return undefined;
    let data: Buffer | undefined;
    const read = await readChecksummedFile<StoredModelHeader>(file, MAGIC, 'a lateness model', (h) => {
      if (h.format !== 1 || !Number.isInteger(h.dataBytes) || h.dataBytes < 0) return { problem: 'another format' };
      if (h.windowDays !== this.o.model.settings.windowDays) return { problem: `read over ${h.windowDays} days, the window is ${this.o.model.settings.windowDays}` };
      const age = this.o.now() - h.computedAtMs;
      if (!(age >= 0 && age <= STORED_MODEL_MAX_AGE_MS)) return { problem: `read ${Math.round(age / 60_000)} minutes ago` };
      return [(data = Buffer.alloc(h.dataBytes))];
    }).catch((err: unknown) => ({ problem: String(err) }));
    if ('problem' in read || !data) {
      this.o.logger.info({ file, problem: 'problem' in read ? read.problem : 'no data' }, 'stored lateness model not used; waiting for the first read');
      return undefined;
    }
    try {
      return parseStored(JSON.parse(data.toString('utf8')));
    } catch (err) {
      this.o.logger.warn({ file, err }, 'stored lateness model unreadable; waiting for the first read');
      return undefined;
    }
  }
}

/** The distributions as stored: [item × stage key, counts, total]. */
export type StoredDistributions = Array<[string, number[], number]>;

function parseStored(x: unknown): StoredDistributions {
  if (!Array.isArray(x)) throw new Error('not a list');
  for (const e of x) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || !Array.isArray(e[1]) || !e[1].every((n) => Number.isInteger(n) && n >= 0) || !Number.isInteger(e[2])) throw new Error('not a distribution');
  }
  return x as StoredDistributions;
}
