import { DEFAULT_METRIC_CONFIG, validateMetricConfig, type MetricConfig, shanghaiDateTime } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { METRIC_SETTINGS, selectRows } from './clickhouse-rows.ts';

/**
 * The metric configuration in force (weights of the five 度, targets of the index, grades …): the latest
 * saved by an admin, else DEFAULT_METRIC_CONFIG. Every version is kept (each report records the one it used).
 */
export class MetricConfigStore {
  private current: MetricConfig = DEFAULT_METRIC_CONFIG;
  private updatedAt: string | null = null;

  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
  ) {}

  async load(): Promise<void> {
    const rows = await selectRows<{ doc: string; at: string }>(
      this.ch,
      `SELECT doc, toString(updated_at) AS at FROM ${this.db}.metric_config ORDER BY updated_at DESC LIMIT 1`,
    );
    const row = rows[0];
    if (!row) return;
    const v = validateMetricConfig(JSON.parse(row.doc));
    if (v.ok) {
      this.current = v.config;
      this.updatedAt = row.at;
    }
  }

  get config(): MetricConfig {
    return this.current;
  }

  get info(): { config: MetricConfig; updatedAt: string | null; isDefault: boolean } {
    return { config: this.current, updatedAt: this.updatedAt, isDefault: this.updatedAt === null };
  }

  async save(config: MetricConfig, by: string, now: number): Promise<void> {
    await this.ch.insert({
      table: `${this.db}.metric_config`,
      format: 'JSONEachRow',
      clickhouse_settings: METRIC_SETTINGS,
      values: [{ doc: JSON.stringify(config), updated_at: shanghaiDateTime(now), updated_by: by }],
    });
    this.current = config;
    this.updatedAt = shanghaiDateTime(now);
  }
}
