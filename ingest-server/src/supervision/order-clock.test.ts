import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as cal } from '@tongban/shared';
import { orderView } from './order-clock.ts';
import type { SupervisionOrder } from './supervision-orders.store.ts';

const order: SupervisionOrder = {
  orderId: 'o1', caseId: 'C1', issuedAt: '2025-09-22T09:00:00.000+08:00', issuer: 'sup', reason: '超期', dueOn: '2025-09-26', status: 'open', resolvedAt: null, resolution: '', escalations: [],
};
const yellow = { orderId: 'o1', caseId: 'C1', level: 'yellow_card' as const, escalatedOn: '2025-09-27', recordedAt: '2025-09-27T00:00:01.000+08:00' };
const red = { ...yellow, level: 'red_card' as const, escalatedOn: '2025-10-10', recordedAt: '2025-10-10T00:00:01.000+08:00' };

describe('a 督办 order’s clock and escalation', () => {
  it('runs, is due soon on its last working day, then is overdue the day after (the clock is derived)', () => {
    expect(orderView(order, cal, '2025-09-22')).toMatchObject({ clock: 'open', escalation: { level: 'none', yellowCardOn: null, redCardOn: null } });
    expect(orderView(order, cal, '2025-09-26').clock).toBe('due_soon');
    expect(orderView(order, cal, '2025-09-27').clock).toBe('overdue');
  });

  it('shows the escalation steps recorded, with their dates, and nothing that was not recorded', () => {
    expect(orderView(order, cal, '2025-10-20').escalation).toEqual({ level: 'none', yellowCardOn: null, redCardOn: null });
    expect(orderView({ ...order, escalations: [yellow] }, cal, '2025-10-09').escalation).toEqual({ level: 'yellow_card', yellowCardOn: '2025-09-27', redCardOn: null });
    expect(orderView({ ...order, escalations: [yellow, red] }, cal, '2025-10-10').escalation).toEqual({ level: 'red_card', yellowCardOn: '2025-09-27', redCardOn: '2025-10-10' });
    expect(orderView({ ...order, escalations: [yellow] }, cal, '2025-10-09')).not.toHaveProperty('escalations');
  });

  it('keeps what a resolved order had reached', () => {
    const late = { ...order, status: 'resolved' as const, resolvedAt: '2025-09-29T10:00:00.000+08:00', resolution: '已办结', escalations: [yellow] };
    expect(orderView(late, cal, '2025-12-01')).toMatchObject({ clock: 'resolved', escalation: { level: 'yellow_card', yellowCardOn: '2025-09-27', redCardOn: null } });
  });
});
