import { describe, expect, it } from 'vitest';
import { comparisonCell, neutralizeFormula } from './report-tables.ts';

describe('report cells', () => {
  it('neutralises text a spreadsheet would run as a formula', () => {
    for (const s of ['=HYPERLINK("x")', '+1+2', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeFormula(s)).toBe(`'${s}`);
    for (const s of ['永川区', 'hb-c11', '2025-10-09', '']) expect(neutralizeFormula(s)).toBe(s);
  });

  it('shows a comparison only where its period holds enough data', () => {
    expect(comparisonCell(55.9, { days: 92, coveredDays: 0, status: 'none' })).toBe('无数据');
    expect(comparisonCell(61.2, { days: 91, coveredDays: 6, status: 'insufficient' })).toBe('数据不足');
    expect(comparisonCell(61.2, { days: 91, coveredDays: 91, status: 'ok' })).toBe(61.2);
    expect(comparisonCell(null, { days: 91, coveredDays: 91, status: 'ok' })).toBe('无数据');
  });
});
