import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as cal, type CaseEvent } from '@tongban/shared';
import { traceCase } from './case-trace.ts';

const ev = (type: CaseEvent['type'], occurredAt: string, actorId?: string): CaseEvent => ({ eventId: `${type}-${occurredAt}`, caseId: 'C', type, occurredAt, districtCode: '500118', level: 'district', actorId });

describe('traceCase', () => {
  it('attributes each stretch to the stage and actor that held it, across National Day in working days', () => {
    const t = traceCase(
      [
        ev('submitted', '2025-09-30T09:00:00+08:00'),
        ev('accepted', '2025-09-30T10:00:00+08:00', 'a1'),
        ev('reviewed', '2025-10-09T10:00:00+08:00', 'a2'),
        ev('completed', '2025-10-09T11:30:00+08:00', 'a2'),
        ev('rated', '2025-10-10T09:00:00+08:00'),
      ],
      cal,
      Date.parse('2025-10-20T00:00:00+08:00'),
    );
    expect(t.periods.map((p) => [p.stage, p.actorId, p.minutes, p.workingDays])).toEqual([
      ['submitted', null, 60, 0],
      ['accepted', 'a1', 9 * 24 * 60, 1],
      ['reviewed', 'a2', 90, 0],
    ]);
    expect(t.byActor[0]).toEqual({ key: 'a1', minutes: 12960, workingDays: 1 });
  });

  it('runs the last stretch of an open case to now', () => {
    const t = traceCase([ev('accepted', '2025-09-22T10:00:00+08:00', 'a1')], cal, Date.parse('2025-09-22T12:00:00+08:00'));
    expect(t.periods).toEqual([expect.objectContaining({ stage: 'accepted', to: null, minutes: 120 })]);
  });
});
