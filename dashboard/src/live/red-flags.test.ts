import { describe, expect, it } from 'vitest';
import { RED_FLAG_LIMIT, applyWarnings, compareRedFlags, type RedFlag } from './red-flags.ts';
import type { CaseWarning } from '@tongban/shared';

const flag = (caseId: string, warning: RedFlag['warning'], daysOverdue: number): RedFlag => ({
  caseId,
  warning,
  districtCode: '500118',
  districtName: '永川区',
  itemName: '事项',
  stage: 'accepted',
  level: 'district',
  holder: null,
  daysOverdue,
  promisedDeadline: null,
});

describe('red flags', () => {
  it('lists red before yellow, then by days overdue', () => {
    const sorted = [flag('a', 'yellow', 9), flag('b', 'red', 1), flag('c', 'red', 5)].sort(compareRedFlags);
    expect(sorted.map((f) => f.caseId)).toEqual(['c', 'b', 'a']);
  });

  it('keeps at most a hundred rows', () => {
    const flags = Array.from({ length: RED_FLAG_LIMIT }, (_, i) => flag(`y${i}`, 'yellow', 0));
    const w = { ...flag('new', 'red', 1), previous: 'yellow', itemCode: 'I', departmentCode: null, at: '' } as unknown as CaseWarning;
    const next = applyWarnings(flags, [w]);
    expect(next).toHaveLength(RED_FLAG_LIMIT);
    expect(next[0]!.caseId).toBe('new');
  });

  it('returns the same list when no warning came', () => {
    const flags = [flag('a', 'red', 1)];
    expect(applyWarnings(flags, [])).toBe(flags);
  });
});
