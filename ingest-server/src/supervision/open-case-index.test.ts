import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar, shanghaiIsoOrNull } from '@tongban/shared';
import { dayNumber, isoOfDay } from './day-number.ts';
import { atRiskFromUsed, dwellDistribution, lateProbability } from './lateness-model.ts';
import { OpenCaseIndex, type LatenessAssessor, type OpenCase } from './open-case-index.ts';

const d = (iso: string) => dayNumber(iso);

const at = (iso: string) => Date.parse(iso);
const base: OpenCase = {
  caseId: 'C1',
  itemCode: 'GTGSH-BG',
  districtCode: '500118',
  townshipCode: '500118001',
  villageCode: '500118001001',
  departmentCode: 'SCJG',
  status: 'in_progress',
  stage: 'accepted',
  level: 'district',
  holder: 'yc-017',
  submittedMs: Date.parse('2025-09-08T09:00:00.000+08:00'),
  stageSinceDay: null,
  promisedLimitDays: 10,
  acceptedMs: Date.parse('2025-09-08T10:00:00.000+08:00'),
  // 10-day promise accepted 2025-09-08: yellow from 09-18, deadline 09-22.
  promisedDeadlineDay: d('2025-09-22'),
  statutoryDeadlineDay: d('2025-10-13'),
  yellowFromDay: d('2025-09-18'),
  pauses: [],
  stageDueDay: null,
  flags: [],
};

describe('OpenCaseIndex', () => {
  it('turns a case yellow then red as the clock advances, reporting each change once', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    expect(index.upsert(base, at('2025-09-10T12:00:00+08:00'))).toEqual({ previous: undefined, warning: 'none' });
    const changes: string[] = [];
    const record = (id: string, from: string, to: string) => changes.push(`${id}:${from}->${to}`);
    index.advance(at('2025-09-17T23:59:59+08:00'), record);
    expect(changes).toEqual([]);
    index.advance(at('2025-09-18T00:00:00+08:00'), record);
    expect(changes).toEqual(['C1:none->yellow']);
    index.advance(at('2025-09-22T23:59:59+08:00'), record);
    index.advance(at('2025-09-23T00:00:00+08:00'), record);
    index.advance(at('2025-09-25T00:00:00+08:00'), record);
    expect(changes).toEqual(['C1:none->yellow', 'C1:yellow->red']);
    expect(index.list({ warning: 'red' }, at('2025-09-25T09:00:00+08:00'), 10).cases[0]).toMatchObject({ caseId: 'C1', warning: 'red', daysOverdue: 3 });
  });

  it('reports each change once after a case’s generation wraps past 16 bits (70,000 re-derivations)', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    const now = at('2025-09-10T12:00:00+08:00');
    // Alternating an earlier yellow day leaves superseded heap entries behind on every other upsert.
    for (let i = 0; i < 70_000; i++) index.upsert(i % 2 ? base : { ...base, yellowFromDay: d('2025-09-15') }, now);
    const changes: string[] = [];
    const record = (id: string, from: string, to: string) => changes.push(`${id}:${from}->${to}`);
    index.advance(at('2025-09-16T00:00:00+08:00'), record);
    expect(changes).toEqual([]);
    index.advance(at('2025-09-18T00:00:00+08:00'), record);
    index.advance(at('2025-09-23T00:00:00+08:00'), record);
    expect(changes).toEqual(['C1:none->yellow', 'C1:yellow->red']);
  });

  it('follows the Shanghai midnight, whatever the process time zone', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    index.upsert(base, at('2025-09-17T12:00:00+08:00'));
    const changes: string[] = [];
    // 2025-09-17T16:00Z is 2025-09-18 00:00 in Shanghai.
    index.advance(at('2025-09-17T15:59:59Z'), (id, _f, t) => changes.push(t));
    expect(changes).toEqual([]);
    index.advance(at('2025-09-17T16:00:00Z'), (id, _f, t) => changes.push(t));
    expect(changes).toEqual(['yellow']);
  });

  it('forgets a case that closes, and a stale transition does not resurrect it', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    index.upsert(base, at('2025-09-10T12:00:00+08:00'));
    index.remove('C1');
    const changes: string[] = [];
    index.advance(at('2025-10-01T00:00:00+08:00'), (id) => changes.push(id));
    expect(changes).toEqual([]);
    expect(index.size).toBe(0);
  });

  it('lists red cases first, most overdue first, with cursor paging and filters', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    const now = at('2025-09-30T09:00:00+08:00');
    index.upsert({ ...base, caseId: 'A', promisedDeadlineDay: d('2025-09-26'), yellowFromDay: d('2025-09-24') }, now);
    index.upsert({ ...base, caseId: 'B', promisedDeadlineDay: d('2025-09-22'), districtCode: '500101' }, now);
    index.upsert({ ...base, caseId: 'C', promisedDeadlineDay: d('2025-10-20'), yellowFromDay: d('2025-10-15') }, now);
    index.upsert({ ...base, caseId: 'D', promisedDeadlineDay: d('2025-10-01'), yellowFromDay: d('2025-09-29') }, now);
    const p1 = index.list({}, now, 2);
    expect(p1.cases.map((c) => c.caseId)).toEqual(['B', 'A']);
    const p2 = index.list({}, now, 2, p1.nextCursor!);
    expect(p2.cases.map((c) => `${c.caseId}:${c.warning}`)).toEqual(['D:yellow', 'C:none']);
    expect(p2.nextCursor).toBeNull();
    expect(index.list({ districtCode: '500101' }, now, 10).cases.map((c) => c.caseId)).toEqual(['B']);
    // A: 09-26 → 09-30 is 3 working days (09-28 is a make-up Sunday); B: 7.
    expect(index.list({ minDaysOverdue: 3 }, now, 10).cases.map((c) => c.caseId)).toEqual(['B', 'A']);
    expect(index.list({ minDaysOverdue: 4 }, now, 10).cases.map((c) => c.caseId)).toEqual(['B']);
    expect(index.list({ districtCode: '509999' }, now, 10).cases).toEqual([]);
    expect(index.counts(now)).toMatchObject({ open: 4, red: 2, yellow: 1, byLevel: { district: 4 } });
  });

  it('holds no transition while a pause keeps the deadline open', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    index.upsert({ ...base, promisedDeadlineDay: null, yellowFromDay: null, status: 'paused', pauses: [{ from: '2025-09-10' }] }, at('2025-09-10T12:00:00+08:00'));
    const changes: string[] = [];
    index.advance(at('2025-12-31T00:00:00+08:00'), (id) => changes.push(id));
    expect(changes).toEqual([]);
    expect(index.clockInputs('C1')?.pauses).toEqual([{ from: '2025-09-10' }]);
  });
});

