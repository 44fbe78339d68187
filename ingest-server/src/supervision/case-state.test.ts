import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as calendar, type CaseEvent, type ServiceItemRecord } from '@tongban/shared';
import { deriveCaseState } from './case-state.ts';

const ITEM: ServiceItemRecord = {
  itemCode: 'GTGSH-BG',
  name: '个体工商户变更登记',
  powerType: '行政许可',
  department: '市场监管局',
  departmentCode: 'SCJG',
  statutoryLimitDays: 15,
  promisedLimitDays: 5,
  onlineDepth: 4,
  channels: ['window', 'pc'],
  crossDistrict: true,
  minHandlingMinutes: 10,
  guide: {},
};
const item = (code: string) => (code === ITEM.itemCode ? ITEM : undefined);
const at = (iso: string) => Date.parse(iso);

let n = 0;
function ev(type: CaseEvent['type'], occurredAt: string, extra: Partial<CaseEvent> = {}): CaseEvent {
  return { eventId: `C1.${n++}`, caseId: 'C1', type, occurredAt, districtCode: '500118', level: 'district', ...extra };
}
const submitted = (t: string) => ev('submitted', t, { itemCode: ITEM.itemCode, channel: 'window' });

describe('deriveCaseState', () => {
  it('reads the 永川 sole-trader change of DOMAIN.md as a normal case completed on time', () => {
    const s = deriveCaseState(
      [
        submitted('2025-08-25T14:37:00+08:00'),
        ev('accepted', '2025-08-25T14:50:00+08:00', { actorId: 'yc-scj-017', departmentCode: 'SCJG' }),
        ev('reviewed', '2025-08-25T14:50:00+08:00', { actorId: 'yc-scj-017' }),
        ev('completed', '2025-08-25T14:51:00+08:00', { actorId: 'yc-scj-017', visits: 1 }),
      ],
      { calendar, item, now: at('2025-08-26T09:00:00+08:00') },
    );
    expect(s).toMatchObject({ status: 'completed', stage: 'completed', holder: 'yc-scj-017', completedOnTime: true, warning: 'none', handlingMinutes: 14, visits: 1 });
    expect(s.promised?.deadline).toBe('2025-09-01');
    expect(s.flags).toEqual([]);
  });

  it('derives the same state whatever order the events arrived in', () => {
    const evs = [
      submitted('2025-09-22T09:00:00+08:00'),
      ev('accepted', '2025-09-22T10:00:00+08:00'),
      ev('supplement_requested', '2025-09-23T10:00:00+08:00'),
      ev('supplement_received', '2025-09-25T10:00:00+08:00'),
      ev('reviewed', '2025-09-26T10:00:00+08:00', { actorId: 'a2', level: 'township' }),
    ];
    const ctx = { calendar, item, now: at('2025-09-26T12:00:00+08:00') };
    const inOrder = deriveCaseState(evs, ctx);
    const shuffled = deriveCaseState([evs[3]!, evs[0]!, evs[4]!, evs[2]!, evs[1]!], ctx);
    expect(shuffled).toEqual(inOrder);
    expect(inOrder).toMatchObject({ status: 'in_progress', stage: 'reviewed', level: 'township', holder: 'a2', supplements: 1 });
    // 5-day promise accepted Mon 09-22 → 09-28 without the pause; 09-24 and 09-25 paused → 09-30.
    expect(inOrder.promised?.deadline).toBe('2025-09-30');
    expect(inOrder.pausedWorkingDays).toBe(2);
  });

  it('stops the clock while 补正 is outstanding', () => {
    const s = deriveCaseState([submitted('2025-09-22T09:00:00+08:00'), ev('accepted', '2025-09-22T10:00:00+08:00'), ev('supplement_requested', '2025-09-23T10:00:00+08:00')], {
      calendar,
      item,
      now: at('2025-10-20T12:00:00+08:00'),
    });
    expect(s.status).toBe('paused');
    expect(s.promised?.deadline).toBeNull();
    expect(s.warning).toBe('none');
  });

  it('marks an open case red after its promised deadline and counts working days overdue', () => {
    const s = deriveCaseState([submitted('2025-09-30T09:00:00+08:00'), ev('accepted', '2025-09-30T10:00:00+08:00')], { calendar, item, now: at('2025-10-16T09:00:00+08:00') });
    expect(s.promised?.deadline).toBe('2025-10-14');
    expect(s.warning).toBe('red');
    expect(s.daysOverdue).toBe(2);
    expect(s.statutoryBreached).toBe(false);
  });

  it('flags a completion far below the minimum handling time as too fast', () => {
    const s = deriveCaseState([submitted('2025-09-22T09:00:00+08:00'), ev('accepted', '2025-09-22T09:01:00+08:00'), ev('completed', '2025-09-22T09:03:00+08:00')], {
      calendar,
      item,
      now: at('2025-09-22T12:00:00+08:00'),
    });
    expect(s.flags).toContain('too_fast');
  });

  it('flags a completion far below the item’s own history as too fast', () => {
    const s = deriveCaseState([submitted('2025-09-22T09:00:00+08:00'), ev('accepted', '2025-09-22T09:10:00+08:00'), ev('completed', '2025-09-22T09:30:00+08:00')], {
      calendar,
      item,
      now: at('2025-09-22T12:00:00+08:00'),
      typicalMinutes: () => 600,
    });
    expect(s.flags).toContain('too_fast');
  });

  it('keeps data-quality faults apart from lateness', () => {
    const s = deriveCaseState(
      [submitted('2025-09-22T09:00:00+08:00'), ev('completed', '2025-09-22T11:00:00+08:00'), ev('accepted', '2025-09-22T12:00:00+08:00'), ev('reviewed', '2025-09-23T12:00:00+08:00')],
      { calendar, item, now: at('2025-09-24T12:00:00+08:00') },
    );
    expect(s.flags).toEqual(expect.arrayContaining(['completion_before_acceptance', 'events_after_completion']));
    expect(s.flags).not.toContain('too_fast');
    const unknown = deriveCaseState([ev('submitted', '2025-09-22T09:00:00+08:00', { itemCode: 'NOPE', channel: 'pc', districtCode: '509999' })], {
      calendar,
      item,
      now: at('2025-09-22T12:00:00+08:00'),
    });
    expect(unknown.flags).toEqual(expect.arrayContaining(['unknown_item', 'unknown_district']));
    const rated = deriveCaseState([submitted('2025-09-22T09:00:00+08:00'), ev('rated', '2025-09-23T09:00:00+08:00', { rating: 1 })], { calendar, item, now: at('2025-09-24T12:00:00+08:00') });
    expect(rated.flags).toContain('missing_completion');
  });

  it('marks a case completed after its deadline as late, on both clocks', () => {
    const s = deriveCaseState([submitted('2025-09-01T09:00:00+08:00'), ev('accepted', '2025-09-01T10:00:00+08:00'), ev('completed', '2025-09-30T10:00:00+08:00')], {
      calendar,
      item,
      now: at('2025-10-09T12:00:00+08:00'),
    });
    expect(s).toMatchObject({ completedOnTime: false, statutoryOnTime: false, warning: 'red', statutoryBreached: true });
  });
});
