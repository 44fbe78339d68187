import { describe, expect, it } from 'vitest';
import { advance, formatReplayInstant, instantOfSlider, nextWindow, replayParamsOf, replaySearch, sliderValueOf, speedOf } from './replay-clock.ts';

const TEN = Date.parse('2026-11-20T10:00:00+08:00');

describe('the replay clock', () => {
  it('reads ?at= as Shanghai time and the speed among those offered', () => {
    expect(replayParamsOf('?at=2026-11-20T10:00')).toEqual({ atMs: TEN, speed: 1 });
    expect(replayParamsOf('?display=dev-wall&at=2026-11-20T10:00&speed=600')).toEqual({ atMs: TEN, speed: 600 });
    expect(replayParamsOf('?at=2026-11-20T10:00&speed=7')?.speed).toBe(1);
    expect(replayParamsOf('?display=dev-wall')).toBeNull();
    expect(replayParamsOf('?at=soon')).toBeNull();
    expect(speedOf('x60')).toBe(60);
  });

  it('writes the page address of an instant, keeping the display, and back to live', () => {
    expect(replaySearch('?display=dev-wall', TEN, 60)).toBe('?display=dev-wall&at=2026-11-20T10%3A00&speed=60');
    expect(replaySearch('?display=dev-wall&at=2026-11-20T10:00&speed=60', null, 1)).toBe('?display=dev-wall');
    expect(replaySearch('', TEN + 5_000, 1)).toBe('?at=2026-11-20T10%3A00%3A05');
  });

  it('plays forward at its speed and stops at now', () => {
    expect(advance(TEN, 60, 1_000, TEN + 3600_000)).toBe(TEN + 60_000);
    expect(advance(TEN, 600, 10_000, TEN + 60_000)).toBe(TEN + 60_000);
    expect(advance(TEN, 600, -5, TEN + 60_000)).toBe(TEN);
    expect(formatReplayInstant(TEN + 5_000)).toBe('2026-11-20 10:00:05');
  });

  it('plays in windows ending on whole seconds, carrying the rest of the real time, and ends at now', () => {
    // ×1, a tick of 1,000.4 ms: one second, 1,000 ms counted off (0.4 carried).
    expect(nextWindow(TEN, 1, 1_000.4, TEN + 3600_000)).toEqual({ toMs: TEN + 1_000, consumedMs: 1_000 });
    // ×60, 1,234 ms: 74.04 s of replayed time, 74 s shown, 1,233.33 ms counted off.
    const w = nextWindow(TEN, 60, 1_234, TEN + 3600_000);
    expect(w).toEqual({ toMs: TEN + 74_000, consumedMs: 74_000 / 60 });
    // Less than a second of replayed time: wait, not the end.
    expect(nextWindow(TEN, 1, 999, TEN + 3600_000)).toBe('wait');
    // At now (or past it): the end; just before it, the last whole second.
    expect(nextWindow(TEN + 60_000, 600, 1_000, TEN + 60_000)).toBe('end');
    expect(nextWindow(TEN, 600, 1_000, TEN + 60_500)).toEqual({ toMs: TEN + 60_000, consumedMs: 100 });
  });

  it('maps the slider to minutes of the range', () => {
    const from = TEN - 86_400_000;
    expect(sliderValueOf(TEN, from)).toBe(1440);
    expect(instantOfSlider(1440, from, TEN + 1)).toBe(TEN);
    expect(instantOfSlider(99_999, from, TEN)).toBe(TEN);
  });
});
