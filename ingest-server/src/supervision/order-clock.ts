import { type IsoDate, type SupervisionOrder as OrderView, type WorkingCalendar } from '@tongban/shared';
import { escalationView } from './order-escalations.ts';
import type { SupervisionOrder } from './supervision-orders.store.ts';

/**
 * Pure: an order as the pages read it on `today` (Asia/Shanghai): its clock (open, due soon within a working
 * day, overdue past its due date, resolved), derived; its escalation, the steps the escalator recorded
 * (黄牌, 红牌, with their dates): a fact, not derived at read time, so it reads the same after a restart, a
 * calendar change or a settings change, and a resolved order keeps what it had reached.
 */
export function orderView(o: SupervisionOrder, cal: WorkingCalendar, today: IsoDate): OrderView {
  const { escalations, ...order } = o;
  const clock = o.status === 'resolved' ? 'resolved' : o.dueOn < today ? 'overdue' : cal.countWorkingDays(today, o.dueOn).days <= 1 ? 'due_soon' : 'open';
  return { ...order, clock, escalation: escalationView(escalations) };
}

