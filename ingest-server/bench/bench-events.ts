import { DISTRICTS } from '@tongban/shared';

const TYPES = ['submitted', 'accepted', 'reviewed', 'approved', 'completed'] as const;
const codes = DISTRICTS.filter((d) => d.kind !== 'zone').map((d) => d.code);

/** `n` events of whole five-event case lifecycles, ids prefixed by `round` (so every round is new data). */
export function benchEvents(round: string, n: number) {
  const base = Date.parse('2025-10-09T09:00:00+08:00');
  return Array.from({ length: n }, (_, i) => {
    const caseNo = Math.floor(i / TYPES.length);
    const type = TYPES[i % TYPES.length]!;
    return {
      eventId: `${round}-${caseNo}.${type}`,
      caseId: `${round}-${caseNo}`,
      type,
      occurredAt: new Date(base + caseNo * 1000 + (i % TYPES.length) * 600_000).toISOString(),
      itemCode: `ITEM-${caseNo % 300}`,
      districtCode: codes[caseNo % codes.length]!,
      level: 'district',
      departmentCode: 'SCJGJ',
      actorId: `staff-${caseNo % 97}`,
      ...(type === 'submitted' ? { channel: 'pc', applicant: { type: 'person', name: '王小明', idNumber: '500101199001011234', phone: '13800001111' } } : {}),
      ...(type === 'completed' ? { visits: 0 } : {}),
    };
  });
}

/** The events as NDJSON bodies of `batch` lines. */
export function benchBodies(round: string, n: number, batch: number): string[] {
  return ndjsonBodies(benchEvents(round, n), batch);
}

/** A stored case a continued event belongs to (`openCasesSql`), and the type of its last step. */
export interface OpenCase {
  case_id: string;
  type: string;
  district: string;
  department: string;
  level: string;
}

/** The next step of an open case: it stays open (a review, a request for supplements, their arrival, a review again). */
const NEXT_STEP: Record<string, string> = { submitted: 'accepted', accepted: 'reviewed', reviewed: 'supplement_requested', supplement_requested: 'supplement_received', supplement_received: 'reviewed' };

/** Open cases of a history with an event in its last three days (a live feed's cases), at most `limit`. */
export const openCasesSql = (db: string, limit: number) => `
  SELECT case_id, argMax(type, occurred_at) AS type, any(district_code) AS district, any(department_code) AS department, any(level) AS level
  FROM ${db}.case_events
  WHERE case_id IN (SELECT case_id FROM ${db}.case_events WHERE occurred_at >= (SELECT max(occurred_at) FROM ${db}.case_events) - INTERVAL 3 DAY)
  GROUP BY case_id
  HAVING type IN (${Object.keys(NEXT_STEP).map((t) => `'${t}'`).join(', ')})
  LIMIT ${limit}`;

/**
 * `n` events that continue stored open cases, one step each in turn (ids prefixed by `round`), occurring just
 * before now: what a live feed sends, so the full path's projector looks up each case's stored events.
 * `cases` is advanced in place.
 */
export function continuedEvents(round: string, n: number, cases: OpenCase[]) {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const c = cases[i % cases.length]!;
    c.type = NEXT_STEP[c.type] ?? 'reviewed';
    return {
      eventId: `${round}-${i}`,
      caseId: c.case_id,
      type: c.type,
      occurredAt: new Date(now - 60_000 + Math.floor((i / n) * 50_000)).toISOString(),
      districtCode: c.district,
      level: c.level,
      actorId: `staff-${i % 97}`,
      ...(c.department ? { departmentCode: c.department } : {}),
    };
  });
}

/** Events as NDJSON bodies of `batch` lines. */
export function ndjsonBodies(events: readonly object[], batch: number): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += batch) bodies.push(events.slice(i, i + batch).map((e) => JSON.stringify(e)).join('\n'));
  return bodies;
}
