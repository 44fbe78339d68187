import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import type { CaseStateStore } from './case-state.store.ts';

/**
 * Each item's typical handling minutes (the median over its completed cases, for `too_fast`), kept in
 * `item_typical_minutes` (supervision migration 141) as computed by the last refresh: a start reads that one
 * row instead of a median over every completed case of history (issue 16), and the 10-minute refresh
 * computes it anew and stores it. Computed at start only when nothing is stored yet.
 */
export class TypicalMinutesStore {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
    private readonly states: CaseStateStore,
  ) {}

  async load(): Promise<{ minutes: Map<string, number>; stored: boolean }> {
    const [row] = await selectRows<{ doc: string }>(this.ch, `SELECT argMax(doc, computed_at) AS doc FROM ${this.db}.item_typical_minutes HAVING count() > 0`);
    if (row) return { minutes: new Map(Object.entries(JSON.parse(row.doc) as Record<string, number>)), stored: true };
    return { minutes: await this.refresh(), stored: false };
  }

  async refresh(): Promise<Map<string, number>> {
    const minutes = await this.states.typicalMinutes();
    await runCommand(this.ch, `INSERT INTO ${this.db}.item_typical_minutes (computed_at, doc) SELECT now64(3), {doc:String}`, { doc: JSON.stringify(Object.fromEntries(minutes)) });
    return minutes;
  }
}

// Supervision does not import the metrics room (it depends on supervision): its own two helpers.
async function selectRows<T>(ch: Clickhouse, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await ch.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 } });
  return rs.json<T>();
}

async function runCommand(ch: Clickhouse, query: string, params: Record<string, unknown> = {}): Promise<void> {
  await ch.command({ query, query_params: params, clickhouse_settings: QUERY_SETTINGS });
}
