import { describe, expect, it } from 'vitest';
import { warningId } from './warning-id.ts';

describe('warningId', () => {
  it('is the same for the same step of a case and differs by rung and deadline', () => {
    const c = { caseId: 'C-1', warning: 'red', promisedDeadline: '2026-03-02' };
    expect(warningId(c)).toBe(warningId({ ...c }));
    expect(warningId({ ...c, warning: 'yellow' })).not.toBe(warningId(c));
    expect(warningId({ ...c, promisedDeadline: '2026-03-09' })).not.toBe(warningId(c));
    expect(warningId({ ...c, promisedDeadline: null })).toBe('C-1:red:-');
  });
});
