import { describe, expect, it } from 'vitest';
import { HALL_STATE_LABEL, STALL_MS, nextHall, stalled } from './hall-rotation.ts';

describe('hall video rotation', () => {
  it('goes round the halls and back to the first', () => {
    expect([0, 1, 2].map((i) => nextHall(3, i))).toEqual([1, 2, 0]);
    expect(nextHall(1, 0)).toBe(0);
    expect(nextHall(0, 0)).toBe(0);
  });

  it('calls a picture that has not moved for a while interrupted', () => {
    expect(stalled(10_000 + STALL_MS, 10_000)).toBe(false);
    expect(stalled(10_001 + STALL_MS, 10_000)).toBe(true);
    expect(HALL_STATE_LABEL.failed).toBe('视频信号中断');
  });
});
