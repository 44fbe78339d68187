import { z } from 'zod';
import { CHANNELS, LEVELS } from './event-schema.ts';

/** Stages that may carry a limit of their own (环节时限): the lifecycle steps after which the administration acts. */
export const STAGE_TYPES = ['submitted', 'accepted', 'reviewed', 'approved'] as const;
export type StageType = (typeof STAGE_TYPES)[number];

export const POWER_TYPES = ['行政许可', '行政确认', '行政给付', '行政裁决', '行政奖励', '行政征收', '公共服务', '其他行政权力'] as const;

/** 办事指南 required elements (办事指南准确度 counts how many are filled). */
export const GUIDE_ELEMENTS = ['basis', 'conditions', 'materials', 'process', 'timeLimit', 'fees', 'place', 'contact'] as const;

/**
 * A service item (事项) of the catalogue, as SPEC.md's `GET/PUT /api/v1/items` carries it.
 * Limits are in working days; promised ≤ statutory; 0 means done on the spot (即办).
 */
export const ServiceItemSchema = z
  .object({
    itemCode: z.string().regex(/^[0-9A-Za-z_-]{1,32}$/, 'must be 1–32 letters, digits, _ or -'),
    name: z.string().min(1).max(200),
    powerType: z.string().min(1).max(40),
    department: z.string().min(1).max(100),
    departmentCode: z.string().regex(/^[0-9A-Za-z_-]{1,32}$/).optional(),
    level: z.enum(LEVELS).optional(),
    statutoryLimitDays: z.number().int().min(0).max(3650),
    promisedLimitDays: z.number().int().min(0).max(3650),
    onlineDepth: z.number().int().min(1).max(4),
    channels: z.array(z.enum(CHANNELS)).min(1),
    crossDistrict: z.boolean(),
    minHandlingMinutes: z.number().int().min(0).optional(),
    typicalHandlingMinutes: z.number().int().min(0).optional(),
    visitsRequired: z.number().int().min(0).optional(),
    guide: z.record(z.string(), z.boolean()),
    /**
     * 环节时限: working days a case may stay at a stage, by the stage's event type (`accepted` = 受理 → next
     * step, `reviewed` = 审核 → next step …). A stage without a limit has no stage clock.
     */
    stageLimitDays: z.partialRecord(z.enum(STAGE_TYPES), z.number().int().min(0).max(3650)).optional(),
  })
  .passthrough()
  .refine((i) => i.promisedLimitDays <= i.statutoryLimitDays, { message: 'promisedLimitDays must not exceed statutoryLimitDays', path: ['promisedLimitDays'] });

export type ServiceItemRecord = z.infer<typeof ServiceItemSchema>;

export function validateServiceItem(raw: unknown): { ok: true; item: ServiceItemRecord } | { ok: false; errors: string[] } {
  const r = ServiceItemSchema.safeParse(raw);
  if (r.success) return { ok: true, item: r.data };
  return { ok: false, errors: r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)) };
}
