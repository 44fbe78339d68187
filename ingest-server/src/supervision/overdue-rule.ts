import type { IsoDate } from '@tongban/shared';

/**
 * Data-quality flags: the case's own record is wrong (a completion before acceptance, a case delivered or
 * rated but never confirmed complete, an unknown item or district, steps after completion). DOMAIN.md:
 * such a case is kept apart from real lateness: never yellow or red, not counted overdue nor in on-time
 * rates, listed under its flag and counted in the overview's `dataQuality`.
 */
export const DATA_QUALITY_FLAGS = ['completion_before_acceptance', 'events_after_completion', 'missing_completion', 'unknown_item', 'unknown_district'] as const;
export type DataQualityFlag = (typeof DATA_QUALITY_FLAGS)[number];

const DQ = new Set<string>(DATA_QUALITY_FLAGS);

export const isDataQuality = (flags: readonly string[]): boolean => flags.some((f) => DQ.has(f));

/**
 * THE rule of "counts as overdue", everywhere (the case's warning, the wall's red list and counts, the
 * reports' overdue lists): a case with a promised deadline, not a data-quality case, not closed without
 * completion (不予受理, 撤回), and either still not completed after its deadline on `asOf` or completed late.
 */
export function countsAsOverdue(c: { flags: readonly string[]; status: string; promisedDeadline: IsoDate | null; completedOn: IsoDate | null }, asOf: IsoDate): boolean {
  if (c.promisedDeadline === null || isDataQuality(c.flags) || c.status === 'rejected' || c.status === 'withdrawn') return false;
  return (c.completedOn ?? asOf) > c.promisedDeadline;
}

/** The same rule's data-quality part as ClickHouse conditions over a `flags` array column. */
export const dataQualitySql = (column = 'flags'): string => `hasAny(${column}, ['${DATA_QUALITY_FLAGS.join("', '")}'])`;
export const notDataQualitySql = (column = 'flags'): string => `NOT ${dataQualitySql(column)}`;
