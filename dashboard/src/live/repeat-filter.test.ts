import { describe, expect, it } from 'vitest';
import { RepeatFilter } from './repeat-filter.ts';

describe('RepeatFilter', () => {
  it('lets an id through once, and forgets the oldest beyond its capacity', () => {
    const f = new RepeatFilter(2);
    expect(f.fresh('a')).toBe(true);
    expect(f.fresh('a')).toBe(false);
    expect(f.fresh('b')).toBe(true);
    expect(f.fresh('c')).toBe(true);
    expect(f.fresh('a')).toBe(true);
  });
});
