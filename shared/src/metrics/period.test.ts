import { describe, expect, it } from 'vitest';
import { nextPeriod, parsePeriod, periodAt, periodDays, periodOf, previousPeriod, samePeriodLastYear, subPeriods, tryParsePeriod } from './period.ts';

describe('reporting periods', () => {
  it('reads the five shapes with Asia/Shanghai day boundaries and Chinese labels', () => {
    expect(parsePeriod('2025-10-09')).toEqual({ kind: 'day', key: '2025-10-09', from: '2025-10-09', to: '2025-10-10', label: '2025年10月9日' });
    expect(parsePeriod('2025-W41')).toEqual({ kind: 'week', key: '2025-W41', from: '2025-10-06', to: '2025-10-13', label: '2025年第41周' });
    expect(parsePeriod('2025-10')).toMatchObject({ kind: 'month', from: '2025-10-01', to: '2025-11-01', label: '2025年10月' });
    expect(parsePeriod('2025-Q3')).toMatchObject({ kind: 'quarter', from: '2025-07-01', to: '2025-10-01', label: '2025年第三季度' });
    expect(parsePeriod('2025')).toMatchObject({ kind: 'year', from: '2025-01-01', to: '2026-01-01' });
  });

  it('refuses what is not a real period, saying which shapes it accepts', () => {
    for (const bad of ['2025-13', '2025-Q5', '2025-W54', '2025-02-30', '25-10', '', 2025]) expect(tryParsePeriod(bad)).toBeUndefined();
    expect(() => parsePeriod('2025/10')).toThrow(/2025-W41/);
  });

  it('numbers ISO weeks across year ends (2020 has 53 weeks; 2024-12-30 is in 2025-W01)', () => {
    expect(parsePeriod('2020-W53').from).toBe('2020-12-28');
    expect(periodOf('week', '2024-12-30').key).toBe('2025-W01');
    expect(periodOf('week', '2021-01-03').key).toBe('2020-W53');
    expect(periodOf('week', '2025-10-12').key).toBe('2025-W41');
  });

  it('steps to the previous, next and same-last-year periods and splits into finer ones', () => {
    expect(previousPeriod(parsePeriod('2025-Q1')).key).toBe('2024-Q4');
    expect(previousPeriod(parsePeriod('2025-W01')).key).toBe('2024-W52');
    expect(nextPeriod(parsePeriod('2025-12')).key).toBe('2026-01');
    expect(samePeriodLastYear(parsePeriod('2025-Q3')).key).toBe('2024-Q3');
    expect(subPeriods(parsePeriod('2025-Q3'), 'month').map((p) => p.key)).toEqual(['2025-07', '2025-08', '2025-09']);
    expect(subPeriods(parsePeriod('2025'), 'quarter').map((p) => p.key)).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(periodDays(parsePeriod('2025-W41'))).toHaveLength(7);
  });

  it('puts an instant in the Asia/Shanghai period whatever the process TZ', () => {
    // 2025-09-30 16:30 UTC is 2025-10-01 00:30 in Chongqing.
    expect(periodAt('month', Date.parse('2025-09-30T16:30:00Z')).key).toBe('2025-10');
    expect(periodAt('quarter', Date.parse('2025-09-30T15:59:59Z')).key).toBe('2025-Q3');
  });
});
