import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar as calendar, type CaseEvent, type ServiceItemRecord } from '@tongban/shared';
import { deriveCaseState } from './case-state.ts';
import { traceCase } from './case-trace.ts';
import { countsAsOverdue } from './overdue-rule.ts';

/*
 * The clock rules of issue 12, each with its dates worked out by hand on the 2025 notice: 10-01…10-08 off
 * (国庆节·中秋节), Sunday 09-28 and Saturday 10-11 worked. Item: 5 working days promised, 15 statutory.
 * Every instant is written with an offset; the answers must not depend on the process's TZ (run under
 * TZ=UTC and TZ=America/Los_Angeles).
 */
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
  guide: {},
  stageLimitDays: { accepted: 1 },
};
const item = (code: string) => (code === ITEM.itemCode ? ITEM : undefined);
const at = (iso: string) => Date.parse(iso);
let n = 0;
const ev = (type: CaseEvent['type'], occurredAt: string, extra: Partial<CaseEvent> = {}): CaseEvent => ({
  eventId: `R.${n++}`, caseId: 'R', type, occurredAt, districtCode: '500118', level: 'district', ...extra,
});
const accepted = (day: string) => [ev('submitted', `${day}T09:00:00+08:00`, { itemCode: ITEM.itemCode, channel: 'window' }), ev('accepted', `${day}T10:00:00+08:00`, { actorId: 'a1' })];
const derive = (events: CaseEvent[], now: string, pauseFlagDays?: number) => deriveCaseState(events, { calendar, item, now: at(now), ...(pauseFlagDays ? { pauseFlagDays } : {}) });

describe('overlapping pauses (补正 and 特别程序 are intervals of their own kind)', () => {
  // Accepted Mon 09-15. 补正 09-16 → 09-18; 特别程序 09-17 → Mon 09-22. Union: paused after 09-16 up to 09-22.
  // Day 1 = 09-16 (a pause's first day counts); 09-17…09-22 not counted; 09-23 (2), 24 (3), 25 (4), 26 (5):
  // promised deadline Fri 09-26. (Merged into the 补正, the pause ended 09-18 and the deadline was 09-24.)
  const events = [
    ...accepted('2025-09-15'),
    ev('supplement_requested', '2025-09-16T10:00:00+08:00'),
    ev('suspended', '2025-09-17T10:00:00+08:00'),
    ev('supplement_received', '2025-09-18T10:00:00+08:00'),
    ev('resumed', '2025-09-22T10:00:00+08:00'),
  ];

  it('stays paused until the 特别程序 ends, though the 补正 ended first', () => {
    const s = derive(events.slice(0, 5), '2025-09-19T12:00:00+08:00');
    expect(s.status).toBe('paused');
    expect(s.pauses).toEqual([{ from: '2025-09-16', to: '2025-09-18', kind: 'supplement' }, { from: '2025-09-17', kind: 'special' }]);
    expect(s.promised?.deadline).toBeNull();
  });

  it('stops the clock for the union of both pauses', () => {
    const s = derive(events, '2025-09-23T12:00:00+08:00');
    expect(s.status).toBe('in_progress');
    expect(s.promised?.deadline).toBe('2025-09-26');
    // Statutory 15: 09-16 (1), 09-23…26 (5), 09-28 (6), 09-29, 09-30 (8), 10-09, 10-10, 10-11 (11), 10-13…16 (15).
    expect(s.statutory?.deadline).toBe('2025-10-16');
  });

  it('judges a completion by its Shanghai date: 23:59 on the deadline is on time, 00:01 the next day is late', () => {
    // 2025-09-26T15:59Z is 23:59 in Shanghai on 09-26; 16:01Z is 00:01 on 09-27 (in Los Angeles both are 09-26).
    expect(derive([...events, ev('completed', '2025-09-26T15:59:00Z')], '2025-09-29T12:00:00+08:00').completedOnTime).toBe(true);
    const late = derive([...events, ev('completed', '2025-09-26T16:01:00Z')], '2025-09-29T12:00:00+08:00');
    expect(late).toMatchObject({ completedOnTime: false, warning: 'red', daysOverdue: 1 });
  });
});

