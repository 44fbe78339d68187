import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';

/** Names of the flags stored with the data. */
export type SystemFlagName = 'simulated';

/**
 * Facts about the data kept with the data (`system_flags`, the latest value per name): e.g. that the events
 * are simulated, written by a backfill or by a server run with SIMULATE=1. Whichever command later serves
 * the data dir reads them, so the wall says 演示数据 whoever started it.
 */
export class SystemFlags {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
  ) {}

  async set(name: SystemFlagName, value: string, by: string): Promise<void> {
    await this.ch.insert({
      table: `${this.db}.system_flags`,
      values: [{ name, value, set_at: Date.now(), set_by: by }],
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
    });
  }

  async get(name: SystemFlagName): Promise<string | null> {
    const rs = await this.ch.query({
      query: `SELECT argMax(value, set_at) AS value FROM ${this.db}.system_flags WHERE name = {name:String} GROUP BY name`,
      query_params: { name },
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
    });
    const [row] = await rs.json<{ value: string }>();
    return row?.value ?? null;
  }
}
