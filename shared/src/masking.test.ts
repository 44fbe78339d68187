import { describe, expect, it } from 'vitest';
import type { Applicant, CaseEvent } from './event-schema.ts';
import {
  censorPersonalData,
  maskApplicant,
  maskEvent,
  maskFreeText,
  maskIdNumber,
  maskName,
  maskPhone,
  PERSONAL_DATA_PATHS,
} from './masking.ts';

const ID = '500118199001011234';
const MOBILE = '13812345678';

/** Seeded generator (mulberry32), so a failing case can be repeated. */
function digitsGenerator(seed: number) {
  return (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      s += String(((t ^ (t >>> 14)) >>> 0) % 10);
    }
    return s;
  };
}

describe('maskName', () => {
  it('keeps the surname character and masks every other one', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('李小龙')).toBe('李**');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });

  it('masks latin names the same way, keeping the spaces', () => {
    expect(maskName('John Smith')).toBe('J*** *****');
    expect(maskName('  Li Na ')).toBe('L* **');
  });

  it('keeps the middle dot of a transliterated name', () => {
    expect(maskName('买买提·艾力')).toBe('买**·**');
  });

  it('counts a character outside the Basic Multilingual Plane as one character', () => {
    expect(maskName('𠮷野家')).toBe('𠮷**');
    expect(maskName('张𠮷')).toBe('张*');
  });

  it('masks a one-character name whole and returns empty for empty input', () => {
    expect(maskName('张')).toBe('*');
    expect(maskName('')).toBe('');
    expect(maskName('   ')).toBe('');
  });

  it('leaves an already masked name as it is', () => {
    expect(maskName(maskName('欧阳娜娜'))).toBe('欧***');
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 3 and last 4 characters of an 18-digit resident ID card number, hiding the birth date', () => {
    const masked = maskIdNumber(ID);
    expect(masked).toBe('500***********1234');
    expect(masked).not.toContain('19900101');
    expect(masked).not.toContain('118');
  });

  it('keeps an X checksum as one of the last four', () => {
    expect(maskIdNumber('50011819900101123X')).toBe('500***********123X');
    expect(maskIdNumber(' 50011819900101123x ')).toBe('500***********123x');
  });

  it('keeps only the last 3 of an old 15-digit number, whose birth date (YYMMDD) ends just before them', () => {
    expect(maskIdNumber('500118900101123')).toBe('500*********123');
    expect(maskIdNumber('500118900101123')).not.toContain('0101');
  });

  it('masks full-width digits too', () => {
    expect(maskIdNumber('５００１１８１９９００１０１１２３４')).toBe('500***********1234');
  });

  it('keeps less of shorter document numbers and nothing of very short ones', () => {
    expect(maskIdNumber('E12345678')).toBe('E******78');
    expect(maskIdNumber('1234567')).toBe('*******');
    expect(maskIdNumber('12')).toBe('**');
    expect(maskIdNumber('')).toBe('');
  });

  it('never shows the 11 middle digits of any of 200 generated ID numbers', () => {
    const digits = digitsGenerator(2260);
    for (let i = 0; i < 200; i++) {
      const id = `50${digits(15)}${i % 10 === 0 ? 'X' : digits(1)}`;
      const masked = maskIdNumber(id);
      expect(masked, id).toBe(`${id.slice(0, 3)}${'*'.repeat(11)}${id.slice(14)}`);
      expect(masked, id).not.toContain(id.slice(6, 14));
    }
  });
});

describe('maskPhone', () => {
  it('shows the first 3 and last 4 digits of a mobile number', () => {
    expect(maskPhone(MOBILE)).toBe('138****5678');
    expect(maskPhone(MOBILE)).not.toContain('1234');
  });

  it('recognises a mobile written with +86, spaces or dashes', () => {
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
    expect(maskPhone('0086-138-1234-5678')).toBe('138****5678');
    expect(maskPhone('8613812345678')).toBe('138****5678');
    expect(maskPhone('１３８１２３４５６７８')).toBe('138****5678');
  });

  it('keeps only the last 4 digits of a landline', () => {
    expect(maskPhone('023-63851234')).toBe('***-****1234');
    expect(maskPhone('(023) 6385 1234')).toBe('(***) **** 1234');
    expect(maskPhone('02363851234')).toBe('*******1234');
  });

  it('masks a short number whole and survives empty or digitless input', () => {
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('110')).toBe('***');
    expect(maskPhone('')).toBe('');
    expect(maskPhone('无')).toBe('无');
  });

  it('never shows the middle four digits of any of 200 generated mobile numbers', () => {
    const digits = digitsGenerator(138);
    for (let i = 0; i < 200; i++) {
      const phone = `1${3 + (i % 7)}${digits(9)}`;
      expect(maskPhone(phone), phone).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
    }
  });
});

