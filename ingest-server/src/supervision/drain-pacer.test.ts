import { describe, expect, it } from 'vitest';
import { DrainPacer, PacedRunner } from './drain-pacer.ts';

describe('DrainPacer', () => {
  it('lets every tick start while nothing has run', () => {
    expect(new DrainPacer().mayStart(0)).toBe(true);
  });

  it('after a batch of 80 ms waits as long again before the next (at most half the time busy)', () => {
    const p = new DrainPacer();
    p.ran(1_000, 1_080);
    expect(p.mayStart(1_100)).toBe(false);
    expect(p.mayStart(1_159)).toBe(false);
    expect(p.mayStart(1_160)).toBe(true);
  });

  it('does not hold back quick batches beyond the timer', () => {
    const p = new DrainPacer();
    p.ran(1_000, 1_003);
    expect(p.mayStart(1_006)).toBe(true);
  });

  it('waits at most maxGapMs after a long batch', () => {
    const p = new DrainPacer(1_000);
    p.ran(0, 5_000);
    expect(p.mayStart(5_999)).toBe(false);
    expect(p.mayStart(6_000)).toBe(true);
  });

  it('under a steady stream of work keeps the busy share at about one half', () => {
    // Batches cost 60 ms + 0.2 ms a case; 300 cases arrive a second; ticks every 100 ms.
    const p = new DrainPacer();
    let queued = 0;
    let busy = 0;
    let freeAt = 0;
    for (let t = 0; t < 60_000; t += 100) {
      queued += 30;
      if (t < freeAt || !p.mayStart(t)) continue;
      const ms = 60 + 0.2 * queued;
      p.ran(t, t + ms);
      busy += ms;
      freeAt = t + ms;
      queued = 0;
    }
    expect(busy / 60_000).toBeLessThan(0.55);
    expect(queued).toBeLessThan(300);
  });
});

describe('PacedRunner', () => {
  /** Work that takes `ms` of the fake clock and resolves when `finish()` is called. */
  function setup(maxGapMs = 300_000) {
    let now = 0;
    const runs: number[] = [];
    let finish: () => void = () => undefined;
    const runner = new PacedRunner(
      () => {
        runs.push(now);
        return new Promise<void>((resolve) => (finish = resolve));
      },
      new DrainPacer(maxGapMs),
      () => now,
    );
    return { runner, runs, at: (t: number) => (now = t), done: async (t: number) => ((now = t), finish(), await runner.idle()) };
  }

  it('after a 74 s refresh skips the ticks of the next 74 s, then runs', async () => {
    const s = setup();
    void s.runner.tick();
    await s.done(74_000);
    for (const t of [75_000, 90_000, 147_999]) {
      s.at(t);
      void s.runner.tick();
      expect(s.runs).toEqual([0]);
    }
    s.at(148_000);
    void s.runner.tick();
    expect(s.runs).toEqual([0, 148_000]);
  });

  it('shares a run in progress, and a forced tick runs once it is done, paced or not', async () => {
    const s = setup();
    const first = s.runner.tick();
    expect(s.runner.tick()).toBe(first);
    const forced = s.runner.tick(true);
    await s.done(10_000);
    await first;
    expect(s.runs).toEqual([0, 10_000]);
    await s.done(10_500);
    await forced;
    expect(s.runs).toEqual([0, 10_000]);
  });

  it('runs every tick while refreshes are quick', async () => {
    const s = setup();
    for (const t of [0, 15_000, 30_000]) {
      s.at(t);
      void s.runner.tick();
      await s.done(t + 2_000);
    }
    expect(s.runs).toEqual([0, 15_000, 30_000]);
  });
});
