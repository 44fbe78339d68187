import type { Clickhouse } from './clickhouse-client.ts';
import { QUERY_SETTINGS } from './clickhouse-client.ts';

/**
 * What the ClickHouse engine says it holds, by kind (bytes): its tracked total (`MemoryTracking`, every
 * allocation it makes, caches included), merges, and the caches that grow with the data touched.
 * With embedded chDB this is memory of this very process, outside the V8 heap: the part of RSS that
 * `process.memoryUsage()` cannot explain.
 */
export const ENGINE_MEMORY_METRICS: Record<string, string> = {
  MemoryTracking: 'tracked',
  MergesMutationsMemoryTracking: 'merges',
  MarkCacheBytes: 'mark_cache',
  PrimaryIndexCacheBytes: 'primary_index_cache',
  IndexMarkCacheBytes: 'index_mark_cache',
  UncompressedCacheBytes: 'uncompressed_cache',
  QueryCacheBytes: 'query_cache',
  QueryConditionCacheBytes: 'query_condition_cache',
  CompiledExpressionCacheBytes: 'compiled_expression_cache',
  PageCacheBytes: 'page_cache',
};

export async function engineMemory(ch: Clickhouse): Promise<Array<{ kind: string; bytes: number }>> {
  const rs = await ch.query({
    query: 'SELECT metric, value FROM system.metrics WHERE metric IN {names:Array(String)}',
    query_params: { names: Object.keys(ENGINE_MEMORY_METRICS) },
    format: 'JSONEachRow',
    clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
  });
  const rows = await rs.json<{ metric: string; value: number }>();
  const out = rows.map((r) => ({ kind: ENGINE_MEMORY_METRICS[r.metric]!, bytes: Number(r.value) }));
  out.push(...jemallocSummary(await jemallocStatsText(ch)));
  return out;
}

/** jemalloc's malloc_stats_print text of chDB's allocator ('' when the engine has none: a ClickHouse server without the table). */
export async function jemallocStatsText(ch: Clickhouse): Promise<string> {
  const stats = await ch.query({ query: 'SELECT stats FROM system.jemalloc_stats', format: 'JSONCompactEachRow', clickhouse_settings: QUERY_SETTINGS }).then(
    (r) => r.json<[string]>(),
    () => [],
  );
  return stats[0]?.[0] ?? '';
}

/**
 * Returns the dirty pages jemalloc keeps (freed, still resident) to the kernel now. libchdb's jemalloc keeps
 * freed pages for `dirty_decay_ms:5000` (compiled in); under sustained load they are 30–60 MiB of its resident
 * memory (docs/notes/soak-rss.md). Changing the decay takes JE_MALLOC_CONF in the environment before libchdb
 * loads (a launcher); this needs none. Embedded chDB only: against CLICKHOUSE_URL it would purge another process.
 */
export async function purgeEngineMemory(ch: Clickhouse): Promise<void> {
  await ch.command({ query: 'SYSTEM JEMALLOC PURGE', clickhouse_settings: QUERY_SETTINGS });
}

/** `purgeEngineMemory` every `everyMs` (0: never), one at a time, off the request path. */
export function startEnginePurge(ch: Clickhouse, everyMs: number, onError: (err: unknown) => void): { stop(): void } {
  if (everyMs <= 0) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purgeEngineMemory(ch).catch(onError).finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * `Allocated: N, active: N, metadata: N (…), resident: N, mapped: N, retained: N` → bytes by kind: allocated
 * (live objects), active (pages holding them), resident (what the heap costs in RSS: active + metadata + dirty
 * pages freed but not yet returned), retained (virtual only, unmapped address space kept for reuse, not RSS).
 */
export function jemallocSummary(text: string): Array<{ kind: string; bytes: number }> {
  const line = /^Allocated: (\d+), active: (\d+), metadata: (\d+).*?resident: (\d+), mapped: (\d+), retained: (\d+)/m.exec(text);
  if (!line) return [];
  const page = Number(/Page size: (\d+)/.exec(text)?.[1] ?? 4096);
  // The first `dirty:` row is the merged arenas': decay time (N/A when merged), npages, sweeps, madvises, purged.
  const dirty = /^\s+dirty:\s+\S+\s+(\d+)\s+\d+\s+\d+\s+(\d+)/m.exec(text);
  return [
    ...(dirty ? [{ kind: 'jemalloc_dirty', bytes: Number(dirty[1]) * page }, { kind: 'jemalloc_purged', bytes: Number(dirty[2]) * page }] : []),
    { kind: 'jemalloc_allocated', bytes: Number(line[1]) },
    { kind: 'jemalloc_active', bytes: Number(line[2]) },
    { kind: 'jemalloc_resident', bytes: Number(line[4]) },
    { kind: 'jemalloc_retained', bytes: Number(line[6]) },
  ];
}
