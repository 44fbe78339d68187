import type { EngineMemoryConfig } from '../config.ts';

/** The embedded engine's memory bounds (config.ts EngineMemoryConfig) as chDB server arguments. */
export function engineMemoryArgs(m: EngineMemoryConfig): string[] {
  return [
    `--max_server_memory_usage=${m.maxServerMemoryBytes}`,
    `--mark_cache_size=${m.markCacheBytes}`,
    `--primary_index_cache_size=${m.indexCacheBytes}`,
    `--index_mark_cache_size=${m.indexCacheBytes}`,
    `--query_condition_cache_size=${m.queryConditionCacheBytes}`,
    `--merges_mutations_memory_usage_soft_limit=${m.mergesMemoryBytes}`,
  ];
}
