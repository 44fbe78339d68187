import { shanghaiDateTime, shanghaiIso, type IsoDate } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import type { Escalation, EscalationLevel } from './order-escalations.ts';

/** The recorded escalation steps of 督办 orders in ClickHouse (`supervision_escalations`, a small table). */
export class OrderEscalationStore {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
  ) {}

  async record(steps: readonly (Escalation & { dueOn: IsoDate })[]): Promise<void> {
    if (!steps.length) return;
    await this.ch.insert({
      table: `${this.db}.supervision_escalations`,
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
      values: steps.map((s) => ({
        order_id: s.orderId,
        case_id: s.caseId,
        level: s.level,
        escalated_on: s.escalatedOn,
        due_on: s.dueOn,
        recorded_at: shanghaiDateTime(Date.parse(s.recordedAt)),
      })),
    });
  }

  /** The steps of these orders (the open ones, at start-up). */
  ofOrders(orderIds: readonly string[]): Promise<Escalation[]> {
    return orderIds.length ? this.read('order_id IN {ids:Array(UUID)}', { ids: [...orderIds] }) : Promise.resolve([]);
  }

  ofCase(caseId: string): Promise<Escalation[]> {
    return this.read('case_id = {caseId:String}', { caseId });
  }

  /** Every recorded step (the 督办 list reads every order too: one row per order and step). */
  all(): Promise<Escalation[]> {
    return this.read('1');
  }

  private async read(where: string, params: Record<string, unknown> = {}): Promise<Escalation[]> {
    const rs = await this.ch.query({
      // The earliest row of a step is the step (a second write after a crash repeats it, never moves it).
      query: `SELECT toString(order_id) AS orderId, case_id AS caseId, level, toString(argMin(escalated_on, recorded_at)) AS escalatedOn,
                toUnixTimestamp64Milli(min(recorded_at)) AS recorded
              FROM ${this.db}.supervision_escalations WHERE ${where}
              GROUP BY order_id, case_id, level ORDER BY escalatedOn, level`,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    const rows = await rs.json<{ orderId: string; caseId: string; level: EscalationLevel; escalatedOn: IsoDate; recorded: number }>();
    return rows.map(({ recorded, ...r }) => ({ ...r, recordedAt: shanghaiIso(Number(recorded)) }));
  }
}
