import type { Logger } from 'pino';
import { nextPeriod, periodAt, previousPeriod, REPORT_KINDS, REPORT_PERIOD_KIND, shanghaiMidnightMs, type Period, type ReportKind } from '@tongban/shared';

/** Reports are generated at 08:00 Asia/Shanghai on the first day of the next period (日扫描: every morning). */
export const REPORT_HOUR = 8;

export interface Run {
  /** epoch ms */
  at: number;
  /** The period the run reports on (the one that just ended). */
  period: Period;
}

/** `hour` may carry minutes as a fraction (8.5 = 08:30). */
const runAt = (p: Period, hour: number) => shanghaiMidnightMs(p.from) + Math.round(hour * 3_600_000);

/** The first run of a kind strictly after an instant. */
export function nextRun(kind: ReportKind, afterMs: number, hour = REPORT_HOUR): Run {
  let p = periodAt(REPORT_PERIOD_KIND[kind], afterMs);
  if (runAt(p, hour) <= afterMs) p = nextPeriod(p);
  return { at: runAt(p, hour), period: previousPeriod(p) };
}

/** The latest run of a kind at or before an instant. */
export function lastRun(kind: ReportKind, nowMs: number, hour = REPORT_HOUR): Run {
  let p = periodAt(REPORT_PERIOD_KIND[kind], nowMs);
  if (runAt(p, hour) > nowMs) p = previousPeriod(p);
  return { at: runAt(p, hour), period: previousPeriod(p) };
}

export interface SchedulerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: SchedulerClock = {
  now: Date.now,
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface Options {
  clock: SchedulerClock;
  /** Generates and stores the report of a kind for a period. */
  run: (kind: ReportKind, period: Period) => Promise<void>;
  /** Whether the report of a run is already stored (catch-up after a restart skips it then). */
  done: (kind: ReportKind, period: Period) => Promise<boolean>;
  logger: Logger;
  kinds?: readonly ReportKind[];
  /** REPORTS_SCHEDULE: `off` (nothing runs, nothing is caught up) or the kinds and time of day; overrides `kinds`. */
  schedule?: 'off' | { kinds: readonly ReportKind[]; hour: number; minute: number } | undefined;
  /** Retention: removes old stored reports (after the catch-up and after every scheduled run). */
  prune?: (() => Promise<unknown>) | undefined;
  /** After start, the missed runs are caught up this much later (not during start-up itself). */
  catchUpDelayMs?: number;
  /** Timers sleep at most this long, then look at the clock again (long timers drift and overflow). */
  maxSleepMs?: number;
}

/**
 * Generates each kind of report on schedule: 日扫描 every day at 08:00 for the day before, 周调度 on
 * Mondays, 月通报 on the 1st, 季分析 on the first day of a quarter, 年考评 on 1 January, all Asia/Shanghai.
 * After a restart, the latest run of each kind that has no stored report is caught up. The clock is
 * injectable; every timer is cleared by stop(), which also waits for a run in progress.
 */
export class ReportScheduler {
  private readonly timers = new Map<string, unknown>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: Options) {}

  private get kinds(): readonly ReportKind[] {
    const s = this.o.schedule;
    if (s === 'off') return [];
    return s ? s.kinds : (this.o.kinds ?? REPORT_KINDS);
  }

  private get hour(): number {
    const s = this.o.schedule;
    return s && s !== 'off' ? s.hour + s.minute / 60 : REPORT_HOUR;
  }

  start(): void {
    this.stopped = false;
    // Retention still applies with the schedule off (reports made on demand age too).
    for (const kind of this.kinds) this.arm(kind, nextRun(kind, this.o.clock.now(), this.hour));
    this.set('catch-up', () => this.track(this.catchUp()), this.o.catchUpDelayMs ?? 60_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const h of this.timers.values()) this.o.clock.clearTimeout(h);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  /** Timers currently set (for tests). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  private set(key: string, fn: () => void, ms: number): void {
    const old = this.timers.get(key);
    if (old !== undefined) this.o.clock.clearTimeout(old);
    this.timers.set(
      key,
      this.o.clock.setTimeout(() => {
        this.timers.delete(key);
        if (!this.stopped) fn();
      }, Math.max(0, ms)),
    );
  }

  private arm(kind: ReportKind, run: Run): void {
    const wait = run.at - this.o.clock.now();
    this.set(kind, () => {
      if (this.o.clock.now() < run.at) return this.arm(kind, run);
      this.track(this.fire(kind, run.period).then(() => this.prune()));
      this.arm(kind, nextRun(kind, run.at, this.hour));
    }, Math.min(wait, this.o.maxSleepMs ?? 3_600_000));
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private async fire(kind: ReportKind, period: Period): Promise<void> {
    try {
      await this.o.run(kind, period);
    } catch (err) {
      this.o.logger.error({ err, kind, period: period.key }, 'scheduled report failed');
    }
  }

  private async prune(): Promise<void> {
    try {
      await this.o.prune?.();
    } catch (err) {
      this.o.logger.error({ err }, 'report retention failed');
    }
  }

  private async catchUp(): Promise<void> {
    for (const kind of this.kinds) {
      if (this.stopped) return;
      const { period } = lastRun(kind, this.o.clock.now(), this.hour);
      try {
        if (!(await this.o.done(kind, period))) await this.fire(kind, period);
      } catch (err) {
        this.o.logger.error({ err, kind, period: period.key }, 'report catch-up failed');
      }
    }
    await this.prune();
  }
}
