import { describe, expect, it } from 'vitest';
import { DrainPacer } from './drain-pacer.ts';

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
