import { catalogue as referenceCatalogue } from '@tongban/reference/catalogue';
import type { ServiceItemRecord } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';

/**
 * The service-item catalogue (事项清单), stored in ClickHouse (`items`, latest version per code) and
 * held in memory for validation and clocks. Seeded from the reference catalogue on first start.
 */
export class ItemCatalogue {
  private items = new Map<string, ServiceItemRecord>();
  private listeners: Array<(item: ServiceItemRecord) => void> = [];

  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
  ) {}

  async load(): Promise<number> {
    let rows = await this.readAll();
    if (rows.length === 0) {
      await this.write(referenceCatalogue as unknown as ServiceItemRecord[], 'reference-catalogue');
      rows = await this.readAll();
    }
    this.items = new Map(rows.map((i) => [i.itemCode, i]));
    return this.items.size;
  }

  get(itemCode: string): ServiceItemRecord | undefined {
    return this.items.get(itemCode);
  }

  has(itemCode: string): boolean {
    return this.items.has(itemCode);
  }

  list(): ServiceItemRecord[] {
    return [...this.items.values()];
  }

  async put(item: ServiceItemRecord, by: string): Promise<void> {
    await this.write([item], by);
    this.items.set(item.itemCode, item);
    for (const l of this.listeners) l(item);
  }

  /** Reads an item anew from ClickHouse (another node changed it) and tells the listeners, as `put` does. */
  async reloadItem(itemCode: string): Promise<void> {
    const item = (await this.readAll()).find((i) => i.itemCode === itemCode);
    if (!item) return;
    this.items.set(itemCode, item);
    for (const l of this.listeners) l(item);
  }

  /** Called after an item changes (its limits may move open deadlines). */
  onChange(listener: (item: ServiceItemRecord) => void): void {
    this.listeners.push(listener);
  }

  private async write(items: ServiceItemRecord[], by: string): Promise<void> {
    const now = Date.now();
    await this.ch.insert({
      table: `${this.db}.items`,
      values: items.map((i) => ({ item_code: i.itemCode, doc: JSON.stringify(i), updated_at: now, updated_by: by })),
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
    });
  }

  private async readAll(): Promise<ServiceItemRecord[]> {
    const rs = await this.ch.query({
      query: `SELECT argMax(doc, updated_at) AS doc FROM ${this.db}.items GROUP BY item_code`,
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
    });
    return (await rs.json<{ doc: string }>()).map((r) => JSON.parse(r.doc) as ServiceItemRecord);
  }
}
