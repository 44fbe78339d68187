/**
 * How often a timer may start work that holds the engine for a while: the case projector's batches, the metric
 * rollups' refresh (`PacedRunner`). For the projector: A batch's lookup of its cases' events costs the engine
 * about the same for 30 cases as for 200 (the granules of `case_events` it decodes, not the rows it returns:
 * 62 against 156 ms at 10M events of history, 284 ms for 2,000), so a projector that starts a batch the moment
 * the last one ends spends the engine on many small lookups. The timer waits after each batch as long as the
 * batch took (up to `maxGapMs`): the projector then holds the engine at most about half the time, and under a
 * busy feed its batches grow instead. While batches are quick the timer's interval is the only wait.
 */
export class DrainPacer {
  private lastStart = -Infinity;
  private lastMs = 0;

  constructor(private readonly maxGapMs = 1_000) {}

  /** Whether a timer tick at `now` may start a batch. */
  mayStart(now: number): boolean {
    return now - this.lastStart >= this.lastMs + Math.min(this.lastMs, this.maxGapMs);
  }

  /** A drain ran from `started` to `ended` (and projected something: an empty tick costs nothing). */
  ran(started: number, ended: number): void {
    this.lastStart = started;
    this.lastMs = Math.max(0, ended - started);
  }
}

/**
 * A timer's work, one run at a time and paced: `tick()` starts `work` unless it is running (then it shares that
 * run) or the pacer says wait; `tick(true)` starts it anyway once the running one is done. The metric rollups
 * refresh this way: a refresh of a 15M-event day took 74 s (bench/today-refresh.bench.ts), and on a 15 s timer
 * that skipped only while one ran, refreshes would follow each other and hold the engine all the time.
 */
export class PacedRunner {
  private running: Promise<void> | undefined;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly pacer: DrainPacer,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  tick(force = false): Promise<void> {
    if (this.running) return force ? this.running.then(() => this.tick(true)) : this.running;
    const started = this.clock();
    if (!force && !this.pacer.mayStart(started)) return Promise.resolve();
    const run = this.work().finally(() => {
      this.pacer.ran(started, this.clock());
      this.running = undefined;
    });
    this.running = run;
    return run;
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    await this.running;
  }
}
