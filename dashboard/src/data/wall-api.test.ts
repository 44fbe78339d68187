import { describe, expect, it } from 'vitest';
import { nextRemote } from './remote.ts';
import { shanghaiMonth } from '@tongban/shared';
import { ratio } from '../wall/wall-format.ts';
import { parseCaseDetail, parseHourlyTrend, parseItemNames, parsePlaceNames, parseRanking, parseTodayRates, parseWudu, periodLabelOf } from './wall-api.ts';

describe('reading the wall’s HTTP answers', () => {
  it('reads 五度 with scores that may be missing for a 度', () => {
    const w = parseWudu({
      period: '2026-11',
      periodRange: { label: '2026年11月' },
      scores: { completeness: 70, coverage: 20.8, guideAccuracy: 89.4, onlineDepth: 40, effectiveness: null },
      total: 55.1,
      index: 0.716,
    });
    expect(w).toEqual({
      period: '2026-11',
      periodLabel: '2026年11月',
      scores: { completeness: 70, coverage: 20.8, guideAccuracy: 89.4, onlineDepth: 40, effectiveness: null },
      total: 55.1,
      index: 0.716,
    });
    const none = { completeness: null, coverage: null, guideAccuracy: null, onlineDepth: null, effectiveness: null };
    // A period without any data is read as such (the panel says 无数据), not refused as malformed.
    expect(parseWudu({ period: '2026-12', periodRange: { label: '2026年12月' }, scores: none, total: null, index: null })?.scores).toEqual(none);
    expect(parseWudu({ scores: none })).toBeUndefined();
    expect(parseWudu({ scores: { completeness: '70' } })).toBeUndefined();
  });

  it('reads a ranking, keeping unranked districts unranked, and refuses one with a malformed row', () => {
    const good = [
      { code: '500101', name: '万州区', index: 0.727, rank: null, rankChange: null, total: 55.9 },
      { code: '500118', name: '永川区', index: 1.1, rank: 1, rankChange: 2, total: 60 },
    ];
    expect(parseRanking({ period: '2026-11', rows: good })).toEqual({ period: '2026-11', periodLabel: '2026年11月', rows: good });
    expect(periodLabelOf('2026-Q4')).toBe('2026年第4季度');
    expect(periodLabelOf('2026')).toBe('2026年');
    expect(parseRanking({ period: '2026-11', rows: [...good, { bad: 1 }] })).toBeUndefined();
    expect(parseRanking({})).toBeUndefined();
  });

  it('reads the hourly trend only when it has 24 hours', () => {
    const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, today: hour < 3 ? hour : null, compare: 1 }));
    expect(parseHourlyTrend({ day: '2026-11-23', compareDay: '2026-11-16', type: 'submitted', hours })?.hours[2]).toEqual({ hour: 2, today: 2, compare: 1 });
    expect(parseHourlyTrend({ day: '2026-11-23', compareDay: '2026-11-16', type: 'submitted', hours: hours.slice(1) })).toBeUndefined();
  });

  it('reads today’s rates, with null for an absent source', () => {
    expect(parseTodayRates({ day: 'd', goodRating: { good: 1, rated: 2 }, onTime: null })).toEqual({ day: 'd', goodRating: { good: 1, rated: 2 }, onTime: null });
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
  });

  it('reads name dictionaries, refusing anything that is not one', () => {
    expect(parseItemNames({ items: { A: '甲' } })).toEqual({ A: '甲' });
    expect(parseItemNames({ items: { A: '甲', B: 3 } })).toBeUndefined();
    expect(parsePlaceNames({ items: {} })).toBeUndefined();
  });

  it('reads a case with its timeline, and refuses a case that breaks the contract', () => {
    const c = {
      caseId: 'C1', itemCode: 'I', itemName: '个体工商户变更登记', districtCode: '500118', districtName: '永川区', townshipCode: null, villageCode: null, departmentCode: null,
      status: 'completed', stage: 'completed', level: 'district', holder: null, submittedAt: '2025-08-24T14:37:00.000+08:00', acceptedAt: null, completedAt: null,
      promisedLimitDays: 5, statutoryLimitDays: 20, promisedDeadline: null, statutoryDeadline: null, provisional: false, pauses: [], workingDaysUsed: null,
      warning: 'none', daysOverdue: 0, statutoryBreached: false, completedOnTime: null, handlingMinutes: null, visits: null, rating: null, flags: ['too_fast'], atRisk: null,
      applicant: null, extension: null, stageClock: null, deadlineHistory: [], supervision: [], ratingClock: null, ratingClocks: [],
      timeline: [{ eventId: 'e1', type: 'submitted', occurredAt: '2025-08-24T14:37:00+08:00', level: 'district', actorId: null, departmentCode: null, source: null, minutesSincePrevious: null }],
    };
    expect(parseCaseDetail(c)?.timeline).toHaveLength(1);
    expect(parseCaseDetail({ ...c, warning: undefined })).toBeUndefined();
    expect(parseCaseDetail({ caseId: 'C1' })).toBeUndefined();
  });

  it('names the metrics period as the Shanghai month', () => {
    expect(shanghaiMonth(Date.parse('2025-10-31T16:30:00Z'))).toBe('2025-11');
  });

  it('keeps the last good answer through a failed refresh', () => {
    const ok = { state: 'ok' as const, data: 1 };
    expect(nextRemote(ok, { state: 'error', reason: 'x' })).toBe(ok);
    expect(nextRemote(ok, { state: 'loading' })).toEqual({ state: 'loading' });
    expect(nextRemote({ state: 'loading' }, { state: 'error', reason: 'x' })).toEqual({ state: 'error', reason: 'x' });
  });
});
