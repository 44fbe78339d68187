import { describe, expect, it } from 'vitest';
import { latestThrottle } from './throttle.ts';

function fakeClock() {
  let now = 0;
  const timers: Array<{ at: number; f: () => void } | undefined> = [];
  return {
    now: () => now,
    setTimeout: (f: () => void, ms: number) => timers.push({ at: now + ms, f }) - 1,
    clearTimeout: (t: unknown) => {
      timers[t as number] = undefined;
    },
    advance(ms: number) {
      now += ms;
      timers.forEach((t, i) => {
        if (t && t.at <= now) {
          timers[i] = undefined;
          t.f();
        }
      });
    },
  };
}

describe('latestThrottle', () => {
  it('passes the first value at once and then the latest at most twice a second', () => {
    const clock = fakeClock();
    const seen: number[] = [];
    const t = latestThrottle<number>(500, (v) => seen.push(v), clock);
    t.push(1);
    t.push(2);
    t.push(3);
    expect(seen).toEqual([1]);
    clock.advance(499);
    expect(seen).toEqual([1]);
    clock.advance(1);
    expect(seen).toEqual([1, 3]);
    clock.advance(1000);
    t.push(4);
    expect(seen).toEqual([1, 3, 4]);
  });

  it('drops what is pending when cancelled', () => {
    const clock = fakeClock();
    const seen: number[] = [];
    const t = latestThrottle<number>(500, (v) => seen.push(v), clock);
    t.push(1);
    t.push(2);
    t.cancel();
    clock.advance(1000);
    expect(seen).toEqual([1]);
  });
});
