import type { FastifyRequest } from 'fastify';
import { CASE_SORTS, SUPERVISION_FILTERS, isIsoDate, shanghaiDate, type CaseSortKey, type SupervisionFilter } from '@tongban/shared';
import { AppError } from '../errors.ts';
import { CASE_FLAGS } from './case-state.ts';
import type { CaseFilter } from './open-case-index.ts';
import type { SupervisionOrders } from './supervision-orders.store.ts';

/** The filters of the case list, shared by `GET /api/v1/cases` and its export: a link reproduces the view. */
export const CASE_FILTER_PROPERTIES = {
  /** `at_risk`: open cases predicted late and not yet yellow or red (their own warning stays none). */
  warning: { type: 'string', enum: ['none', 'yellow', 'red', 'any', 'at_risk'] },
  districtCode: { type: 'string', maxLength: 32 },
  townshipCode: { type: 'string', maxLength: 32 },
  villageCode: { type: 'string', maxLength: 32 },
  itemCode: { type: 'string', maxLength: 32 },
  departmentCode: { type: 'string', maxLength: 32 },
  stage: { type: 'string', maxLength: 32 },
  level: { type: 'string', enum: ['city', 'district', 'township', 'village'] },
  minDaysOverdue: { type: 'integer', minimum: 0 },
  daysOverdue: { type: 'integer', minimum: 0 },
  flag: { type: 'string', enum: [...CASE_FLAGS] },
  /** Only cases with a data-quality flag (true) or only cases without (false). */
  dataQuality: { type: 'boolean' },
  /** Red cases that turned red on or after this date (YYYY-MM-DD, Asia/Shanghai). */
  redSince: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  /** Search by case number (part of the 申办流水号). */
  q: { type: 'string', minLength: 1, maxLength: 64 },
  supervision: { type: 'string', enum: [...SUPERVISION_FILTERS] },
  sort: { type: 'string', enum: [...CASE_SORTS], default: 'severity' },
} as const;

export type CaseListQuery = Omit<CaseFilter, 'caseIds' | 'caseIdContains' | 'warning' | 'atRisk'> & {
  warning?: CaseFilter['warning'] | 'at_risk';
  daysOverdue?: number;
  q?: string;
  supervision?: SupervisionFilter;
  sort: CaseSortKey;
};

/** The index's filter for a list query; the 督办 status is the set of cases with open (or overdue) orders. */
export function caseFilterOf(query: CaseListQuery, orders: SupervisionOrders, now: number): CaseFilter {
  const { daysOverdue, minDaysOverdue, q, supervision, sort: _sort, warning, ...rest } = query;
  if (rest.redSince !== undefined && !isIsoDate(rest.redSince)) throw new AppError(400, 'invalid_request', 'redSince must be a date YYYY-MM-DD');
  const filter: CaseFilter = { ...rest, minDaysOverdue: minDaysOverdue ?? daysOverdue };
  if (warning === 'at_risk') filter.atRisk = true;
  else if (warning !== undefined) filter.warning = warning;
  if (q !== undefined) filter.caseIdContains = q.trim();
  if (supervision !== undefined) {
    const today = shanghaiDate(now);
    const open = orders.openOrders().filter((o) => supervision !== 'overdue' || o.dueOn < today);
    filter.caseIds = { ids: new Set(open.map((o) => o.caseId)), exclude: supervision === 'none' };
  }
  return filter;
}

/**
 * SPEC.md: an unknown parameter is 400. Fastify's validator drops unknown properties silently
 * (removeAdditional), so the raw query string is checked first: a misspelt filter never widens a list.
 */
export function rejectUnknownParams(allowed: readonly string[]) {
  const known = new Set(allowed);
  return async (req: FastifyRequest) => {
    const unknown = [...new URLSearchParams(req.url.split('?')[1] ?? '').keys()].filter((k) => !known.has(k));
    if (unknown.length) throw new AppError(400, 'invalid_request', `unknown parameter ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  };
}
