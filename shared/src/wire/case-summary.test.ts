import { describe, expect, it } from 'vitest';
import { atRiskWords } from './case-summary.ts';

describe('atRiskWords', () => {
  it('says 无数据 without a model, never 0%', () => {
    expect(atRiskWords(null)).toBe('无数据');
  });
  it('names an at-risk case and since when, and shows the probability alone otherwise', () => {
    expect(atRiskWords({ probability: 2 / 3, since: '2025-09-15' })).toBe('预测风险（超期概率 67%，自 2025-09-15）');
    expect(atRiskWords({ probability: 0.25, since: null })).toBe('超期概率 25%');
  });
});
