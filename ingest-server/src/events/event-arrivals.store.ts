import type { ClickHouseSettings } from '@clickhouse/client';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';

const SETTINGS: ClickHouseSettings = { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 };
/** Rows per read of the tail (a page is whole minutes of arrivals, or one minute however large). */
const PAGE_ROWS = 2_000_000;

/**
 * `event_arrivals` (core migration 5): when each stored event reached ClickHouse, by the engine's clock.
 * "What was stored since T" is a primary-key range: its cost is the tail, never the history.
 */
export class EventArrivals {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
  ) {}

  /** The engine's clock (epoch ms): the positions are in its time, whatever the server's clock says. */
  async now(): Promise<number> {
    const rs = await this.ch.query({ query: 'SELECT toUnixTimestamp64Milli(now64(3)) AS t', format: 'JSONEachRow', clickhouse_settings: SETTINGS });
    const [row] = await rs.json<{ t: number }>();
    return Number(row!.t);
  }

  /** Every event key stored at or after `sinceMs`, read as TabSeparated a page at a time. Returns the count. */
  async forEachKeySince(sinceMs: number, visit: (key: number) => void): Promise<number> {
    let total = 0;
    for (const [from, to] of await this.pages(sinceMs)) {
      const rs = await this.ch.query({
        query: `SELECT event_key FROM ${this.db}.event_arrivals
                WHERE inserted_at >= fromUnixTimestamp64Milli({from:Int64}, 'Asia/Shanghai')
                  ${to === null ? '' : `AND inserted_at < fromUnixTimestamp64Milli({to:Int64}, 'Asia/Shanghai')`}`,
        query_params: { from, to: to ?? 0 },
        format: 'TabSeparated',
        clickhouse_settings: SETTINGS,
      });
      const text = await rs.text();
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        visit(Number(text.slice(start, nl)));
        start = nl + 1;
        total++;
      }
    }
    return total;
  }

  /** The cases with an event stored at or after `sinceMs` (what a derivation since then must re-derive). */
  async casesSince(sinceMs: number): Promise<string[]> {
    const rs = await this.ch.query({
      query: `SELECT DISTINCT case_id FROM ${this.db}.event_arrivals WHERE inserted_at >= fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai')`,
      query_params: { since: sinceMs },
      format: 'TabSeparated',
      clickhouse_settings: SETTINGS,
    });
    const text = await rs.text();
    return text ? text.replace(/\n$/, '').split('\n') : [];
  }

  /** [from, to) ranges (to null: no end) of whole minutes holding at most PAGE_ROWS arrivals each (one minute may hold more). */
  private async pages(sinceMs: number): Promise<Array<[number, number | null]>> {
    const rs = await this.ch.query({
      query: `SELECT toUnixTimestamp64Milli(toDateTime64(toStartOfMinute(inserted_at), 3)) AS m, count() AS n FROM ${this.db}.event_arrivals
              WHERE inserted_at >= fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai') GROUP BY m ORDER BY m`,
      query_params: { since: sinceMs },
      format: 'JSONCompactEachRow',
      clickhouse_settings: SETTINGS,
    });
    const minutes = (await rs.json<[number, number]>()).map(([m, n]) => [Number(m), Number(n)] as const);
    const out: Array<[number, number | null]> = [];
    let from = sinceMs;
    let rows = 0;
    for (const [m, n] of minutes) {
      if (rows > 0 && rows + n > PAGE_ROWS) {
        out.push([from, m]);
        from = m;
        rows = 0;
      }
      rows += n;
    }
    if (rows > 0) out.push([from, null]);
    return out;
  }
}
