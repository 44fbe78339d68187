import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar } from '@tongban/shared';
import { dayNumber } from './day-number.ts';
import { OpenCaseIndex, type OpenCase } from './open-case-index.ts';
import { countsAsOverdue, DATA_QUALITY_FLAGS, dataQualitySql, isDataQuality, notDataQualitySql } from './overdue-rule.ts';

/*
 * One rule decides "counts as overdue" (DOMAIN.md): the case's own warning, the wall's red list and counts
 * (the open-case index) and the reports' overdue sheets (ClickHouse, through dataQualitySql) all read it.
 */
const open = { status: 'in_progress', completedOn: null };

describe('the overdue rule', () => {
  it('counts an open case after its promised deadline, and a case completed after it', () => {
    // Deadline Wed 2025-10-15: still overdue-free on 10-15, overdue from 10-16.
    expect(countsAsOverdue({ ...open, flags: [], promisedDeadline: '2025-10-15' }, '2025-10-15')).toBe(false);
    expect(countsAsOverdue({ ...open, flags: [], promisedDeadline: '2025-10-15' }, '2025-10-16')).toBe(true);
    expect(countsAsOverdue({ flags: [], status: 'completed', promisedDeadline: '2025-10-15', completedOn: '2025-10-15' }, '2025-12-31')).toBe(false);
    expect(countsAsOverdue({ flags: [], status: 'completed', promisedDeadline: '2025-10-15', completedOn: '2025-10-16' }, '2025-12-31')).toBe(true);
  });

  it('never counts a data-quality case, a case closed without completion, or one without a deadline', () => {
    for (const flag of DATA_QUALITY_FLAGS) expect(countsAsOverdue({ ...open, flags: [flag], promisedDeadline: '2025-10-15' }, '2026-01-01')).toBe(false);
    // Flags that are not about the record's quality do not excuse lateness.
    expect(countsAsOverdue({ ...open, flags: ['too_fast', 'pause_overdue', 'stage_overdue'], promisedDeadline: '2025-10-15' }, '2026-01-01')).toBe(true);
    expect(countsAsOverdue({ flags: [], status: 'withdrawn', promisedDeadline: '2025-10-15', completedOn: null }, '2026-01-01')).toBe(false);
    expect(countsAsOverdue({ flags: [], status: 'rejected', promisedDeadline: '2025-10-15', completedOn: null }, '2026-01-01')).toBe(false);
    expect(countsAsOverdue({ ...open, flags: [], promisedDeadline: null }, '2026-01-01')).toBe(false);
  });

  it('is the same rule in ClickHouse (the reports) and in memory', () => {
    expect(dataQualitySql('x')).toBe(`hasAny(x, ['${DATA_QUALITY_FLAGS.join("', '")}'])`);
    expect(notDataQualitySql()).toBe(`NOT ${dataQualitySql('flags')}`);
    expect(isDataQuality(['too_fast'])).toBe(false);
    expect(isDataQuality(['too_fast', 'missing_completion'])).toBe(true);
  });

  it('agrees with the wall’s red list: the index holds an open case red exactly when the rule counts it', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    const today = '2025-10-20';
    const now = Date.parse(`${today}T10:00:00+08:00`);
    const deadlines = ['2025-10-10', '2025-10-19', '2025-10-20', '2025-10-21', null];
    const flagSets = [[], ['too_fast'], ...DATA_QUALITY_FLAGS.map((f) => [f]), ['provisional_deadline', 'events_after_completion']];
    const cases: Array<OpenCase & { deadline: string | null }> = [];
    for (const [i, deadline] of deadlines.entries()) {
      for (const [j, flags] of flagSets.entries()) {
        cases.push({
          caseId: `R-${i}-${j}`, itemCode: 'I', districtCode: '500118', townshipCode: '', villageCode: '', departmentCode: '', status: 'in_progress', stage: 'accepted',
          level: 'district', holder: '', submittedMs: null, acceptedMs: Date.parse('2025-10-01T10:00:00+08:00'), promisedDeadlineDay: deadline === null ? null : dayNumber(deadline),
          statutoryDeadlineDay: null, yellowFromDay: null, stageDueDay: null, stageSinceDay: null, promisedLimitDays: 5, pauses: [], flags, deadline,
        });
      }
    }
    for (const c of cases) index.upsert(c, now);
    const red = new Set(index.list({ warning: 'red' }, now, 1000).cases.map((c) => c.caseId));
    for (const c of cases) expect([c.caseId, red.has(c.caseId)]).toEqual([c.caseId, countsAsOverdue({ ...open, flags: c.flags, promisedDeadline: c.deadline }, today)]);
    expect(index.counts(now).red).toBe(red.size);
    // Two past deadlines (10-10, 10-19) × the three flag sets without a data-quality flag.
    expect(red.size).toBe(2 * 2);
  });
});
