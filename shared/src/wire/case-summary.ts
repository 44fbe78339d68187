import { z } from 'zod';
import { LEVELS } from '../event-schema.ts';

export const WARNINGS = ['none', 'yellow', 'red'] as const;
export const WarningSchema = z.enum(WARNINGS);
/** A case's rung on the warning ladder (promised clock): none, yellow (预警), red (超期). */
export type Warning = z.infer<typeof WarningSchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * Predicted lateness of an open case (from its item's completed cases at its current stage): the probability
 * it ends late, and since when it is `at_risk` (above the threshold, not yet yellow or red), else null.
 * The whole field is null when there is no model (too few completed cases of the item): never invented.
 */
export const AtRiskSchema = z.object({ probability: z.number(), since: isoDate.nullable() });
export type AtRisk = z.infer<typeof AtRiskSchema>;

/** Pure: how a page shows a case's prediction: 预测风险 with its probability when at_risk, else the probability alone. */
export function atRiskWords(a: AtRisk | null): string {
  if (a === null) return '无数据';
  const p = `${Math.round(a.probability * 100)}%`;
  return a.since === null ? `超期概率 ${p}` : `预测风险（超期概率 ${p}，自 ${a.since}）`;
}

/** What describes a case wherever it is shown: place, stage, holder, clocks and its rung on the ladder. */
export const CaseFieldsSchema = z.object({
  caseId: z.string(),
  districtCode: z.string(),
  districtName: z.string(),
  townshipCode: z.string().nullable(),
  villageCode: z.string().nullable(),
  departmentCode: z.string().nullable(),
  status: z.string(),
  stage: z.string(),
  level: z.enum(LEVELS),
  holder: z.string().nullable(),
  submittedAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  promisedDeadline: isoDate.nullable(),
  statutoryDeadline: isoDate.nullable(),
  warning: WarningSchema,
  daysOverdue: z.number(),
  /** Data-quality and supervision flags (`missing_completion`, `pause_overdue`, `stage_overdue` …). */
  flags: z.array(z.string()),
  atRisk: AtRiskSchema.nullable(),
});

/** One open case as `GET /api/v1/cases` lists it and the wall's red list shows it. */
export const CaseSummarySchema = CaseFieldsSchema.extend({ itemCode: z.string(), itemName: z.string() });
export type CaseSummary = z.infer<typeof CaseSummarySchema>;

/** `case:warning`: a case changed rung (`previous` null in the red list, which is not a change). */
export const CaseWarningSchema = CaseSummarySchema.extend({
  /** The same for the same step of the same case on every node: a wall ignores a repeat (several nodes, a takeover). */
  id: z.string(),
  previous: WarningSchema.nullable(),
  at: z.string(),
});
export type CaseWarning = z.infer<typeof CaseWarningSchema>;

/** `GET /api/v1/cases`: one page of the list; `total` counts every case the filter matches (all pages). */
export const CaseListSchema = z.object({ cases: z.array(CaseSummarySchema), nextCursor: z.string().nullable(), total: z.number() });
export type CaseList = z.infer<typeof CaseListSchema>;
