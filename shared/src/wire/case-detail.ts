import { z } from 'zod';
import { ApplicantSchema, EVENT_TYPES, LEVELS } from '../event-schema.ts';
import { CaseFieldsSchema } from './case-summary.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A paused stretch of a case's clock (补正, 特别程序): Shanghai dates; `to` null while it is open. */
export const CasePauseSchema = z.object({ from: isoDate, to: isoDate.nullable() });

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
});
export type SupervisionOrder = z.infer<typeof SupervisionOrderSchema>;

const followUpState = z.enum(['done', 'due', 'breached']);
/** The clocks a bad rating (1 or 2) opens: return visit within 1 working day, rectification within 15. */
export const RatingClockSchema = z.object({
  caseId: z.string(),
  districtCode: z.string(),
  rating: z.number(),
  ratedOn: isoDate,
  returnVisitDue: isoDate,
  rectificationDue: isoDate,
  returnVisitAt: z.string().nullable(),
  rectifiedAt: z.string().nullable(),
  returnVisit: followUpState,
  rectification: followUpState,
});
export type RatingClockView = z.infer<typeof RatingClockSchema>;

export const TimelineStepSchema = z.object({
  eventId: z.string(),
  type: z.enum(EVENT_TYPES),
  occurredAt: z.string(),
  level: z.enum(LEVELS),
  actorId: z.string().nullable(),
  departmentCode: z.string().nullable(),
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
  flags: z.array(z.string()),
  applicant: ApplicantSchema.nullable(),
  supervision: z.array(SupervisionOrderSchema),
  ratingClock: RatingClockSchema.nullable(),
  timeline: z.array(TimelineStepSchema),
});
export type CaseDetail = z.infer<typeof CaseDetailSchema>;
