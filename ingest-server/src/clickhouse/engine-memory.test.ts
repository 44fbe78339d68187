import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClickhouse } from './clickhouse-client.ts';
import { engineMemory, jemallocStatsText, jemallocSummary, purgeEngineMemory } from './engine-memory.ts';

describe("the engine's jemalloc summary", () => {
  it('reads allocated, active, resident, retained and dirty bytes from malloc_stats_print, nothing from other text', () => {
    const text = [
      '___ Begin jemalloc statistics ___',
      'Version: "5.3-RC"',
      'Arenas: 4',
      'Page size: 4096',
      'Allocated: 25783440, active: 26296320, metadata: 5288432 (n_thp 0, edata 131072, rtree 4194304), resident: 31469568, mapped: 43204608, retained: 2932736',
      'Merged arenas stats:',
      'decaying:  time       npages       sweeps     madvises       purged',
      '   dirty:   N/A         1078            1            2            4',
      '   muzzy:   N/A            0            0            0            0',
      'arenas[0]:',
      '   dirty:  5000          900            1            2            4',
    ].join('\n');
    expect(jemallocSummary(text)).toEqual([
      { kind: 'jemalloc_dirty', bytes: 1078 * 4096 },
      { kind: 'jemalloc_purged', bytes: 4 * 4096 },
      { kind: 'jemalloc_allocated', bytes: 25783440 },
      { kind: 'jemalloc_active', bytes: 26296320 },
      { kind: 'jemalloc_resident', bytes: 31469568 },
      { kind: 'jemalloc_retained', bytes: 2932736 },
    ]);
    expect(jemallocSummary('')).toEqual([]);
  });
});

describe("returning chDB's freed pages (real embedded chDB)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tongban-engine-memory-'));
  const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: 'default', engineMemory: { maxServerMemoryBytes: 1024 ** 3, markCacheBytes: 0, indexCacheBytes: 0, queryConditionCacheBytes: 0, mergesMemoryBytes: 256 * 1024 ** 2, purgeMs: 0 } });
  afterAll(async () => {
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const kinds = async () => Object.fromEntries(jemallocSummary(await jemallocStatsText(ch)).map((k) => [k.kind, k.bytes]));

  it('SYSTEM JEMALLOC PURGE is accepted and hands the dirty pages a query left back to the kernel', async () => {
    // A sort of 3M strings allocates and frees ~100 MiB; jemalloc keeps the freed pages dirty (decay 5 s, no background thread).
    await (await ch.query({ query: 'SELECT s FROM (SELECT toString(number) AS s FROM numbers(3000000)) ORDER BY s DESC LIMIT 1', format: 'JSONEachRow' })).json();
    const before = await kinds();
    expect(before.jemalloc_dirty).toBeGreaterThan(0);
    await purgeEngineMemory(ch);
    const after = await kinds();
    expect(after.jemalloc_purged).toBeGreaterThan(before.jemalloc_purged!);
    expect(after.jemalloc_dirty).toBeLessThan(before.jemalloc_dirty!);
  });

  it('reports the jemalloc figures beside the tracked total (what /metrics shows as tongban_clickhouse_memory_bytes)', async () => {
    const got = new Set((await engineMemory(ch)).map((m) => m.kind));
    for (const k of ['tracked', 'jemalloc_allocated', 'jemalloc_active', 'jemalloc_resident', 'jemalloc_retained', 'jemalloc_dirty']) expect(got).toContain(k);
  });
});
