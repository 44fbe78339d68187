import type { ClickHouseSettings } from '@clickhouse/client';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';

/**
 * Every metrics query passes the complete settings (ENGINE-NOTES: chdb keeps per-query settings for the
 * session). 64-bit integers come back as JSON numbers: counts here stay far below 2^53.
 */
export const METRIC_SETTINGS: ClickHouseSettings = { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 };

export async function selectRows<T>(ch: Clickhouse, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await ch.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: METRIC_SETTINGS });
  return rs.json<T>();
}

export async function runCommand(ch: Clickhouse, query: string, params: Record<string, unknown> = {}): Promise<void> {
  await ch.command({ query, query_params: params, clickhouse_settings: METRIC_SETTINGS });
}

/**
 * Rows as arrays of strings in SELECT order, read as TabSeparated: for wide numeric results the engine formats
 * TSV several times faster than JSON. Only for columns that are numbers or codes (no tabs, newlines or
 * backslashes, so nothing is escaped).
 */
export async function selectTsv(ch: Clickhouse, query: string, params: Record<string, unknown> = {}): Promise<string[][]> {
  const rs = await ch.query({ query, query_params: params, format: 'TabSeparated', clickhouse_settings: METRIC_SETTINGS });
  const text = await rs.text();
  if (!text) return [];
  return text.replace(/\n$/, '').split('\n').map((line) => line.split('\t'));
}
