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
  // jemalloc's own summary (chDB's allocator): `resident` is what its heap costs in RSS, freed pages it keeps included.
  const stats = await ch.query({ query: 'SELECT stats FROM system.jemalloc_stats', format: 'JSONCompactEachRow', clickhouse_settings: QUERY_SETTINGS }).then(
    (r) => r.json<[string]>(),
    () => [],
  );
  out.push(...jemallocSummary(stats[0]?.[0] ?? ''));
  return out;
}

/** `Allocated: N, active: N, metadata: N (…), resident: N, mapped: N, retained: N` → allocated and resident bytes. */
export function jemallocSummary(text: string): Array<{ kind: string; bytes: number }> {
  const line = /^Allocated: (\d+), active: (\d+), metadata: (\d+).*?resident: (\d+)/m.exec(text);
  if (!line) return [];
  return [
    { kind: 'jemalloc_allocated', bytes: Number(line[1]) },
    { kind: 'jemalloc_resident', bytes: Number(line[4]) },
  ];
}
