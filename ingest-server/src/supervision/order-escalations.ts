import { addCalendarDays, type IsoDate, type SupervisionOverdue, type WorkingCalendar } from '@tongban/shared';

/** The two escalation steps of a 督办 left unresolved past its due date. */
export const ESCALATION_LEVELS = ['yellow_card', 'red_card'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** An escalation step as recorded (table `supervision_escalations`, once per order and step). */
export interface Escalation {
  orderId: string;
  caseId: string;
  level: EscalationLevel;
  /** The Shanghai day the order reached the step. */
  escalatedOn: IsoDate;
  /** When the step was recorded (Asia/Shanghai offset). */
  recordedAt: string;
}

/**
 * Pure: the day an order due `dueOn` reaches each step: 黄牌 the day after its due date, 红牌 on the
 * `redCardAfterDays`-th working day after it.
 */
export function escalationDays(dueOn: IsoDate, cal: WorkingCalendar, redCardAfterDays: number): Record<EscalationLevel, IsoDate> {
  return { yellow_card: addCalendarDays(dueOn, 1), red_card: cal.addWorkingDays(dueOn, redCardAfterDays).date };
}

/**
 * Pure: the next step an open order has not had recorded, and the day it falls due; null when both are
 * recorded. Steps come in order: 红牌 only after 黄牌 (a restart after a long outage records both, in turn).
 */
export function nextEscalation(
  dueOn: IsoDate,
  recorded: ReadonlySet<EscalationLevel>,
  cal: WorkingCalendar,
  redCardAfterDays: number,
): { level: EscalationLevel; on: IsoDate } | null {
  const days = escalationDays(dueOn, cal, redCardAfterDays);
  for (const level of ESCALATION_LEVELS) if (!recorded.has(level)) return { level, on: days[level] };
  return null;
}

/** Pure: what the pages read of an order's recorded steps (dates null until recorded). */
export function escalationView(steps: readonly Escalation[]): { level: 'none' | EscalationLevel; yellowCardOn: IsoDate | null; redCardOn: IsoDate | null } {
  const on = (l: EscalationLevel) => steps.find((s) => s.level === l)?.escalatedOn ?? null;
  const yellowCardOn = on('yellow_card');
  const redCardOn = on('red_card');
  return { level: redCardOn ? 'red_card' : yellowCardOn ? 'yellow_card' : 'none', yellowCardOn, redCardOn };
}

/** Pure: the `supervision:overdue` message of a step just recorded. */
export function escalationMessage(
  order: { orderId: string; caseId: string; dueOn: IsoDate; issuedAt: string; issuer: string; reason: string },
  step: Escalation,
  district: { code: string; name: string } | null,
): SupervisionOverdue {
  return {
    orderId: order.orderId,
    caseId: order.caseId,
    districtCode: district?.code ?? null,
    districtName: district?.name ?? null,
    level: step.level,
    escalatedOn: step.escalatedOn,
    dueOn: order.dueOn,
    issuedAt: order.issuedAt,
    issuer: order.issuer,
    reason: order.reason,
    at: step.recordedAt,
  };
}
