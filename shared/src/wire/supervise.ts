import { z } from 'zod';
import { CaseSummarySchema } from './case-summary.ts';
import { SupervisionOrderSchema } from './case-detail.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const AREA_LEVELS = ['district', 'township', 'village'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/**
 * One area's open cases (a district, a township or a village), from the open-case index in memory.
 * `code` is null for the cases whose events named no township (or village): they are counted, not lost.
 */
export const AreaRowSchema = z.object({
  code: z.string().nullable(),
  name: z.string(),
  open: z.number(),
  yellow: z.number(),
  red: z.number(),
  /** Open cases predicted late: null until a prediction exists (无数据, never 0). */
  atRisk: z.number().nullable(),
  /** Open cases with a data-quality flag: never yellow or red, counted apart. */
  dataQuality: z.number(),
  /** 补正 open longer than PAUSE_FLAG_DAYS working days. */
  pauseOverdue: z.number(),
  stageOverdue: z.number(),
  /** red ÷ open cases without a data-quality flag; null when there are none (0 of 0 is not 0%). */
  overdueRate: z.number().nullable(),
  /** 督办 orders not resolved, on cases of the area (open or closed), and those of them past their due date. */
  openOrders: z.number(),
  overdueOrders: z.number(),
  /** Bad ratings whose return visit or rectification is missing after its due date. */
  badRatingsPastDue: z.number(),
});
export type AreaRow = z.infer<typeof AreaRowSchema>;

const place = z.object({ code: z.string(), name: z.string() });

/** `GET /api/v1/supervise/areas`: the districts of the city, the townships of a district, or the villages of a township. */
export const AreaOverviewSchema = z.object({
  level: z.enum(AREA_LEVELS),
  asOf: z.string(),
  day: isoDate,
  district: place.nullable(),
  township: place.nullable(),
  rows: z.array(AreaRowSchema),
  totals: AreaRowSchema,
});
export type AreaOverview = z.infer<typeof AreaOverviewSchema>;

/** A 督办 order with the district of its case (the inbox, the 督办 list). */
export const PlacedOrderSchema = SupervisionOrderSchema.extend({
  districtCode: z.string().nullable(),
  districtName: z.string().nullable(),
});
export type PlacedOrder = z.infer<typeof PlacedOrderSchema>;

export const ORDER_STATUS_FILTERS = ['open', 'due_soon', 'overdue', 'resolved'] as const;
/** `GET /api/v1/supervise/orders`: every 督办 order (filtered), overdue first, then by due date. */
export const OrderListSchema = z.object({ total: z.number(), orders: z.array(PlacedOrderSchema) });
export type OrderList = z.infer<typeof OrderListSchema>;

/** A bad rating whose follow-up is due today or late. */
export const InboxRatingSchema = z.object({
  caseId: z.string(),
  districtCode: z.string(),
  districtName: z.string(),
  rating: z.number(),
  ratedAt: z.string(),
  kind: z.enum(['returnVisit', 'rectification']),
  due: isoDate,
  overdue: z.boolean(),
});
export type InboxRating = z.infer<typeof InboxRatingSchema>;

const caseGroup = z.object({ count: z.number(), cases: z.array(CaseSummarySchema) });

/** `GET /api/v1/supervise/inbox`: today's 日扫描 (Asia/Shanghai day), at most `limit` entries per group. */
export const SuperviseInboxSchema = z.object({
  day: isoDate,
  asOf: z.string(),
  /** Red cases that turned red yesterday or today (red begins the day after the promised deadline). */
  newRed: caseGroup.extend({ since: isoDate }),
  /** Open 督办 orders due today or past their due date. */
  ordersDue: z.object({ count: z.number(), orders: z.array(PlacedOrderSchema) }),
  /** Bad ratings whose return visit or rectification is due today or late. */
  ratingsDue: z.object({ count: z.number(), ratings: z.array(InboxRatingSchema) }),
  /** 补正 open far too long (`pause_overdue`). */
  pausedTooLong: caseGroup,
});
export type SuperviseInbox = z.infer<typeof SuperviseInboxSchema>;

/** The 督办 status filter of the case list: with an open order, with an order past due, without an open order. */
export const SUPERVISION_FILTERS = ['open', 'overdue', 'none'] as const;
export type SupervisionFilter = (typeof SUPERVISION_FILTERS)[number];
export const CASE_SORTS = ['severity', 'deadline', 'submitted', 'submitted_desc'] as const;
export type CaseSortKey = (typeof CASE_SORTS)[number];

/** `GET /api/v1/cases/:caseId/trace`: 倒查, each stretch of the case and its totals by actor and stage. */
export const CaseTraceSchema = z.object({
  caseId: z.string(),
  periods: z.array(
    z.object({
      stage: z.string(),
      actorId: z.string().nullable(),
      level: z.string(),
      departmentCode: z.string().nullable(),
      from: z.string(),
      to: z.string().nullable(),
      minutes: z.number(),
      workingDays: z.number(),
    }),
  ),
  byActor: z.array(z.object({ key: z.string(), minutes: z.number(), workingDays: z.number() })),
  byStage: z.array(z.object({ key: z.string(), minutes: z.number(), workingDays: z.number() })),
});
export type CaseTrace = z.infer<typeof CaseTraceSchema>;

/** Case flags in words, for the pages and the export (a flag the list does not know is shown by its code). */
export const FLAG_WORDS: Record<string, string> = {
  too_fast: '办理过快（短于事项最短办理时长或远低于历史中位数）',
  completion_before_acceptance: '数据质量：办结早于受理',
  events_after_completion: '数据质量：办结后仍有环节',
  missing_completion: '数据质量：已送达或已评价但未确认办结',
  unknown_item: '数据质量：事项编码不在目录中',
  unknown_district: '数据质量：区县编码未知',
  provisional_deadline: '期限为暂定（该年度节假日安排未发布）',
  completed_while_paused: '暂停期间办结（暂停于办结时结束）',
  extension_rejected: '第二次延期，未予计入',
  pause_overdue: '补正暂停过久',
  accepted_while_paused: '暂停期间受理',
  stage_overdue: '当前环节超过环节时限',
};
export const flagWords = (flag: string): string => FLAG_WORDS[flag] ?? flag;

export const WARNING_WORDS: Record<string, string> = { none: '正常', yellow: '黄色预警', red: '红色超期' };
export const STATUS_WORDS: Record<string, string> = { submitted: '已申办', in_progress: '办理中', paused: '暂停', completed: '已办结', rejected: '不予受理', withdrawn: '已撤回' };

/** `GET /api/v1/supervise/settings`: the 督办 settings a page needs (config `supervisionOrders`). */
export const SuperviseSettingsSchema = z.object({
  /** Working days from today the issue form's due date defaults to. */
  defaultDueWorkingDays: z.number(),
  /** Working days after its due date an unresolved order is escalated 黄牌 → 红牌. */
  redCardAfterDays: z.number(),
});
export type SuperviseSettings = z.infer<typeof SuperviseSettingsSchema>;
