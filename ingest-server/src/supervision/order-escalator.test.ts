import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as cal, type IsoDate } from '@tongban/shared';
import { escalationDays, nextEscalation, type Escalation } from './order-escalations.ts';
import { OrderEscalator, type EscalationRecorder } from './order-escalator.ts';
import type { SupervisionOrder } from './supervision-orders.store.ts';

const order = (id: string, dueOn: IsoDate): SupervisionOrder => ({
  orderId: id, caseId: `C-${id}`, issuedAt: '2025-09-22T09:00:00.000+08:00', issuer: 'sup', reason: '超期', dueOn, status: 'open', resolvedAt: null, resolution: '', escalations: [],
});
const at = (day: string) => Date.parse(`${day}T00:00:05+08:00`);

/** The recorder's rows in memory: what a restart reads back. */
class Rows implements EscalationRecorder {
  rows: Escalation[] = [];
  fail = false;
  async record(steps: readonly Escalation[]) {
    if (this.fail) throw new Error('ClickHouse away');
    this.rows.push(...steps.map(({ orderId, caseId, level, escalatedOn, recordedAt }) => ({ orderId, caseId, level, escalatedOn, recordedAt })));
  }
  async ofOrders(ids: readonly string[]) {
    return this.rows.filter((r) => ids.includes(r.orderId));
  }
}

function escalator(rows: Rows, clock: { now: number }, redCardAfterDays = 5) {
  const announced: Array<[string, string, string]> = [];
  const e = new OrderEscalator({ recorder: rows, calendar: () => cal, redCardAfterDays, now: () => clock.now, logger: { warn: () => {} }, announce: (o, s) => announced.push([o.orderId, s.level, s.escalatedOn]) });
  return { e, announced };
}

describe('the 督办 escalation rule', () => {
  it('dates 黄牌 the day after the due date and 红牌 the configured working day after it (Sunday 09-28 worked, National Day off)', () => {
    expect(escalationDays('2025-09-26', cal, 5)).toEqual({ yellow_card: '2025-09-27', red_card: '2025-10-10' });
    expect(escalationDays('2025-09-26', cal, 2).red_card).toBe('2025-09-29');
    expect(nextEscalation('2025-09-26', new Set(['yellow_card']), cal, 5)).toEqual({ level: 'red_card', on: '2025-10-10' });
    expect(nextEscalation('2025-09-26', new Set(['yellow_card', 'red_card']), cal, 5)).toBeNull();
  });
});

describe('the escalator', () => {
  it('records each step once, on its day, and announces it', async () => {
    const rows = new Rows();
    const clock = { now: at('2025-09-26') };
    const { e, announced } = escalator(rows, clock);
    await e.load([order('a', '2025-09-26'), order('b', '2025-10-31')]);
    expect(await e.tick()).toBe(0);
    clock.now = at('2025-09-27');
    expect(await e.tick()).toBe(1);
    expect(await e.tick()).toBe(0);
    clock.now = at('2025-10-09');
    expect(await e.tick()).toBe(0);
    clock.now = at('2025-10-10');
    expect(await e.tick()).toBe(1);
    expect(announced).toEqual([['a', 'yellow_card', '2025-09-27'], ['a', 'red_card', '2025-10-10']]);
    expect(rows.rows.map((r) => [r.orderId, r.level, r.escalatedOn, r.recordedAt.slice(0, 10)])).toEqual([
      ['a', 'yellow_card', '2025-09-27', '2025-09-27'],
      ['a', 'red_card', '2025-10-10', '2025-10-10'],
    ]);
    expect(e.stepsOf('a').map((s) => s.level)).toEqual(['yellow_card', 'red_card']);
  });

  it('after a restart records nothing twice, and a server down over both dates records both steps, in turn, dated by the rule', async () => {
    const rows = new Rows();
    const clock = { now: at('2025-09-27') };
    const first = escalator(rows, clock);
    await first.e.load([order('a', '2025-09-26')]);
    await first.e.tick();
    const again = escalator(rows, clock);
    await again.e.load([order('a', '2025-09-26')]);
    expect(await again.e.tick()).toBe(0);
    expect(again.announced).toEqual([]);

    const late = escalator(new Rows(), { now: at('2025-11-03') });
    await late.e.load([order('z', '2025-09-26')]);
    expect(await late.e.tick()).toBe(2);
    expect(late.announced).toEqual([['z', 'yellow_card', '2025-09-27'], ['z', 'red_card', '2025-10-10']]);
  });

  it('records nothing for a resolved order, and keeps the heap bounded by the open orders', async () => {
    const rows = new Rows();
    const clock = { now: at('2025-09-22') };
    const { e } = escalator(rows, clock);
    await e.load([]);
    for (let i = 0; i < 1_000; i++) {
      e.track(order(`o${i}`, '2025-09-26'));
      e.untrack(`o${i}`);
    }
    expect(e.pending).toBeLessThanOrEqual(65);
    clock.now = at('2025-12-01');
    expect(await e.tick()).toBe(0);
    expect(rows.rows).toEqual([]);
  });

  it('retries a step whose write failed on the next tick, announcing it once', async () => {
    const rows = new Rows();
    const clock = { now: at('2025-09-27') };
    const { e, announced } = escalator(rows, clock);
    await e.load([order('a', '2025-09-26')]);
    rows.fail = true;
    expect(await e.tick()).toBe(0);
    rows.fail = false;
    expect(await e.tick()).toBe(1);
    expect(announced).toEqual([['a', 'yellow_card', '2025-09-27']]);
  });

  it('dates 红牌 by the configured threshold', async () => {
    const rows = new Rows();
    const { e, announced } = escalator(rows, { now: at('2025-09-30') }, 2);
    await e.load([order('a', '2025-09-26')]);
    await e.tick();
    expect(announced).toEqual([['a', 'yellow_card', '2025-09-27'], ['a', 'red_card', '2025-09-29']]);
  });
});
