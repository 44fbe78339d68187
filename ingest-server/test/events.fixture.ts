import { shanghaiDate } from '@tongban/shared';

/**
 * A documented fixture set with fixed ids: the 永川区 sole-trader change of DOMAIN.md, and helpers
 * to make more cases like it. Applicant data is fake but shaped like the real thing, so masking is exercised.
 */
export const APPLICANT = { type: 'person' as const, name: '李晓梅', idNumber: '500118199003154327', phone: '13912345678' };

export function caseEvents(caseId: string, districtCode = '500118', day = '2025-08-24') {
  return [
    { eventId: `${caseId}.1`, caseId, type: 'submitted', occurredAt: `${day}T14:37:00+08:00`, itemCode: 'SC-GTGSH-BG', districtCode, level: 'district', channel: 'window', applicant: APPLICANT },
    { eventId: `${caseId}.2`, caseId, type: 'accepted', occurredAt: `${day}T14:50:00+08:00`, districtCode, level: 'district', departmentCode: 'SCJGJ', actorId: 'yc-scj-017' },
    { eventId: `${caseId}.3`, caseId, type: 'reviewed', occurredAt: `${day}T14:50:30+08:00`, districtCode, level: 'district', departmentCode: 'SCJGJ', actorId: 'yc-scj-017' },
    { eventId: `${caseId}.4`, caseId, type: 'completed', occurredAt: `${day}T14:51:00+08:00`, districtCode, level: 'district', departmentCode: 'SCJGJ', actorId: 'yc-scj-017', visits: 1 },
  ];
}

/**
 * An instant `agoMs` (at most 5 min) before now, inside today's Shanghai day and never ahead of now whatever the
 * hour: in a day's first five minutes the span is shrunk to the part of the day gone by (the order of instants
 * kept), so a test that counts an event as today's does not fail just after midnight.
 */
export function recentToday(agoMs: number, now = Date.now()): string {
  const sinceMidnight = now - Date.parse(`${shanghaiDate(now)}T00:00:00+08:00`);
  return new Date(now - agoMs * Math.min(1, sinceMidnight / 300_000)).toISOString();
}

export const ndjson = (events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
