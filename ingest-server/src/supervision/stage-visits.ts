import type { CaseEvent } from '@tongban/shared';
import { NOT_WAITING_TYPES, priorDayColumn, REPEAT_DIMENSIONS, REPEAT_SUBSETS, VISIT_COLUMNS } from './stage-visit-columns.ts';

/** One row of `stage_dwells` (VISIT_COLUMNS), as `visitsSql` computes it from `case_events`. */
export type StageVisitRow = Record<(typeof VISIT_COLUMNS)[number], string | number>;

const NOT_WAITING = new Set(NOT_WAITING_TYPES);
const NO_PRIOR_DAY = '1970-01-01';
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const MINUTE = 60_000;

/** The Asia/Shanghai date of an instant (no daylight saving since 1991, so a fixed +08:00). */
const shanghaiDay = (ms: number) => new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/**
 * Every stage visit of one case from all its events: the rows `visitsSql` computes in ClickHouse, row for
 * row (stage-visits.test.ts holds the two against each other on a real engine), for the case projector,
 * which holds every event of each case it derives (the live tail of GET /api/v1/bottlenecks, issue 16).
 * - the case's events in (occurred_at, event_id) order, an event id counted once;
 * - a visit per event with a next one, its stage not one after which nothing is awaited (NOT_WAITING);
 * - its days the Shanghai dates of the two instants, its dwell `dateDiff('minute', …)`: the difference of
 *   whole minutes since the epoch;
 * - its district and department the start event's, its item the case's (its first event naming one);
 * - per subset of stage, department and district, the start day of the case's previous visit with the same
 *   values (1970-01-01 when none).
 */
export function visitsOfCase(events: readonly CaseEvent[]): StageVisitRow[] {
  const seen = new Set<string>();
  const ordered = events
    .filter((e) => !seen.has(e.eventId) && seen.add(e.eventId))
    .map((e) => ({ e, ms: Date.parse(e.occurredAt) }))
    // Event ids are ASCII: code-unit order is ClickHouse's byte order.
    .sort((a, b) => a.ms - b.ms || (a.e.eventId < b.e.eventId ? -1 : a.e.eventId > b.e.eventId ? 1 : 0));
  const item = ordered.find(({ e }) => e.itemCode)?.e.itemCode ?? '';
  const last = REPEAT_SUBSETS.map(() => new Map<string, string>());
  const rows: StageVisitRow[] = [];
  for (let i = 0; i + 1 < ordered.length; i++) {
    const { e, ms } = ordered[i]!;
    if (NOT_WAITING.has(e.type)) continue;
    const next = ordered[i + 1]!.ms;
    const startDay = shanghaiDay(ms);
    const row = {
      start_day: startDay,
      end_day: shanghaiDay(next),
      stage: e.type,
      case_id: e.caseId,
      start_event_id: e.eventId,
      district_code: e.districtCode,
      department_code: e.departmentCode ?? '',
      item_code: item,
      dwell: Math.floor(next / MINUTE) - Math.floor(ms / MINUTE),
    } as StageVisitRow;
    REPEAT_SUBSETS.forEach((dims, k) => {
      const key = dims.map((d) => row[REPEAT_DIMENSIONS[d]]).join('\t');
      row[priorDayColumn(dims) as (typeof VISIT_COLUMNS)[number]] = last[k]!.get(key) ?? NO_PRIOR_DAY;
      last[k]!.set(key, startDay);
    });
    rows.push(row);
  }
  return rows;
}
