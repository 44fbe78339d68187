import { describe, expect, it } from 'vitest';
import { FACT_KEYS } from '@tongban/shared';
import { factsOfArray } from './fact-columns.ts';

describe('factsOfArray', () => {
  it('takes every fact, in FACT_KEYS order, from its offset (text or numbers, a missing one as 0)', () => {
    const row = ['500101', 'ITEM', ...FACT_KEYS.map((_, i) => String(i * 7 + 1))];
    expect(factsOfArray(row, 2)).toEqual(Object.fromEntries(FACT_KEYS.map((k, i) => [k, i * 7 + 1])));
    expect(Object.keys(factsOfArray(row, 2))).toEqual([...FACT_KEYS]);
    expect(factsOfArray([1, 2], 0)).toEqual(Object.fromEntries(FACT_KEYS.map((k, i) => [k, i < 2 ? i + 1 : 0])));
  });
});
