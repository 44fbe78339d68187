import { z } from 'zod';

/** Event types of SPEC.md, in lifecycle order, with their Chinese names. */
export const EVENT_TYPES = [
  'submitted',
  'accepted',
  'rejected',
  'supplement_requested',
  'supplement_received',
  'suspended',
  'resumed',
  'reviewed',
  'approved',
  'completed',
  'delivered',
  'withdrawn',
  'extended',
  'rated',
  'complained',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_TYPE_NAMES: Record<EventType, string> = {
  submitted: '申办',
  accepted: '受理',
  rejected: '不予受理',
  supplement_requested: '补正告知',
  supplement_received: '补正收件',
  suspended: '特别程序',
  resumed: '恢复办理',
  reviewed: '审核',
  approved: '决定',
  completed: '办结',
  delivered: '送达',
  withdrawn: '撤回',
  extended: '延期',
  rated: '好差评',
  complained: '投诉',
};

export const LEVELS = ['city', 'district', 'township', 'village'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_NAMES: Record<Level, string> = { city: '市', district: '区县', township: '乡镇', village: '村' };

export const CHANNELS = ['window', 'pc', 'mobile', 'kiosk'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_NAMES: Record<Channel, string> = { window: '窗口', pc: 'PC端', mobile: '移动端', kiosk: '自助终端' };

/** 好差评 grades: 5 非常满意 … 1 非常不满意. 1 and 2 are bad ratings with their own rectification clocks. */
export const RATING_NAMES: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
export const isBadRating = (rating: number): boolean => rating <= 2;

/** How far in the future an event's occurredAt may lie (clock skew between source systems). */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

// ISO 8601 date-time with an explicit offset (Z or ±hh:mm); seconds and fractions optional.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const code = (what: string) =>
  z.string().regex(/^[0-9A-Za-z_-]{1,32}$/, `must be a ${what} code of 1–32 letters, digits, _ or -`);

export const ApplicantSchema = z.object({
  type: z.enum(['person', 'enterprise']),
  name: z.string().max(200).optional(),
  idNumber: z.string().max(64).optional(),
  phone: z.string().max(32).optional(),
});
export type Applicant = z.infer<typeof ApplicantSchema>;

export const CaseEventSchema = z
  .object({
    eventId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1–64 characters of A-Z a-z 0-9 . _ : -'),
    caseId: z
      .string()
      .min(1)
      .max(64)
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
    type: z.enum(EVENT_TYPES),
    occurredAt: z
      .string()
      .refine((s) => ISO_WITH_OFFSET.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time with an offset, e.g. 2025-08-24T14:37:00+08:00'),
    itemCode: code('item').optional(),
    districtCode: z.string().regex(/^\d{6}$|^[A-Z0-9]{2,12}$/, 'must be a 6-digit GB/T 2260 code or a zone code'),
    townshipCode: code('township').optional(),
    villageCode: code('village').optional(),
    level: z.enum(LEVELS),
    departmentCode: code('department').optional(),
    channel: z.enum(CHANNELS).optional(),
    actorId: z.string().max(64).optional(),
    applicant: ApplicantSchema.optional(),
    rating: z.number().int().min(1).max(5).optional(),
    visits: z.number().int().min(0).max(1000).optional(),
    note: z.string().max(500).optional(),
    /** 延期 (行政许可法 Art. 42): working days the clocks gain; on `extended` only. */
    extensionDays: z.number().int().min(1).max(60).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.type === 'submitted') {
      if (e.itemCode === undefined) ctx.addIssue({ code: 'custom', path: ['itemCode'], message: 'is required on submitted' });
      if (e.channel === undefined) ctx.addIssue({ code: 'custom', path: ['channel'], message: 'is required on submitted' });
    }
    if (e.type === 'rated' && e.rating === undefined)
      ctx.addIssue({ code: 'custom', path: ['rating'], message: 'is required on rated' });
    if (e.type === 'extended' && e.extensionDays === undefined)
      ctx.addIssue({ code: 'custom', path: ['extensionDays'], message: 'is required on extended' });
    if (e.type !== 'extended' && e.extensionDays !== undefined)
      ctx.addIssue({ code: 'custom', path: ['extensionDays'], message: 'is allowed on extended only' });
  });

export type CaseEvent = z.infer<typeof CaseEventSchema>;

export type EventValidation = { ok: true; event: CaseEvent } | { ok: false; errors: string[] };

/**
 * Validates one event as received. `now` bounds occurredAt (at most MAX_FUTURE_SKEW_MS ahead).
 * Errors read as "field: message", one per problem, so a source system can fix them all at once.
 */
export function validateEvent(raw: unknown, now: number = Date.now()): EventValidation {
  const parsed = CaseEventSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)),
    };
  }
  const at = Date.parse(parsed.data.occurredAt);
  if (at > now + MAX_FUTURE_SKEW_MS) {
    return { ok: false, errors: [`occurredAt: is more than 5 minutes in the future (${parsed.data.occurredAt})`] };
  }
  return { ok: true, event: parsed.data };
}
