import { addCalendarDays, shanghaiDate, type IsoDate, type SupervisionOrder as OrderView, type WorkingCalendar } from '@tongban/shared';
import type { SupervisionOrder } from './supervision-orders.store.ts';

/** Working days after its due date an unresolved 督办 turns from 黄牌 to 红牌 (accountability). */
export const RED_CARD_AFTER_DAYS = 5;

/**
 * Pure: an order as the pages read it, with its clock and its escalation on `today` (Asia/Shanghai). The
 * escalation is a function of the due date, the calendar and the resolution date, so it is the same after
 * a restart and for every reader: 黄牌 from the first day past the due date, 红牌 from the
 * RED_CARD_AFTER_DAYS-th working day after it. A resolved order keeps what it had reached on its resolution day.
 */
export function orderView(o: SupervisionOrder, cal: WorkingCalendar, today: IsoDate): OrderView {
  const asOf = o.status === 'resolved' && o.resolvedAt ? shanghaiDate(o.resolvedAt) : today;
  const yellow = addCalendarDays(o.dueOn, 1);
  const red = cal.addWorkingDays(o.dueOn, RED_CARD_AFTER_DAYS).date;
  const level = asOf >= red ? 'red_card' : asOf >= yellow ? 'yellow_card' : 'none';
  const clock = o.status === 'resolved' ? 'resolved' : o.dueOn < today ? 'overdue' : cal.countWorkingDays(today, o.dueOn).days <= 1 ? 'due_soon' : 'open';
  return { ...o, clock, escalation: { level, yellowCardOn: level === 'none' ? null : yellow, redCardOn: level === 'red_card' ? red : null } };
}
