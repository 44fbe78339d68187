/**
 * How often the case projector's timer may start a batch. A batch's lookup of its cases' events costs the engine
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
