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
  const events = benchEvents(round, n);
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += batch) bodies.push(events.slice(i, i + batch).map((e) => JSON.stringify(e)).join('\n'));
  return bodies;
}
