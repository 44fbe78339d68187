import { describe, expect, it } from 'vitest';
import { jemallocSummary } from './engine-memory.ts';

describe("the engine's jemalloc summary", () => {
  it('reads allocated and resident bytes from malloc_stats_print, nothing from other text', () => {
    const text = '___ Begin jemalloc statistics ___\nVersion: "5.3-RC"\nAllocated: 25783440, active: 26296320, metadata: 5288432 (n_thp 0, edata 131072, rtree 4194304), resident: 31469568, mapped: 43204608, retained: 2932736\n';
    expect(jemallocSummary(text)).toEqual([
      { kind: 'jemalloc_allocated', bytes: 25783440 },
      { kind: 'jemalloc_resident', bytes: 31469568 },
    ]);
    expect(jemallocSummary('')).toEqual([]);
  });
});
