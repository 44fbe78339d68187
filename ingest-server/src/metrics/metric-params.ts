import { districtByCode, MAX_FUTURE_SKEW_MS, periodAt, shanghaiMidnightMs, tryParsePeriod, type MetricScope, type Period, type PeriodKind } from '@tongban/shared';
import { AppError } from '../errors.ts';
import { occurredAtProblem } from '../events/occurred-at.ts';

/** No event before 2000 is accepted (occurred-at.ts), so no period or date before it can mean anything. */
const EARLIEST_DATE = '2000-01-01';
import type { MetricsService } from './metrics-service.ts';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A period query parameter; the default is the current period of `defaultKind` (Asia/Shanghai). */
export function periodParam(value: unknown, now: number, defaultKind: PeriodKind = 'month', kind?: PeriodKind): Period {
  if (value === undefined || value === '') return periodAt(kind ?? defaultKind, now);
  const p = tryParsePeriod(value);
  if (!p) {
    throw new AppError(400, 'invalid_period', `period ${JSON.stringify(value)} is not a day 2025-10-09, a week 2025-W41, a month 2025-10, a quarter 2025-Q3 or a year 2025`);
  }
  if (p.from < EARLIEST_DATE) throw new AppError(400, 'invalid_period', `period ${p.key} is before ${EARLIEST_DATE.slice(0, 4)}`);
  if (kind && p.kind !== kind) throw new AppError(400, 'invalid_period', `this report is per ${kind}; ${p.key} is a ${p.kind}`);
  if (shanghaiMidnightMs(p.from) > now) throw new AppError(400, 'invalid_period', `period ${p.key} has not started yet`);
  return p;
}

/** A cut-off query parameter (ISO 8601 with an offset), as epoch ms. */
export function cutoffParam(value: unknown, now: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value) || Number.isNaN(Date.parse(value)) || occurredAtProblem(value) !== undefined) {
    throw new AppError(400, 'invalid_cutoff', 'cutoff must be an ISO 8601 date-time with an offset, e.g. 2025-11-01T08:00:00+08:00');
  }
  const ms = Date.parse(value);
  if (ms > now + MAX_FUTURE_SKEW_MS) throw new AppError(400, 'invalid_cutoff', 'cutoff must not be in the future');
  return ms;
}

/** districtCode / departmentCode / itemCode query parameters, each checked against what exists. */
export function scopeParams(q: { districtCode?: string | undefined; departmentCode?: string | undefined; itemCode?: string | undefined }, metrics: MetricsService): MetricScope {
  const scope: MetricScope = {};
  if (q.districtCode) {
    if (!districtByCode(q.districtCode)) throw new AppError(404, 'not_found', `no district ${q.districtCode} (see GET /api/v1/districts)`);
    scope.districtCode = q.districtCode;
  }
  if (q.departmentCode) {
    if (!metrics.departments().has(q.departmentCode)) throw new AppError(404, 'not_found', `no department ${q.departmentCode} in the item catalogue`);
    scope.departmentCode = q.departmentCode;
  }
  if (q.itemCode) {
    if (!metrics.itemByCode().has(q.itemCode)) throw new AppError(404, 'not_found', `no item ${q.itemCode} (see GET /api/v1/items)`);
    scope.itemCode = q.itemCode;
  }
  return scope;
}
