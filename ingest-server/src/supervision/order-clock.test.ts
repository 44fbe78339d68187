import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as cal } from '@tongban/shared';
import { orderView } from './order-clock.ts';
import type { SupervisionOrder } from './supervision-orders.store.ts';

const order: SupervisionOrder = {
  orderId: 'o1', caseId: 'C1', issuedAt: '2025-09-22T09:00:00.000+08:00', issuer: 'sup', reason: '超期', dueOn: '2025-09-26', status: 'open', resolvedAt: null, resolution: '',
};

describe('a 督办 order’s clock and escalation', () => {
  it('runs, is due soon on its last working day, then turns 黄牌 the day after and 红牌 five working days after (Sunday 09-28 worked)', () => {
    expect(orderView(order, cal, '2025-09-22')).toMatchObject({ clock: 'open', escalation: { level: 'none', yellowCardOn: null, redCardOn: null } });
    expect(orderView(order, cal, '2025-09-26').clock).toBe('due_soon');
    expect(orderView(order, cal, '2025-09-27')).toMatchObject({ clock: 'overdue', escalation: { level: 'yellow_card', yellowCardOn: '2025-09-27', redCardOn: null } });
    // 09-28 (调休), 09-29, 09-30, then 10-01…10-08 off, 10-09, 10-10: the fifth working day after 09-26.
    expect(orderView(order, cal, '2025-10-09').escalation.level).toBe('yellow_card');
    expect(orderView(order, cal, '2025-10-10')).toMatchObject({ escalation: { level: 'red_card', redCardOn: '2025-10-10' } });
  });

  it('keeps what a resolved order had reached on its resolution day', () => {
    const late = { ...order, status: 'resolved' as const, resolvedAt: '2025-09-29T10:00:00.000+08:00', resolution: '已办结' };
    expect(orderView(late, cal, '2025-12-01')).toMatchObject({ clock: 'resolved', escalation: { level: 'yellow_card', yellowCardOn: '2025-09-27', redCardOn: null } });
    expect(orderView({ ...late, resolvedAt: '2025-09-26T18:00:00.000+08:00' }, cal, '2025-12-01').escalation.level).toBe('none');
  });
});
