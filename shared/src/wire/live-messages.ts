import { z } from 'zod';
import { ApplicantSchema, CHANNELS, EVENT_TYPES, LEVELS } from '../event-schema.ts';
import { CaseWarningSchema, CaseSummarySchema, WarningSchema } from './case-summary.ts';

/**
 * `case:event`: a case event as ingested, with personal data masked and the district named. Optional
 * event fields are absent when the source did not send them (the one exception to the null rule).
 */
export const LiveEventSchema = z.object({
  eventId: z.string(),
  caseId: z.string(),
  type: z.enum(EVENT_TYPES),
  occurredAt: z.string(),
  itemCode: z.string().optional(),
  districtCode: z.string(),
  districtName: z.string().nullable(),
  townshipCode: z.string().optional(),
  villageCode: z.string().optional(),
  level: z.enum(LEVELS),
  departmentCode: z.string().optional(),
  channel: z.enum(CHANNELS).optional(),
  actorId: z.string().optional(),
  applicant: ApplicantSchema.optional(),
  rating: z.number().optional(),
  visits: z.number().optional(),
  note: z.string().optional(),
});
export type LiveEvent = z.infer<typeof LiveEventSchema>;

const countsByType = z.partialRecord(z.enum(EVENT_TYPES), z.number());
export type EventTypeCounts = z.infer<typeof countsByType>;

/** Today's events (Asia/Shanghai day) by type, city-wide and per district. */
export const TodayCountsSchema = z.object({
  day: z.string(),
  totals: countsByType,
  districts: z.record(z.string(), countsByType),
});
export type TodayCounts = z.infer<typeof TodayCountsSchema>;

export const WarningCountsSchema = z.object({ open: z.number(), yellow: z.number(), red: z.number() });
export type WarningCounts = z.infer<typeof WarningCountsSchema>;

/** Open cases with a data-quality flag: never yellow or red, counted apart (SPEC.md). */
export const DataQualityCountsSchema = z.object({ total: z.number(), byDistrict: z.record(z.string(), z.number()) });

/**
 * The supervision engine's part of `snapshot`, `stats` and `GET /api/v1/overview`. For a caller confined to
 * one district, the figures the engine keeps city-wide only (by level, stage, 督办, rating clocks) are null.
 */
export const SupervisionOverviewSchema = z.object({
  counts: WarningCountsSchema.extend({
    stageOverdue: z.number().nullable(),
    pauseOverdue: z.number().nullable(),
    /** Open cases predicted late, not yet yellow or red; null when no case has a lateness model (无数据). */
    atRisk: z.number().nullable(),
  }),
  byLevel: z.record(z.enum(LEVELS), z.number()).nullable(),
  /** 办件所在层级 of each district with open cases (a district's wall draws its own); null where not kept. */
  levelsByDistrict: z.record(z.string(), z.record(z.enum(LEVELS), z.number())).nullable(),
  byDistrict: z.record(z.string(), WarningCountsSchema),
  /** Red first, then yellow, most overdue first; at most 100. */
  redList: z.array(CaseWarningSchema),
  dataQuality: DataQualityCountsSchema,
  /** Open cases past their current stage's own limit (环节超时), by stage. */
  stageOverdue: z.object({ total: z.number(), byStage: z.record(z.string(), z.number()) }).nullable(),
  /** 督办 orders: open, and open past their due date. */
  orders: z.object({ open: z.number(), overdue: z.number() }).nullable(),
  /** Bad-rating clocks still waiting for a follow-up. */
  ratingClocks: z.object({ active: z.number() }).nullable(),
});
export type SupervisionOverview = z.infer<typeof SupervisionOverviewSchema>;

/** `snapshot`, sent on every (re)connect. `supervision` is null on a server without the engine. */
export const SnapshotSchema = z.object({
  serverTime: z.string(),
  simulated: z.boolean(),
  today: TodayCountsSchema,
  recent: z.array(LiveEventSchema),
  supervision: SupervisionOverviewSchema.nullable(),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** `stats`, at most twice a second while events arrive. */
export const StatsSchema = z.object({
  serverTime: z.string(),
  today: TodayCountsSchema,
  supervision: SupervisionOverviewSchema.nullable(),
});
export type Stats = z.infer<typeof StatsSchema>;

/** `rating:warning`: a bad rating's return visit or rectification turned yellow (due soon) or red (missed). */
export const RatingWarningSchema = z.object({
  caseId: z.string(),
  districtCode: z.string(),
  kind: z.enum(['returnVisit', 'rectification']),
  warning: WarningSchema,
  rating: z.number(),
  ratedAt: z.string(),
  due: z.string(),
  at: z.string(),
});
export type RatingWarning = z.infer<typeof RatingWarningSchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * `supervision:overdue`: a 督办 order passed its due date unresolved and the system recorded an escalation
 * step: 黄牌 (`yellow_card`) the day after its due date, 红牌 (`red_card`) the configured number of working
 * days after it (`supervisionOrders.redCardAfterDays`). Sent once per order and step, when the step is
 * recorded (not again after a restart); to the city-wide feed and the room of the case's district.
 */
export const SupervisionOverdueSchema = z.object({
  orderId: z.string(),
  caseId: z.string(),
  /** The district of the order's case; null when the case is not in the open-case index (closed, unknown). */
  districtCode: z.string().nullable(),
  districtName: z.string().nullable(),
  level: z.enum(['yellow_card', 'red_card']),
  /** Shanghai date of the escalation step (the date recorded with it). */
  escalatedOn: isoDate,
  dueOn: isoDate,
  issuedAt: z.string(),
  issuer: z.string(),
  /** The order's reason, personal data masked. */
  reason: z.string(),
  /** When the step was recorded (server time, Asia/Shanghai offset). */
  at: z.string(),
});
export type SupervisionOverdue = z.infer<typeof SupervisionOverdueSchema>;

/** Every live message by event name: the server emits these, the wall parses them. */
export const LIVE_MESSAGES = {
  snapshot: SnapshotSchema,
  stats: StatsSchema,
  'case:event': LiveEventSchema,
  'case:warning': CaseWarningSchema,
  'rating:warning': RatingWarningSchema,
  'supervision:overdue': SupervisionOverdueSchema,
} as const;
export type LiveMessageName = keyof typeof LIVE_MESSAGES;
export type LiveMessage<K extends LiveMessageName> = z.infer<(typeof LIVE_MESSAGES)[K]>;

export { CaseSummarySchema };