describe('maskApplicant', () => {
  const person: Applicant = { type: 'person', name: '张三', idNumber: ID, phone: MOBILE };

  it('masks every personal field of a person', () => {
    expect(maskApplicant(person)).toEqual({ type: 'person', name: '张*', idNumber: '500***********1234', phone: '138****5678' });
  });

  it('keeps an enterprise name, which is public, but masks the ID number and phone beside it', () => {
    const enterprise: Applicant = { type: 'enterprise', name: '重庆市永川区某某商贸有限公司', idNumber: '91500118MA5U8XXX0X', phone: MOBILE };
    const masked = maskApplicant(enterprise);
    expect(masked.name).toBe('重庆市永川区某某商贸有限公司');
    expect(masked.idNumber).toBe('915***********XX0X');
    expect(masked.phone).toBe('138****5678');
  });

  it('copies only known fields, adds none that were absent, and leaves the input unchanged', () => {
    const withExtra = { ...person, address: '永川区某街道1号' } as Applicant;
    const masked = maskApplicant(withExtra);
    expect(Object.keys(masked).sort()).toEqual(['idNumber', 'name', 'phone', 'type']);
    expect(maskApplicant({ type: 'person' })).toEqual({ type: 'person' });
    expect(person.name).toBe('张三');
    expect(maskApplicant(undefined)).toBeUndefined();
  });

  it('lets no original digit sequence of the ID or phone through', () => {
    const json = JSON.stringify(maskApplicant(person));
    expect(json).not.toContain('张三');
    expect(json).not.toContain('199001011');
    expect(json).not.toContain('12345');
  });
});

describe('maskFreeText', () => {
  it('masks an ID number and a mobile number inside a Chinese note', () => {
    const note = `申请人身份证号${ID}，联系电话${MOBILE}，请补正材料。`;
    const masked = maskFreeText(note);
    expect(masked).toBe('申请人身份证号500***********1234，联系电话138****5678，请补正材料。');
  });

  it('masks an ID number ending in X and an old 15-digit one', () => {
    expect(maskFreeText('证件50011819900101123X已核验')).toBe('证件500***********123X已核验');
    expect(maskFreeText('旧证500118900101123')).toBe('旧证500*********123');
  });

  it('masks numbers written in groups, with +86, or in full-width digits', () => {
    expect(maskFreeText('身份证 500118 19900101 1234 号')).toBe('身份证 500*** ******** 1234 号');
    expect(maskFreeText('tel: +86 138-1234-5678')).toBe('tel: +86 138-****-5678');
    expect(maskFreeText('电话１３８１２３４５６７８')).toBe('电话１３８****５６７８');
    expect(maskFreeText('退款卡号6222 0212 3456 7890')).toBe('退款卡号622* **** **** 7890');
  });

  it('leaves dates, times, case numbers, item codes and short numbers alone', () => {
    const note = '2025-09-30 14:37 受理，YC20250824-0001，事项 SC-GTGSH-BG，窗口 3 号，补正 5 个工作日，2025-09-30 2025-10-14';
    expect(maskFreeText(note)).toBe(note);
  });

  it('does not mistake a digit in a longer run for a mobile number', () => {
    expect(maskFreeText('编号 213812345678')).toBe('编号 213812345678');
  });

  it('is idempotent and survives empty input', () => {
    const once = maskFreeText(`电话${MOBILE} 身份证${ID}`);
    expect(maskFreeText(once)).toBe(once);
    expect(maskFreeText('')).toBe('');
  });

  it('lets no generated ID or mobile of a note through (seeded)', () => {
    const digits = digitsGenerator(500);
    for (let i = 0; i < 200; i++) {
      const id = `5001${digits(14)}`;
      const phone = `15${digits(9)}`;
      const masked = maskFreeText(`第${i}号：身份证${id}，手机${phone}。`);
      expect(masked, id).not.toContain(id.slice(3, 14));
      expect(masked, phone).not.toContain(phone.slice(3, 7));
    }
  });
});

describe('maskEvent', () => {
  it('masks the applicant and the note of an event and keeps everything else', () => {
    const event: CaseEvent = {
      eventId: 'yc-0001.submitted',
      caseId: 'YC20250824-0001',
      type: 'submitted',
      occurredAt: '2025-08-24T14:37:00+08:00',
      itemCode: 'SC-GTGSH-BG',
      districtCode: '500118',
      level: 'district',
      channel: 'window',
      applicant: { type: 'person', name: '张三', idNumber: ID, phone: MOBILE },
      note: `电话${MOBILE}`,
    };
    const masked = maskEvent(event);
    expect(masked).toEqual({
      ...event,
      applicant: { type: 'person', name: '张*', idNumber: '500***********1234', phone: '138****5678' },
      note: '电话138****5678',
    });
    expect(event.applicant?.name).toBe('张三');
    expect(JSON.stringify(masked)).not.toMatch(/张三|19900101|12345678/);
  });

  it('adds no applicant or note to an event that had none', () => {
    const bare: { eventId: string; caseId: string; note?: string } = { eventId: 'e1', caseId: 'c1' };
    expect(maskEvent(bare)).toEqual(bare);
    expect('applicant' in maskEvent(bare)).toBe(false);
  });
});

describe('logger redaction', () => {
  it('lists the applicant fields and the note at the top, one level down and in arrays', () => {
    for (const f of ['applicant.name', 'applicant.idNumber', 'applicant.phone', 'note']) {
      expect(PERSONAL_DATA_PATHS).toContain(f);
      expect(PERSONAL_DATA_PATHS).toContain(`*.${f}`);
      expect(PERSONAL_DATA_PATHS).toContain(`*[*].${f}`);
    }
  });

  it('censors each field with its own masker, choosing by the last key of the path', () => {
    expect(censorPersonalData('张三', ['event', 'applicant', 'name'])).toBe('张*');
    expect(censorPersonalData(ID, ['applicant', 'idNumber'])).toBe('500***********1234');
    expect(censorPersonalData(13812345678, ['applicant', 'phone'])).toBe('138****5678');
    expect(censorPersonalData(`电话${MOBILE}`, ['events', '0', 'note'])).toBe('电话138****5678');
    expect(censorPersonalData('x', ['secret'])).toBe('[Redacted]');
    expect(censorPersonalData(undefined, ['applicant', 'name'])).toBeUndefined();
  });
});
