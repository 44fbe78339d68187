import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Period, ReportKind } from '@tongban/shared';
import { lastRun, nextRun, ReportScheduler, type SchedulerClock } from '../src/reports/report-scheduler.ts';

const at = (iso: string) => Date.parse(iso);

/** A clock whose time only moves when the test says so; timers fire in time order. */
class FakeClock implements SchedulerClock {
  private seq = 0;
  readonly timers = new Map<number, { at: number; fn: () => void }>();
  constructor(public t: number) {}
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (id: unknown) => void this.timers.delete(id as number);
  /** Moves to `until`, firing every timer due on the way (and timers those set). */
  async advanceTo(until: number): Promise<void> {
    for (;;) {
      const next = [...this.timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > until) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
      await new Promise((r) => setImmediate(r));
    }
    this.t = until;
  }
}

describe('the report schedule (Asia/Shanghai)', () => {
  it('runs each kind at 08:00 on the first day of the next period, for the period that just ended', () => {
    const t = at('2025-10-31T07:00:00+08:00');
    expect(nextRun('daily', t)).toMatchObject({ at: at('2025-10-31T08:00:00+08:00'), period: { key: '2025-10-30' } });
    expect(nextRun('weekly', t)).toMatchObject({ at: at('2025-11-03T08:00:00+08:00'), period: { key: '2025-W44' } });
    expect(nextRun('monthly', t)).toMatchObject({ at: at('2025-11-01T08:00:00+08:00'), period: { key: '2025-10' } });
    expect(nextRun('quarterly', t)).toMatchObject({ at: at('2026-01-01T08:00:00+08:00'), period: { key: '2025-Q4' } });
    expect(nextRun('annual', t)).toMatchObject({ at: at('2026-01-01T08:00:00+08:00'), period: { key: '2025' } });
    // 08:00 itself has run; the next is tomorrow's.
    expect(nextRun('daily', at('2025-10-31T08:00:00+08:00')).period.key).toBe('2025-10-31');
    expect(lastRun('monthly', t)).toMatchObject({ at: at('2025-10-01T08:00:00+08:00'), period: { key: '2025-09' } });
    expect(lastRun('daily', t).period.key).toBe('2025-10-29');
  });

  it('is the same whatever the process time zone says (00:30 in Chongqing is still the previous day in UTC)', () => {
    expect(nextRun('daily', at('2025-10-31T16:30:00Z')).at).toBe(at('2025-11-01T08:00:00+08:00'));
  });
});

describe('the report scheduler', () => {
  const run = (clock: FakeClock, done: (kind: ReportKind, p: Period) => boolean = () => true, extra: Partial<ConstructorParameters<typeof ReportScheduler>[0]> = {}) => {
    const runs: string[] = [];
    const scheduler = new ReportScheduler({
      ...extra,
      clock,
      logger: pino({ level: 'silent' }),
      catchUpDelayMs: 60_000,
      run: async (kind, period) => void runs.push(`${kind} ${period.key} @${new Date(clock.now()).toISOString()}`),
      done: async (kind, period) => done(kind, period),
    });
    return { runs, scheduler };
  };

  it('generates the reports when their time comes, and nothing before', async () => {
    const clock = new FakeClock(at('2025-10-31T07:00:00+08:00'));
    const { runs, scheduler } = run(clock);
    scheduler.start();
    await clock.advanceTo(at('2025-10-31T07:59:59+08:00'));
    expect(runs).toEqual([]);
    await clock.advanceTo(at('2025-11-03T09:00:00+08:00'));
    expect(runs).toEqual([
      'daily 2025-10-30 @2025-10-31T00:00:00.000Z',
      'daily 2025-10-31 @2025-11-01T00:00:00.000Z',
      'monthly 2025-10 @2025-11-01T00:00:00.000Z',
      'daily 2025-11-01 @2025-11-02T00:00:00.000Z',
      'daily 2025-11-02 @2025-11-03T00:00:00.000Z',
      'weekly 2025-W44 @2025-11-03T00:00:00.000Z',
    ]);
    await scheduler.stop();
  });

  it('catches up the latest run of each kind that has no stored report, once start-up is over', async () => {
    const clock = new FakeClock(at('2025-10-31T12:00:00+08:00'));
    const { runs, scheduler } = run(clock, (kind) => kind !== 'monthly' && kind !== 'daily');
    scheduler.start();
    await clock.advanceTo(at('2025-10-31T12:00:59+08:00'));
    expect(runs).toEqual([]);
    await clock.advanceTo(at('2025-10-31T12:01:00+08:00'));
    expect(runs).toEqual(['daily 2025-10-30 @2025-10-31T04:01:00.000Z', 'monthly 2025-09 @2025-10-31T04:01:00.000Z']);
    await scheduler.stop();
  });

  it('clears every timer when stopped and sets none afterwards', async () => {
    const clock = new FakeClock(at('2025-10-31T07:00:00+08:00'));
    const { runs, scheduler } = run(clock, () => false);
    scheduler.start();
    expect(scheduler.pendingTimers).toBe(6);
    await scheduler.stop();
    expect(scheduler.pendingTimers).toBe(0);
    expect(clock.timers.size).toBe(0);
    await clock.advanceTo(at('2026-02-01T00:00:00+08:00'));
    expect(runs).toEqual([]);
  });

  it('sleeps at most an hour at a time, so a month-long wait neither overflows nor drifts', () => {
    const clock = new FakeClock(at('2025-10-02T09:00:00+08:00'));
    const { scheduler } = run(clock);
    scheduler.start();
    expect(Math.max(...[...clock.timers.values()].map((x) => x.at - clock.t))).toBeLessThanOrEqual(3_600_000);
    void scheduler.stop();
  });

  it('runs nothing, catches nothing up, but still applies retention when REPORTS_SCHEDULE=off', async () => {
    const clock = new FakeClock(at('2025-10-31T07:00:00+08:00'));
    let pruned = 0;
    const { runs, scheduler } = run(clock, () => false, { schedule: 'off', prune: async () => void pruned++ });
    scheduler.start();
    await clock.advanceTo(at('2025-12-01T09:00:00+08:00'));
    expect(runs).toEqual([]);
    expect(pruned).toBe(1);
    await scheduler.stop();
  });

  it('runs only the configured kinds at the configured time', async () => {
    const clock = new FakeClock(at('2025-10-31T07:00:00+08:00'));
    let pruned = 0;
    const { runs, scheduler } = run(clock, () => true, { schedule: { kinds: ['monthly'], hour: 6, minute: 30 }, prune: async () => void pruned++ });
    scheduler.start();
    await clock.advanceTo(at('2025-12-01T07:00:00+08:00'));
    expect(runs).toEqual(['monthly 2025-10 @2025-10-31T22:30:00.000Z', 'monthly 2025-11 @2025-11-30T22:30:00.000Z']);
    // After the catch-up and after each run.
    expect(pruned).toBe(3);
    await scheduler.stop();
  });
});
