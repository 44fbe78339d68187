import { randomUUID } from 'node:crypto';
import { maskFreeText, shanghaiDate, type IsoDate, shanghaiDateTime, shanghaiIso } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import type { Escalation } from './order-escalations.ts';
import { OrderEscalationStore } from './order-escalations.store.ts';
import { OrderEscalator, type EscalatorDeps } from './order-escalator.ts';

/** The 督办 orders table, for the rooms whose queries read it. */
export const supervisionOrdersTable = (db: string) => `${db}.supervision_orders`;

/** A supervision order (督办) on a case: who issued it, why, by when it must be dealt with. */
export interface SupervisionOrder {
  orderId: string;
  caseId: string;
  issuedAt: string;
  issuer: string;
  reason: string;
  dueOn: IsoDate;
  status: 'open' | 'resolved';
  resolvedAt: string | null;
  resolution: string;
  /** The escalation steps recorded for it (黄牌, 红牌), earliest first. */
  escalations: Escalation[];
}

/** What the orders need to escalate: see `OrderEscalator`. */
export type EscalationSettings = Omit<EscalatorDeps<SupervisionOrder>, 'recorder'>;

/**
 * An order with personal data masked in its free text (reason, resolution). Orders are masked when stored
 * (the caller masks the case's applicant name, this class the ID numbers and phones), and again on the way
 * out, so rows stored before masking was applied never leave unmasked either.
 */
function masked(o: SupervisionOrder): SupervisionOrder {
  return { ...o, reason: maskFreeText(o.reason), resolution: maskFreeText(o.resolution) };
}

/**
 * 督办 orders in ClickHouse (latest version per order) with the open ones in memory, and their escalation
 * steps (recorded by the escalator, read back with the orders).
 */
export class SupervisionOrders {
  private open = new Map<string, SupervisionOrder>();
  /** Orders already reported overdue (reported once). */
  private warned = new Set<string>();
  private listeners: Array<() => void> = [];
  private readonly steps: OrderEscalationStore;
  private readonly escalator: OrderEscalator<SupervisionOrder>;

  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
    escalation: EscalationSettings,
  ) {
    this.steps = new OrderEscalationStore(ch, db);
    this.escalator = new OrderEscalator({ ...escalation, recorder: this.steps });
  }

  async load(): Promise<void> {
    for (const o of await this.read('status = \'open\'')) this.open.set(o.orderId, o);
    await this.escalator.load([...this.open.values()]);
  }

  /** Records (and announces) the escalation steps due by today of the open orders (the scanner's tick). */
  escalate(): Promise<number> {
    return this.escalator.tick();
  }

  /** The calendar changed: the open orders' next steps are dated again. */
  recompute(): void {
    this.escalator.rebuild();
  }

  /** The open orders anew from ClickHouse (another node issued or resolved one). */
  async reload(): Promise<void> {
    const open = new Map<string, SupervisionOrder>();
    for (const o of await this.read('status = \'open\'')) open.set(o.orderId, o);
    this.open = open;
  }

  /** Called after this node issued or resolved an order. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  async issue(caseId: string, input: { reason: string; dueOn: IsoDate; issuer: string }, now: number): Promise<SupervisionOrder> {
    const order = masked({ orderId: randomUUID(), caseId, issuedAt: shanghaiIso(now), status: 'open', resolvedAt: null, resolution: '', escalations: [], ...input });
    await this.write(order, now);
    this.open.set(order.orderId, order);
    for (const l of this.listeners) l();
    this.escalator.track(order);
    return order;
  }

  async resolve(caseId: string, orderId: string, resolution: string, now: number): Promise<SupervisionOrder | undefined> {
    const order = (await this.ofCase(caseId)).find((o) => o.orderId === orderId);
    if (!order) return undefined;
    const resolved = masked({ ...order, status: 'resolved', resolvedAt: shanghaiIso(now), resolution });
    await this.write(resolved, now);
    this.open.delete(orderId);
    for (const l of this.listeners) l();
    this.escalator.untrack(orderId);
    return resolved;
  }

  /** Every order, latest version each, with its steps (small tables: one row per order and change, per order and step). */
  async all(): Promise<SupervisionOrder[]> {
    const [orders, steps] = await Promise.all([this.read('1'), this.steps.all()]);
    return withSteps(orders, steps);
  }

  async ofCase(caseId: string): Promise<SupervisionOrder[]> {
    const [orders, steps] = await Promise.all([this.read('case_id = {caseId:String}', { caseId }), this.steps.ofCase(caseId)]);
    return withSteps(orders, steps);
  }

  /** Every order not resolved yet, with its steps (in memory). */
  openOrders(): SupervisionOrder[] {
    return [...this.open.values()].map((o) => ({ ...o, escalations: [...this.escalator.stepsOf(o.orderId)] }));
  }

  counts(now: number): { open: number; overdue: number } {
    const today = shanghaiDate(now);
    let overdue = 0;
    for (const o of this.open.values()) if (o.dueOn < today) overdue++;
    return { open: this.open.size, overdue };
  }

  private async write(o: SupervisionOrder, now: number): Promise<void> {
    await this.ch.insert({
      table: `${this.db}.supervision_orders`,
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
      values: [
        {
          order_id: o.orderId,
          case_id: o.caseId,
          version: shanghaiDateTime(now),
          issued_at: shanghaiDateTime(Date.parse(o.issuedAt)),
          issuer: o.issuer,
          reason: o.reason,
          due_on: o.dueOn,
          status: o.status,
          resolved_at: o.resolvedAt ? shanghaiDateTime(Date.parse(o.resolvedAt)) : null,
          resolution: o.resolution,
        },
      ],
    });
  }

  private async read(where: string, params: Record<string, unknown> = {}): Promise<SupervisionOrder[]> {
    const rs = await this.ch.query({
      query: `SELECT toString(order_id) AS orderId, case_id AS caseId, toUnixTimestamp64Milli(issued_at) AS issued, issuer, reason,
                toString(due_on) AS dueOn, status, toUnixTimestamp64Milli(resolved_at) AS resolved, resolution
              FROM ${this.db}.supervision_orders FINAL WHERE ${where} ORDER BY issued_at`,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    const rows = await rs.json<Omit<SupervisionOrder, 'issuedAt' | 'resolvedAt' | 'escalations'> & { issued: number; resolved: number | null }>();
    return rows.map(({ issued, resolved, ...o }) => masked({ ...o, escalations: [], issuedAt: shanghaiIso(Number(issued)), resolvedAt: resolved === null ? null : shanghaiIso(Number(resolved)) }));
  }
}

function withSteps(orders: SupervisionOrder[], steps: readonly Escalation[]): SupervisionOrder[] {
  const byOrder = new Map<string, Escalation[]>();
  for (const s of steps) byOrder.set(s.orderId, [...(byOrder.get(s.orderId) ?? []), s]);
  return orders.map((o) => ({ ...o, escalations: byOrder.get(o.orderId) ?? [] }));
}
