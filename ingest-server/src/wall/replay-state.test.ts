import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar, msOfShanghaiDateTime } from '@tongban/shared';
import { pausesAsOf, replaySupervision, warningAsOf, type ReplayCase } from './replay-state.ts';
import { parseReplayInstant, replayInstantProblem } from './replay-time.ts';

const base: ReplayCase = {
  caseId: 'C1', itemCode: 'I', itemName: '事项', districtCode: '500118', townshipCode: '', villageCode: '', departmentCode: 'SCJG',
  stage: 'accepted', level: 'district', holder: '', submittedMs: msOfShanghaiDateTime('2025-09-22 09:00:00'),
  acceptedMs: msOfShanghaiDateTime('2025-09-22 10:00:00'), pauses: [], flags: [], promisedLimitDays: 5, statutoryLimitDays: 20,
};

describe('the wall as of an instant', () => {
  const cal = defaultWorkingCalendar;
  it('reads a Shanghai wall time or an ISO instant, and nothing else', () => {
    expect(parseReplayInstant('2026-11-20T10:00')).toBe(Date.parse('2026-11-20T10:00:00+08:00'));
    expect(parseReplayInstant('2026-11-20T10:00:30')).toBe(Date.parse('2026-11-20T10:00:30+08:00'));
    expect(parseReplayInstant('2026-11-20T02:00:00Z')).toBe(Date.parse('2026-11-20T10:00:00+08:00'));
    for (const bad of ['2026-02-30T10:00', '2026-11-20', 'now', '2026-11-20T24:00', undefined]) expect(parseReplayInstant(bad)).toBeNaN();
    expect(replayInstantProblem(5, { fromMs: 1, toMs: 10 })).toBeNull();
    expect(replayInstantProblem(11, { fromMs: 1, toMs: 10 })).toMatch(/future/);
    expect(replayInstantProblem(0, { fromMs: 1, toMs: 10 })).toMatch(/before/);
    expect(replayInstantProblem(5, { fromMs: null, toMs: 10 })).toMatch(/no event/);
  });

  it('cuts pauses off at the day: later ones dropped, one ended later still open', () => {
    const pauses = [{ from: '2025-09-23', to: '2025-09-24' }, { from: '2025-09-25', to: '2025-10-09' }, { from: '2025-10-10' }];
    expect(pausesAsOf(pauses, '2025-09-26')).toEqual([{ from: '2025-09-23', to: '2025-09-24' }, { from: '2025-09-25' }]);
  });

  it('gives the warning of the clock as it stood (DOMAIN.md example: accepted 2025-09-22, 5 days → 2025-09-28)', () => {
    expect(warningAsOf(base, '2025-09-28', cal)).toMatchObject({ warning: 'yellow', promisedDeadline: '2025-09-28', daysOverdue: 0 });
    expect(warningAsOf(base, '2025-09-29', cal)).toMatchObject({ warning: 'red', daysOverdue: 1 });
    expect(warningAsOf(base, '2025-09-24', cal).warning).toBe('none');
    // A 补正 begun on 09-23 and still open on 09-29 (it ended later): the clock was stopped then.
    const paused = { ...base, pauses: [{ from: '2025-09-23', to: '2025-10-20' }] };
    expect(warningAsOf(paused, '2025-09-29', cal)).toMatchObject({ warning: 'none', promisedDeadline: null });
    // A data-quality case is never yellow or red.
    expect(warningAsOf({ ...base, flags: ['missing_completion'] }, '2025-10-20', cal).warning).toBe('none');
  });

  it('counts red and yellow by district, red first, most overdue first', () => {
    const cases = [
      base,
      { ...base, caseId: 'C2', acceptedMs: msOfShanghaiDateTime('2025-09-15 10:00:00') },
      { ...base, caseId: 'C3', districtCode: '500101', acceptedMs: msOfShanghaiDateTime('2025-09-29 10:00:00') },
    ];
    const s = replaySupervision(cases, { openByDistrict: { '500118': 4, '500101': 1 }, dataQualityByDistrict: {}, orders: null }, msOfShanghaiDateTime('2025-09-29 12:00:00'), cal);
    expect(s.counts).toEqual({ open: 5, yellow: 0, red: 2, stageOverdue: null, pauseOverdue: null, atRisk: null });
    expect(s.redList.map((c) => c.caseId)).toEqual(['C2', 'C1']);
    expect(s.byDistrict).toEqual({ '500118': { open: 4, yellow: 0, red: 2 }, '500101': { open: 1, yellow: 0, red: 0 } });
    expect(s.byLevel).toBeNull();
  });
});
