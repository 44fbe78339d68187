import { shanghaiDate, shanghaiIso, type IsoDate, type WorkingCalendar } from '@tongban/shared';
import { nextEscalation, type Escalation, type EscalationLevel } from './order-escalations.ts';

/** What the escalator needs of an order (the store's `SupervisionOrder` is one). */
export interface EscalatingOrder {
  orderId: string;
  caseId: string;
  dueOn: IsoDate;
}

/** Where the escalator keeps its steps (ClickHouse in the server: `OrderEscalationStore`). */
export interface EscalationRecorder {
  record(steps: readonly (Escalation & { dueOn: IsoDate })[]): Promise<void>;
  ofOrders(orderIds: readonly string[]): Promise<Escalation[]>;
}

export interface EscalatorDeps<O extends EscalatingOrder> {
  recorder: EscalationRecorder;
  calendar: () => WorkingCalendar;
  /** Working days after the due date an unresolved order turns 红牌 (config `supervisionOrders.redCardAfterDays`). */
  redCardAfterDays: number;
  now: () => number;
  logger: { warn(obj: object, msg: string): void };
  /** A step just recorded: announced live (`supervision:overdue`). */
  announce: (order: O, step: Escalation) => void;
}

type Entry = { on: IsoDate; orderId: string; level: EscalationLevel };

/** A binary min-heap of the open orders' next steps by day (ISO dates compare as strings). */
class StepHeap {
  private items: Entry[] = [];
  get size() {
    return this.items.length;
  }
  peek(): Entry | undefined {
    return this.items[0];
  }
  push(e: Entry): void {
    const a = this.items;
    let i = a.push(e) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.on <= e.on) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = e;
  }
  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (!a.length || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && a[r]!.on < a[l]!.on ? r : l;
      if (a[c]!.on >= last.on) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
  clear(): void {
    this.items = [];
  }
}

/**
 * Records the escalation of 督办 orders left unresolved past their due date (黄牌, then 红牌), once per order
 * and step, and announces each step as it is recorded. Only open orders are held, each with its next step
 * in a heap by day: a tick pops the steps due by today and touches nothing else, so its cost never grows
 * with history. At start-up the open orders' recorded steps are read back, so a restart records and
 * announces nothing twice; a server down over a due date records the missed steps on its first tick.
 */
export class OrderEscalator<O extends EscalatingOrder> {
  private readonly orders = new Map<string, O>();
  private readonly steps = new Map<string, Escalation[]>();
  private readonly heap = new StepHeap();
  private ticking = false;

  constructor(private readonly d: EscalatorDeps<O>) {}

  /** The open orders at start-up, with their steps recorded before. */
  async load(open: readonly O[]): Promise<void> {
    const recorded = await this.d.recorder.ofOrders(open.map((o) => o.orderId));
    for (const s of recorded) this.steps.set(s.orderId, [...(this.steps.get(s.orderId) ?? []), s]);
    for (const o of open) this.track(o);
  }

  /** A new open order (or one loaded at start-up). */
  track(o: O): void {
    this.orders.set(o.orderId, o);
    this.schedule(o);
  }

  /** A resolved order: no step is recorded for it any more (its heap entry is dropped when reached). */
  untrack(orderId: string): void {
    this.orders.delete(orderId);
    this.steps.delete(orderId);
    if (this.heap.size > 2 * this.orders.size + 64) this.rebuild();
  }

  /** The recorded steps of an open order (in memory). */
  stepsOf(orderId: string): readonly Escalation[] {
    return this.steps.get(orderId) ?? [];
  }

  /** The calendar changed: every open order's next step is dated again. */
  rebuild(): void {
    this.heap.clear();
    for (const o of this.orders.values()) this.schedule(o);
  }

  /** Steps waiting in the heap (bounded by the open orders). */
  get pending(): number {
    return this.heap.size;
  }

  /** Records (then announces) every step due by today; returns how many. One tick at a time. */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    try {
      const now = this.d.now();
      const today = shanghaiDate(now);
      const at = shanghaiIso(now);
      const batch: Array<{ order: O; step: Escalation }> = [];
      const tentative = new Map<string, Set<EscalationLevel>>();
      for (let top = this.heap.peek(); top && top.on <= today; top = this.heap.peek()) {
        this.heap.pop();
        const order = this.orders.get(top.orderId);
        if (!order) continue; // resolved since
        const done = tentative.get(order.orderId) ?? new Set(this.stepsOf(order.orderId).map((s) => s.level));
        const next = nextEscalation(order.dueOn, done, this.d.calendar(), this.d.redCardAfterDays);
        if (!next || next.level !== top.level) continue; // superseded entry
        if (next.on > today) {
          this.heap.push({ ...next, orderId: order.orderId }); // the calendar moved it
          continue;
        }
        batch.push({ order, step: { orderId: order.orderId, caseId: order.caseId, level: next.level, escalatedOn: next.on, recordedAt: at } });
        tentative.set(order.orderId, new Set([...done, next.level]));
        const after = nextEscalation(order.dueOn, tentative.get(order.orderId)!, this.d.calendar(), this.d.redCardAfterDays);
        if (after) this.heap.push({ ...after, orderId: order.orderId });
      }
      if (!batch.length) return 0;
      try {
        await this.d.recorder.record(batch.map((b) => ({ ...b.step, dueOn: b.order.dueOn })));
      } catch (err) {
        this.d.logger.warn({ err, steps: batch.length }, 'recording 督办 escalations failed; retried on the next tick');
        this.rebuild();
        return 0;
      }
      for (const { order, step } of batch) {
        if (!this.orders.has(order.orderId)) continue;
        this.steps.set(order.orderId, [...this.stepsOf(order.orderId), step]);
        this.d.announce(order, step);
      }
      return batch.length;
    } finally {
      this.ticking = false;
    }
  }

  private schedule(o: O): void {
    const next = nextEscalation(o.dueOn, new Set(this.stepsOf(o.orderId).map((s) => s.level)), this.d.calendar(), this.d.redCardAfterDays);
    if (next) this.heap.push({ ...next, orderId: o.orderId });
  }
}
