import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';

type ClientOptions = NonNullable<Parameters<typeof createClient>[0]>;
import { Session } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import type { Config } from '../config.ts';
import { engineMemoryArgs } from './engine-bounds.ts';

export type Clickhouse = ClickHouseClient;

/**
 * Settings passed on EVERY call. chdb/connection keeps per-query settings for the rest of the session
 * (ENGINE-NOTES), so each call states the complete set rather than relying on defaults.
 * async_insert is on by default since 26.2: our inserts are already batched and must be stored on return.
 */
export const QUERY_SETTINGS: ClickHouseSettings = {
  async_insert: 0,
  wait_for_async_insert: 1,
  insert_deduplicate: 0,
  // Reset on every call: a token left in a chdb session would make every later insert a "duplicate".
  insert_deduplication_token: '',
  date_time_input_format: 'basic',
  max_memory_usage: String(8 * 1024 ** 3),
};

/** One code path: embedded chDB in DATA_DIR by default, a ClickHouse server when CLICKHOUSE_URL is set. */
export function createClickhouse(config: Pick<Config, 'clickhouseUrl' | 'dataDir' | 'clickhouseDatabase'> & Partial<Pick<Config, 'engineMemory'>>): Clickhouse {
  if (config.clickhouseUrl) {
    return createClient({ url: config.clickhouseUrl, clickhouse_settings: QUERY_SETTINGS, request_timeout: 60_000 });
  }
  const dir = path.join(config.dataDir, 'clickhouse');
  mkdirSync(dir, { recursive: true });
  // Server settings are arguments of the first connection to a data dir (it starts the engine); the
  // client's connection shares that engine once it exists. chdb/connection cannot pass them itself.
  const boot = config.engineMemory ? new Session(dir, { connectionArgs: engineMemoryArgs(config.engineMemory) }) : undefined;
  // chdb types the connection against @clickhouse/client-common, which @clickhouse/client 1.23.1 bundles
  // at a slightly different version: the shapes are the same at run time.
  const connection = createChdbConnection({ path: dir }) as unknown as NonNullable<ClientOptions['connection']>;
  boot?.close();
  return createClient({ connection, clickhouse_settings: QUERY_SETTINGS });
}