describe('completion while a pause is open', () => {
  it('closes the pause at completion, gives the verdict and flags completed_while_paused', () => {
    // Accepted Mon 09-15, 补正 Wed 09-17, completed Fri 09-19 with no receipt: the pause ends 09-19.
    // 09-16 (1), 09-17 (2), 09-18 and 09-19 paused, 09-22 (3), 23 (4), 24 (5): deadline 09-24; 09-19 ≤ 09-24.
    const s = derive([...accepted('2025-09-15'), ev('supplement_requested', '2025-09-17T10:00:00+08:00'), ev('completed', '2025-09-19T16:00:00+08:00')], '2025-09-22T10:00:00+08:00');
    expect(s.status).toBe('completed');
    expect(s.pauses).toEqual([{ from: '2025-09-17', to: '2025-09-19', kind: 'supplement' }]);
    expect(s.promised?.deadline).toBe('2025-09-24');
    expect(s.completedOnTime).toBe(true);
    expect(s.flags).toContain('completed_while_paused');
  });
});

describe('data-quality cases', () => {
  // Accepted Mon 09-01: deadline 09-08 (09-02…05, 09-08). Delivered and rated, never completed. On 10-20 it
  // would be 26 working days overdue (09-09…30 is 17 with 09-28, then 10-09, 10, 11, 13…17, 20: 9 more).
  const events = [...accepted('2025-09-01'), ev('approved', '2025-09-03T10:00:00+08:00', { actorId: 'a2' }), ev('delivered', '2025-09-04T10:00:00+08:00', { actorId: 'a3' }), ev('rated', '2025-09-05T10:00:00+08:00', { rating: 5 })];
  const now = '2025-10-20T10:00:00+08:00';

  it('is neither red nor yellow, not overdue and not judged on time or late', () => {
    const s = derive(events, now);
    expect(s.flags).toContain('missing_completion');
    expect(s.promised?.deadline).toBe('2025-09-08');
    expect(s).toMatchObject({ warning: 'none', daysOverdue: 0, completedOnTime: null, statutoryOnTime: null, statutoryBreached: false });
    expect(countsAsOverdue({ flags: s.flags, status: s.status, promisedDeadline: '2025-09-08', completedOn: null }, '2025-10-20')).toBe(false);
    // The same case without the flag would count: the rule can fail.
    expect(countsAsOverdue({ flags: [], status: s.status, promisedDeadline: '2025-09-08', completedOn: null }, '2025-10-20')).toBe(true);
  });

  it('charges nobody with the time after its last real step', () => {
    const t = traceCase(events, calendar, at(now), true);
    const last = t.periods.at(-1)!;
    // approved 09-03 10:00 → delivered 09-04 10:00: 1,440 minutes, 1 working day; nothing up to 10-20.
    expect(last).toMatchObject({ stage: 'approved', actorId: 'a2', minutes: 1440, workingDays: 1 });
    // In all: accepted 09-01 → approved 09-03 (2: 09-02, 09-03) + approved → delivered (1) = 3.
    expect(t.byActor.reduce((a, b) => a + b.workingDays, 0)).toBe(3);
    // Without the data-quality rule the approver would be charged up to now: 09-04…30 (20 with 09-28),
    // 10-09, 10, 11 (23), 10-13…17 (28), 10-20 (29).
    expect(traceCase(events, calendar, at(now)).periods.at(-1)!.workingDays).toBe(29);
  });
});

