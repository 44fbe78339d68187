import { describe, expect, it } from 'vitest';
import type { Applicant, CaseEvent } from '@tongban/shared';
import { CaseApplicants } from './live-event.ts';
import { loadConfig } from '../config.ts';

const base = Date.now() - 3_600_000;
const at = (i: number) => new Date(base + i * 1000).toISOString();

function submitted(caseId: string, applicant: Applicant): CaseEvent {
  return { eventId: `${caseId}.0`, caseId, type: 'submitted', occurredAt: at(0), itemCode: 'ITEM-1', districtCode: '500101', level: 'district', departmentCode: 'SCJGJ', channel: 'pc', applicant } as CaseEvent;
}

function supplement(caseId: string, note: string): CaseEvent {
  return { eventId: `${caseId}.1`, caseId, type: 'supplement_requested', occurredAt: at(1), itemCode: 'ITEM-1', districtCode: '500101', level: 'district', departmentCode: 'SCJGJ', note } as CaseEvent;
}

describe('CaseApplicants (the live feed’s memory of applicants)', () => {
  it('keeps at most its capacity of cases, oldest forgotten first, however many cases are submitted', () => {
    const book = new CaseApplicants(1_000);
    for (let i = 0; i < 25_000; i++) book.remember([submitted(`C-${i}`, { type: 'person', name: '李晓梅', idNumber: `5001011990${String(i).padStart(8, '0')}`, phone: '13800001111' })]);
    expect(book.size).toBe(1_000);
    expect(book.of('C-0')).toBeUndefined();
    expect(book.of('C-23999')).toBeUndefined();
    expect(book.of('C-24000')).toEqual({ type: 'person', name: '李晓梅', idNumber: '500101199000024000', phone: '13800001111' });
    expect(book.of('C-24999')?.idNumber).toBe('500101199000024999');
  });

  it('a case submitted again moves to the newest end (not evicted as the oldest)', () => {
    const book = new CaseApplicants(3);
    for (const id of ['A', 'B', 'C']) book.remember([submitted(id, { type: 'person', name: id })]);
    book.remember([submitted('A', { type: 'person', name: 'A2' })]);
    book.remember([submitted('D', { type: 'person', name: 'D' })]);
    expect(book.size).toBe(3);
    expect(book.of('B')).toBeUndefined();
    expect(book.of('A')).toEqual({ type: 'person', name: 'A2' });
  });

  it('gives every field back as it came: absent stays absent, empty stays empty, an enterprise stays one', () => {
    const book = new CaseApplicants(10);
    const cases: Applicant[] = [
      { type: 'person', name: '欧阳娜娜', idNumber: '50010119900101123X', phone: '023-6388 1234' },
      { type: 'enterprise', name: '重庆某某科技有限公司', idNumber: '91500000MA5U000000' },
      { type: 'person', name: '', phone: '13800001111' },
      { type: 'person' },
      { type: 'person', name: 'x'.repeat(300) },
    ];
    cases.forEach((a, i) => book.remember([submitted(`K-${i}`, a)]));
    cases.forEach((a, i) => expect(book.of(`K-${i}`)).toStrictEqual(a));
  });

  it('masks a later note with the remembered applicant, and remembers nothing at capacity 0', () => {
    const note = '请李晓梅补交材料，联系电话13800001111';
    const book = new CaseApplicants(10);
    book.toLive(submitted('N-1', { type: 'person', name: '李晓梅', phone: '13800001111' }));
    const masked = book.toLive(supplement('N-1', note)).note!;
    expect(masked).not.toContain('李晓梅');
    expect(masked).not.toContain('13800001111');
    const none = new CaseApplicants(0);
    none.toLive(submitted('N-1', { type: 'person', name: '李晓梅' }));
    expect(none.size).toBe(0);
    expect(none.toLive(supplement('N-1', note)).note).toContain('李晓梅');
  });

  it('LIVE_APPLICANT_CASES sets the bound (default 200,000)', () => {
    expect(loadConfig({}).liveApplicantCases).toBe(200_000);
    expect(loadConfig({ LIVE_APPLICANT_CASES: '5000' }).liveApplicantCases).toBe(5_000);
    expect(() => loadConfig({ LIVE_APPLICANT_CASES: '-1' })).toThrow(/LIVE_APPLICANT_CASES/);
  });
});
