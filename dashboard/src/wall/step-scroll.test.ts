import { describe, expect, it } from 'vitest';
import { SCROLL_START, nextScroll, settleScroll } from './step-scroll.ts';

describe('the red list’s step scroll', () => {
  it('moves one row at a time and comes round to the start without a visible jump', () => {
    let s = SCROLL_START;
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      s = nextScroll(s, 3);
      seen.push(s.offset);
      s = settleScroll(s, 3);
    }
    expect(seen).toEqual([1, 2, 3, 1]);
    expect(settleScroll({ offset: 3, glide: true }, 3)).toEqual({ offset: 0, glide: false });
  });

  it('stays put, or starts over, when the list shrinks', () => {
    expect(nextScroll({ offset: 9, glide: true }, 4)).toEqual({ offset: 1, glide: true });
    expect(nextScroll({ offset: 2, glide: true }, 0)).toBe(SCROLL_START);
  });
});
