import type { Logger } from 'pino';
import type { WorkingCalendar } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
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

/**
 * Reads the model now and then every `refreshMs`, and judges the open cases with each new one. A failed read
 * keeps the model before it. Returns the timer (unref'd).
 */
export async function startLatenessModel(o: { model: LatenessModel; index: OpenCaseIndex; calendar: () => WorkingCalendar; now: () => number; logger: Logger }): Promise<NodeJS.Timeout> {
  const refresh = async () => {
    const started = Date.now();
    await o.model.refresh(o.calendar(), o.now());
    await o.index.setLatenessInSteps(o.model);
    o.logger.debug({ models: o.model.size, ms: Date.now() - started }, 'lateness model refreshed');
  };
  await refresh().catch((err: unknown) => o.logger.warn({ err }, 'lateness model read failed'));
  const timer = setInterval(() => void refresh().catch((err: unknown) => o.logger.warn({ err }, 'lateness model refresh failed')), o.model.settings.refreshMs);
  timer.unref();
  return timer;
}
