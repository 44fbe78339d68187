import { z } from 'zod';
import { ApplicantSchema, EVENT_TYPES, LEVELS } from '../event-schema.ts';
import { CaseFieldsSchema, WarningSchema } from './case-summary.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A paused stretch of a case's clock (补正 `supplement`, 特别程序 `special`): Shanghai dates; `to` null while open. */
export const CasePauseSchema = z.object({ from: isoDate, to: isoDate.nullable(), kind: z.enum(['supplement', 'special']).nullable() });

/** A 督办 order on a case. */
export const SupervisionOrderSchema = z.object({
  orderId: z.string(),
  caseId: z.string(),
  issuedAt: z.string(),
  issuer: z.string(),
  reason: z.string(),
  dueOn: isoDate,
  status: z.enum(['open', 'resolved']),
  resolvedAt: z.string().nullable(),
  resolution: z.string(),
  /** The order's own clock: running, due within a working day, past its due date unresolved, resolved. */
  clock: z.enum(['open', 'due_soon', 'overdue', 'resolved']),
  /**
   * The escalation steps the system recorded (table `supervision_escalations`, announced with
   * `supervision:overdue`): 黄牌 the day after the due date, 红牌 the `redCardAfterDays`-th working day after
   * it, while the order stays unresolved (a resolved order keeps what it had reached); dates null until recorded.
   */
  escalation: z.object({ level: z.enum(['none', 'yellow_card', 'red_card']), yellowCardOn: isoDate.nullable(), redCardOn: isoDate.nullable() }),
});
export type SupervisionOrder = z.infer<typeof SupervisionOrderSchema>;

const followUpState = z.enum(['done', 'due', 'breached']);
/** The clocks a bad rating (1 or 2) opens: return visit within 1 working day, rectification within 15. */
export const RatingClockSchema = z.object({
  rating: z.number(),
  ratedAt: z.string(),
  returnVisitDue: isoDate,
  rectificationDue: isoDate,
  returnVisit: followUpState,
  rectification: followUpState,
  returnVisitAt: z.string().nullable(),
  rectifiedAt: z.string().nullable(),
  warning: z.object({ returnVisit: WarningSchema, rectification: WarningSchema }),
  provisional: z.boolean(),
});

/** 延期 granted under 行政许可法 Art. 42 (the first `extended` of a case; a second is flagged, not applied). */
export const ExtensionSchema = z.object({ days: z.number(), approvedBy: z.string().nullable(), at: z.string(), note: z.string().nullable() });

/** 环节时限: the current stage's own clock, when the item gives that stage a limit. */
export const StageClockSchema = z.object({
  stage: z.enum(EVENT_TYPES),
  limitDays: z.number(),
  since: z.string(),
  /** Last working day the stage may last; null while a pause keeps it open. */
  due: isoDate.nullable(),
  overdue: z.boolean(),
});

/** A deadline moved by a repair (a calendar or item change). */
export const DeadlineChangeSchema = z.object({
  caseId: z.string(),
  at: z.string(),
  clock: z.enum(['promised', 'statutory']),
  from: isoDate.nullable(),
  to: isoDate.nullable(),
  cause: z.string(),
});
export type RatingClockView = z.infer<typeof RatingClockSchema>;

export const TimelineStepSchema = z.object({
  eventId: z.string(),
  type: z.enum(EVENT_TYPES),
  occurredAt: z.string(),
  level: z.enum(LEVELS),
  actorId: z.string().nullable(),
  departmentCode: z.string().nullable(),
  /** The source system (its token's name) that sent this step; null for steps written in bulk without one. */
  source: z.string().nullable(),
  minutesSincePrevious: z.number().nullable(),
});

/** `GET /api/v1/cases/:caseId`: one case, its clocks, flags, orders and timeline (applicant masked). */
export const CaseDetailSchema = CaseFieldsSchema.extend({
  /** Null for a case whose submission has not arrived (its other events came first). */
  itemCode: z.string().nullable(),
  itemName: z.string().nullable(),
  completedAt: z.string().nullable(),
  promisedLimitDays: z.number().nullable(),
  statutoryLimitDays: z.number().nullable(),
  provisional: z.boolean(),
  pauses: z.array(CasePauseSchema),
  workingDaysUsed: z.number().nullable(),
  statutoryBreached: z.boolean(),
  completedOnTime: z.boolean().nullable(),
  handlingMinutes: z.number().nullable(),
  visits: z.number().nullable(),
  rating: z.number().nullable(),
  applicant: ApplicantSchema.nullable(),
  extension: ExtensionSchema.nullable(),
  stageClock: StageClockSchema.nullable(),
  deadlineHistory: z.array(DeadlineChangeSchema),
  supervision: z.array(SupervisionOrderSchema),
  /** The latest bad rating's clocks; `ratingClocks` holds every one when the case was rated badly more than once. */
  ratingClock: RatingClockSchema.nullable(),
  ratingClocks: z.array(RatingClockSchema),
  timeline: z.array(TimelineStepSchema),
});
export type CaseDetail = z.infer<typeof CaseDetailSchema>;