describe('OpenCaseIndex and the flags kept apart from lateness', () => {
  it('never turns a data-quality case red: it is listed under its flag and counted in dataQuality', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    // Deadline 09-22: on 09-30 a real case is red.
    const now = at('2025-09-30T09:00:00+08:00');
    index.upsert({ ...base, caseId: 'REAL' }, now);
    index.upsert({ ...base, caseId: 'DQ', flags: ['missing_completion'] }, now);
    const red = index.list({ warning: 'red' }, now, 10).cases;
    expect(red.map((c) => c.caseId)).toEqual(['REAL']);
    // 09-23, 24, 25, 26, 28 (make-up Sunday), 29, 30 = 7 working days past 09-22.
    expect(red[0]!.daysOverdue).toBe(7);
    const dq = index.list({ flag: 'missing_completion' }, now, 10).cases;
    expect(dq).toEqual([expect.objectContaining({ caseId: 'DQ', warning: 'none', daysOverdue: 0, flags: ['missing_completion'] })]);
    expect(index.counts(now)).toMatchObject({ open: 2, red: 1, yellow: 0, dataQuality: { total: 1, byDistrict: { '500118': 1 } } });
    // And no transition is ever due for it.
    const changes: string[] = [];
    index.advance(at('2025-12-31T00:00:00+08:00'), (id) => changes.push(id));
    expect(changes).toEqual([]);
  });

  it('judges pause_overdue and stage_overdue by the date, without any event', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar, 30);
    // 补正 open since Mon 09-01: the 30th working day after it is Fri 10-17 (see case-rules.test.ts), the 31st 10-20.
    index.upsert({ ...base, caseId: 'P', status: 'paused', promisedDeadlineDay: null, yellowFromDay: null, pauses: [{ from: '2025-09-01', kind: 'supplement' }] }, at('2025-09-01T12:00:00+08:00'));
    // Stage due 09-16: late from 09-17.
    index.upsert({ ...base, caseId: 'S', stageDueDay: d('2025-09-16') }, at('2025-09-15T12:00:00+08:00'));
    const ids = (flag: string, when: string) => index.list({ flag }, at(when), 10).cases.map((c) => c.caseId);
    expect(ids('pause_overdue', '2025-10-17T23:59:00+08:00')).toEqual([]);
    expect(ids('pause_overdue', '2025-10-20T00:01:00+08:00')).toEqual(['P']);
    expect(ids('stage_overdue', '2025-09-16T23:59:00+08:00')).toEqual([]);
    expect(ids('stage_overdue', '2025-09-17T00:01:00+08:00')).toEqual(['S']);
    expect(index.counts(at('2025-10-20T10:00:00+08:00'))).toMatchObject({ pauseOverdue: 1, stageOverdue: { total: 1, byStage: { accepted: 1 } } });
  });

  it('marks a case at_risk from the day its predicted lateness passes the threshold until it turns yellow', () => {
    // Item GTGSH-BG at 'accepted': 20 completed cases took 4 (5 cases), 8 (5) and 12 (10) working days.
    // Promise 10: P = 10/20 = 0.5 while ≤ 4 days are used (not above 0.5), 10/15 from the 5th working day.
    // Accepted Mon 09-08: day 5 is Mon 09-15 (09-09, 10, 11, 12, 15); yellow from 09-18 (day 8).
    const dist = dwellDistribution([[4, 5], [8, 5], [12, 10]]);
    const opts = { minCases: 10 };
    const model: LatenessAssessor = {
      hasModel: (item, stage) => item === 'GTGSH-BG' && stage === 'accepted',
      atRiskFromUsed: (item, stage, entered, limit) => (item === 'GTGSH-BG' && stage === 'accepted' ? atRiskFromUsed(dist, { entered, limit }, 0.5, opts) : undefined),
      probability: (item, stage, c) => lateProbability(item === 'GTGSH-BG' && stage === 'accepted' ? dist : undefined, c, opts),
    };
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    const c = { ...base, stageSinceDay: d('2025-09-08') };
    index.upsert(c, at('2025-09-10T12:00:00+08:00'));
    index.upsert({ ...c, caseId: 'OTHER', itemCode: 'NO-HISTORY' }, at('2025-09-10T12:00:00+08:00'));
    index.upsert({ ...c, caseId: 'DQ', flags: ['missing_completion'] }, at('2025-09-10T12:00:00+08:00'));
    // No model yet: nothing is known (null), never 0.
    expect(index.counts(at('2025-09-15T12:00:00+08:00')).atRisk).toBeNull();
    index.setLateness(model);
    const atRisk = (when: string) => index.list({ atRisk: true }, at(when), 10).cases;
    expect(atRisk('2025-09-14T23:59:00+08:00')).toEqual([]);
    expect(index.summary('C1', at('2025-09-14T23:59:00+08:00'))?.atRisk).toEqual({ probability: 0.5, since: null });
    expect(atRisk('2025-09-15T00:01:00+08:00')).toEqual([expect.objectContaining({ caseId: 'C1', warning: 'none', atRisk: { probability: 10 / 15, since: '2025-09-15' } })]);
    expect(index.counts(at('2025-09-15T12:00:00+08:00')).atRisk).toBe(1);
    expect(index.areas('district', {}, at('2025-09-15T12:00:00+08:00'))).toEqual([expect.objectContaining({ code: '500118', atRisk: 1 })]);
    // The item without history and the data-quality case have no prediction at all.
    expect(index.summary('OTHER', at('2025-09-15T12:00:00+08:00'))?.atRisk).toBeNull();
    expect(index.summary('DQ', at('2025-09-15T12:00:00+08:00'))?.atRisk).toBeNull();
    // Yellow from 09-18: no longer at_risk (its own warning says more), the probability still shown.
    index.advance(at('2025-09-18T00:00:00+08:00'), () => undefined);
    expect(atRisk('2025-09-18T00:01:00+08:00')).toEqual([]);
    expect(index.summary('C1', at('2025-09-18T00:01:00+08:00'))).toMatchObject({ warning: 'yellow', atRisk: { probability: 10 / 15, since: null } });
  });

  it('keeps every case id, instant and day exactly in its compact columns, and finds cases again after removals reuse slots', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    const now = at('2025-09-10T12:00:00+08:00');
    const ids = ['YKB500118202509080360501', '', '案件-7', 'CQ2025-A-VERY-LONG-CASE-NUMBER-OF-FORTY-CHARS', ...Array.from({ length: 66_000 }, (_, i) => `C${i}`)];
    const instants = [Date.parse('2025-09-08T09:00:00.123+08:00'), Date.parse('1969-12-31T23:59:59.999Z'), 1.5, null];
    const caseOf = (id: string, i: number): OpenCase => ({
      ...base, caseId: id, submittedMs: instants[i % instants.length]!, acceptedMs: instants[(i + 1) % instants.length]!,
      statutoryDeadlineDay: i % 5 === 0 ? null : d('2025-10-13') + (i % 40),
      // More than 65,535 distinct strings: the code columns widen to four bytes midway.
      holder: `h${i}`,
    });
    ids.forEach((id, i) => index.upsert(caseOf(id, i), now));
    for (let i = 4; i < ids.length; i += 2) index.remove(ids[i]!);
    const again = ids.map((id, i) => (i >= 4 && i % 2 === 0 ? `again-${id}` : id));
    again.forEach((id, i) => { if (i >= 4 && i % 2 === 0) index.upsert(caseOf(id, i), now); });
    expect(index.size).toBe(ids.length);
    expect(index.has(ids[4]!)).toBe(false);
    again.forEach((id, i) => {
      const row = index.summary(id, now)!;
      const c = caseOf(id, i);
      expect(row.caseId).toBe(id);
      expect(row.submittedAt).toBe(c.submittedMs === null ? null : shanghaiIsoOrNull(c.submittedMs));
      expect(row.acceptedAt).toBe(c.acceptedMs === null ? null : shanghaiIsoOrNull(c.acceptedMs));
      expect(row.statutoryDeadline).toBe(c.statutoryDeadlineDay === null ? null : isoOfDay(c.statutoryDeadlineDay));
      expect(row.holder).toBe(c.holder);
    });
    expect(new Set(index.caseIds())).toEqual(new Set(again));
  });
});