describe('extensions (延期, 行政许可法 Art. 42)', () => {
  const extend = (days: number, when: string) => ev('extended', when, { extensionDays: days, actorId: 'head-1', note: '需现场核查' });

  it('lengthens both clocks by the same working days', () => {
    // Accepted Mon 09-15, +10 working days. Promised 15: 09-16…19 (4), 09-22…26 (9), 09-28 (10), 09-29, 09-30 (12),
    // 10-09, 10-10 (14), 10-11 (15). Statutory 25: 10-13…17 (20), 10-20…24 (25).
    const s = derive([...accepted('2025-09-15'), extend(10, '2025-09-17T10:00:00+08:00')], '2025-09-18T10:00:00+08:00');
    expect(s.promised?.deadline).toBe('2025-10-11');
    expect(s.statutory?.deadline).toBe('2025-10-24');
    expect(s.extension).toEqual({ days: 10, approvedBy: 'head-1', at: '2025-09-17T10:00:00+08:00', note: '需现场核查' });
    expect(s.flags).not.toContain('extension_rejected');
  });

  it('applies one extension only: a second is flagged extension_rejected and changes nothing', () => {
    const s = derive([...accepted('2025-09-15'), extend(10, '2025-09-17T10:00:00+08:00'), extend(5, '2025-09-19T10:00:00+08:00')], '2025-09-22T10:00:00+08:00');
    expect(s.promised?.deadline).toBe('2025-10-11');
    expect(s.extension?.days).toBe(10);
    expect(s.flags).toContain('extension_rejected');
  });
});

describe('pauses that never end, acceptance during a 补正', () => {
  // Accepted Fri 08-29, 补正 Mon 09-01 never answered. Working days after 09-01: September 22 (with Sunday 09-28),
  // 10-09, 10-10, 10-11 → 25, 10-13…17 → 30. Flagged once more than 30: on Mon 10-20 (31), not on Fri 10-17.
  const events = [...accepted('2025-08-29'), ev('supplement_requested', '2025-09-01T10:00:00+08:00')];

  it('flags pause_overdue after PAUSE_FLAG_DAYS working days, and not before', () => {
    expect(derive(events, '2025-10-17T23:59:00+08:00', 30).flags).not.toContain('pause_overdue');
    expect(derive(events, '2025-10-20T00:01:00+08:00', 30).flags).toContain('pause_overdue');
    // Configurable: with 25 the flag comes on 10-13 (26).
    expect(derive(events, '2025-10-13T10:00:00+08:00', 25).flags).toContain('pause_overdue');
    expect(derive(events, '2025-10-20T00:01:00+08:00', 30).warning).toBe('none');
  });

  it('flags accepted_while_paused when acceptance comes while a 补正 is open', () => {
    const s = derive(
      [ev('submitted', '2025-09-01T09:00:00+08:00', { itemCode: ITEM.itemCode, channel: 'pc' }), ev('supplement_requested', '2025-09-01T11:00:00+08:00'), ev('accepted', '2025-09-02T10:00:00+08:00'), ev('supplement_received', '2025-09-03T10:00:00+08:00')],
      '2025-09-04T10:00:00+08:00',
    );
    expect(s.flags).toContain('accepted_while_paused');
    // Accepted 09-02; the 补正 (09-01 → 09-03) keeps 09-03 out: 09-02? no, day 1 is after acceptance: 09-04 (1) … 09-10 (5).
    expect(s.promised?.deadline).toBe('2025-09-10');
    expect(derive([...accepted('2025-09-01'), ev('supplement_requested', '2025-09-02T10:00:00+08:00')], '2025-09-03T10:00:00+08:00').flags).not.toContain('accepted_while_paused');
  });
});

describe('stage clocks (环节时限)', () => {
  it('flags a case late at its stage although the case itself is on time', () => {
    // 受理 within 1 working day: accepted Mon 09-15, stage due 09-16, late from Wed 09-17. The case's promise
    // runs to 09-22 (yellow from 09-18, after min(⌈3.75⌉, 3) = 3 days), so on 09-17 it is still 'none'.
    const s = derive(accepted('2025-09-15'), '2025-09-17T09:00:00+08:00');
    expect(s.stageClock).toEqual({ stage: 'accepted', limitDays: 1, since: '2025-09-15T10:00:00+08:00', due: '2025-09-16', overdue: true });
    expect(s.flags).toContain('stage_overdue');
    expect(s.warning).toBe('none');
    expect(derive(accepted('2025-09-15'), '2025-09-16T23:59:00+08:00').stageClock?.overdue).toBe(false);
  });

  it('has no stage clock for a stage without a limit', () => {
    expect(derive([...accepted('2025-09-15'), ev('reviewed', '2025-09-15T11:00:00+08:00')], '2025-09-30T09:00:00+08:00').stageClock).toBeNull();
  });
});
