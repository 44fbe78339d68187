import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

describe('maskFreeText: numbers whatever the separators', () => {
  it('masks the ID numbers and phones the issue names, written with dots, spaces and full-width forms', () => {
    expect(maskFreeText('身份证500118.19900101.1234，电话138.1234.5678')).toBe('身份证500***.********.1234，电话138.****.5678');
    expect(maskFreeText('手机 138 1234 5678')).toBe('手机 138 **** 5678');
    expect(maskFreeText('联系＋86 138-1234-5678')).toBe('联系＋86 138-****-5678');
    expect(maskFreeText('证号５００１１８．１９９００１０１．１２３Ｘ')).toBe('证号５００***．********．１２３Ｘ');
    expect(maskFreeText('旧证 500118-900101-123')).toBe('旧证 500***-******-123');
  });

  it('masks a landline with its area code, and a bare local number after a phone word', () => {
    expect(maskFreeText('企业联系电话023-63851234')).toBe('企业联系电话***-****1234');
    expect(maskFreeText('座机 (023) 6385 1234')).toBe('座机 (***) **** 1234');
    expect(maskFreeText('+86 23 6385 1234')).toBe('+86 ** **** 1234');
    expect(maskFreeText('电话：63851234')).toBe('电话：****1234');
    expect(maskFreeText('共 63851234 元')).toBe('共 63851234 元');
  });

  it('leaves lists of dates, times and amounts alone', () => {
    const note = '补正 2025-09-30、2025-10-14、2025-11-03；电话回访 2025-10-14 10:30；金额 1,234,567.89 元；第 3 4 5 号窗口';
    expect(maskFreeText(note)).toBe(note);
  });

  it('masks a bank card written in groups of four', () => {
    expect(maskFreeText('卡号 6222-0212-3456-7890-123')).toBe('卡号 622*-****-****-***0-123');
  });
});

describe("maskFreeText: the case's applicant", () => {
  const person: Applicant = { type: 'person', name: '欧阳娜娜', idNumber: 'E12345678', phone: '023-6385-1234' };

  it("masks a person's name wherever it appears, with separators between its characters too", () => {
    expect(maskFreeText('申请人欧阳娜娜来电，欧阳 娜娜称材料已交', { applicant: person })).toBe('申请人欧***来电，欧* **称材料已交');
    expect(maskFreeText('买买提艾力与买买提·艾力', { applicant: { type: 'person', name: '买买提·艾力' } })).toBe('买****与买**·**');
  });

  it("masks the applicant's recorded ID number and phone whatever their shape", () => {
    expect(maskFreeText('护照 e 1234 5678，电话 02363851234', { applicant: person })).toBe('护照 e **** **78，电话 *******1234');
  });

  it("keeps the applicant's mobile masked as a mobile when written with dots, in place", () => {
    expect(maskFreeText('电话139.1234.5678', { applicant: { type: 'person', phone: '13912345678' } })).toBe('电话139.****.5678');
  });

    it("shows an enterprise's name but masks its contact phone", () => {
    const enterprise: Applicant = { type: 'enterprise', name: '重庆某某商贸有限公司', phone: '13812345678' };
    expect(maskFreeText('重庆某某商贸有限公司联系人手机13812345678', { applicant: enterprise })).toBe('重庆某某商贸有限公司联系人手机138****5678');
  });

  it('leaves a one-character name alone (it would mask every such character) and text without the name unchanged', () => {
    expect(maskFreeText('张先生来电', { applicant: { type: 'person', name: '张' } })).toBe('张先生来电');
    expect(maskFreeText('材料齐全', { applicant: person })).toBe('材料齐全');
  });

  it('is idempotent with an applicant', () => {
    const once = maskFreeText('欧阳娜娜 E12345678 023-6385-1234', { applicant: person });
    expect(maskFreeText(once, { applicant: person })).toBe(once);
  });
});

describe('maskFreeText: property (fast-check, seeded)', () => {
  const SURNAMES = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '马', '胡', '郭', '何', '罗', '谢', '冉', '谭'];
  const COMPOUND = ['欧阳', '司马', '诸葛', '上官', '东方', '慕容', '皇甫', '令狐', '尉迟', '长孙'];
  const GIVEN = Array.from('伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰华玲梅建国红燕飞鹏宇浩然');
  const UYGHUR = ['买买提', '艾力', '阿依古丽', '古丽', '努尔', '热依拉', '艾合买提', '吐尔逊'];
  // Filler holds no digit and none of the given-name characters, so a datum is the only personal thing in the text.
  const FILLER = Array.from('申请人来窗口办理营业执照变更称材料已补齐请尽快受理并回复当事人对结果不满意要求复核。，；：（）');
  const SEPARATORS = [' ', '-', '.', '．', '－', '—', '　', '·', '/', ' - ', '_', '\u00A0', '~', ' . ', '‐'];
  const REGIONS = ['500118', '500101', '110101', '310115', '440305', '510107', '650102', '810000'];

  const filler = fc.array(fc.constantFrom(...FILLER), { maxLength: 12 }).map((cs) => cs.join(''));
  // Between two numbers at least one word: two numbers written with nothing between them are one number.
  const gap = fc.array(fc.constantFrom(...FILLER), { minLength: 1, maxLength: 12 }).map((cs) => cs.join(''));
  const fullWidth = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0));
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((ds) => ds.join(''));
  const birth = fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2012-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10).replace(/-/g, ''));
  /** ISO 7064 MOD 11-2, the check character of GB 11643. */
  const checkChar = (body: string) => '10X98765432'[Array.from(body).reduce((sum, c, i) => sum + Number(c) * (2 ** (17 - i) % 11), 0) % 11]!;

  const id18 = fc.tuple(fc.constantFrom(...REGIONS), birth, digits(3)).map(([r, b, s]) => `${r}${b}${s}${checkChar(`${r}${b}${s}`)}`);
  const id15 = fc.tuple(fc.constantFrom(...REGIONS), birth, digits(3)).map(([r, b, s]) => `${r}${b.slice(2)}${s}`);
  const mobile = fc.tuple(fc.constantFrom('3', '4', '5', '6', '7', '8', '9'), digits(9)).map(([second, rest]) => `1${second}${rest}`);
  const landline = fc.tuple(fc.constantFrom('023', '010', '021', '0571', '0755', '0991'), fc.constantFrom('6', '8', '4', '2', '5'), fc.integer({ min: 6, max: 7 }).chain(digits)).map(([area, first, rest]) => ({ area, local: `${first}${rest}` }));

  /** Splits a string at the given lengths (the last part takes the rest). */
  const split = (s: string, lengths: readonly number[]) => {
    const parts: string[] = [];
    let at = 0;
    for (const n of lengths) if (at < s.length) parts.push(s.slice(at, (at += n)));
    if (at < s.length) parts.push(s.slice(at));
    return parts;
  };
  const written = (parts: fc.Arbitrary<string[]>) =>
    fc.tuple(parts, fc.constantFrom(...SEPARATORS), fc.boolean(), fc.boolean()).map(([ps, sep, wide, lower]) => {
      const text = ps.join(sep);
      return (wide ? fullWidth : (t: string) => t)(lower ? text.replace('X', 'x') : text);
    });

  interface Datum {
    kind: string;
    raw: string;
    /** Digit (or name) strings that must not appear in the output's compact form. */
    secrets: string[];
  }
  const digitsOf = (s: string) => s.normalize('NFKC').replace(/[^0-9X]/gi, '').toUpperCase();

  const idDatum = fc
    .oneof(id18, id15)
    .chain((id) =>
      written(fc.constantFrom(id.length === 18 ? [6, 8, 4] : [6, 6, 3], [6, 4, 4, 4], [3, 3, 4, 4, 4], [id.length], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]).map((ls) => split(id, ls))).map(
        (raw): Datum => ({ kind: 'id', raw, secrets: [id, id.length === 18 ? id.slice(6, 14) : id.slice(6, 12)] }),
      ),
    );
  const mobileDatum = fc.tuple(mobile, fc.constantFrom('', '+86 ', '＋86 ', '0086-', '86', '(+86)')).chain(([m, prefix]) =>
    written(fc.constantFrom([3, 4, 4], [3, 8], [11], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]).map((ls) => split(m, ls))).map((raw): Datum => ({ kind: 'mobile', raw: prefix + raw, secrets: [m, m.slice(3, 7) + m.slice(7)] })),
  );
  const landlineDatum = fc.tuple(landline, fc.boolean()).chain(([{ area, local }, abroad]) =>
    fc.constantFrom(
      [area, local],
      [area, local.slice(0, local.length - 4), local.slice(-4)],
      [`(${area})`, local],
      [`${area}${local}`],
    ).chain((parts) =>
      fc.constantFrom(...SEPARATORS).map((sep): Datum => {
        const text = parts.join(sep);
        const raw = abroad ? `+86 ${text.replace(/^\(?0/, (m) => m.slice(0, -1))}` : text;
        return { kind: 'landline', raw, secrets: [`${area}${local}`.slice(1), local] };
      }),
    ),
  );
  const nameOf = fc.oneof(
    fc.tuple(fc.constantFrom(...SURNAMES), fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 3 })).map(([s, g]) => s + g.join('')),
    fc.tuple(fc.constantFrom(...COMPOUND), fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 2 })).map(([s, g]) => s + g.join('')),
    fc.tuple(fc.constantFrom(...UYGHUR), fc.constantFrom(...UYGHUR)).map(([a, b]) => `${a}·${b}`),
  );

  it('never lets a generated ID number, phone or the applicant name through, in any shape, inside Chinese text', () => {
    fc.assert(
      fc.property(
        nameOf,
        fc.array(fc.tuple(filler, fc.oneof(idDatum, mobileDatum, landlineDatum), gap), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', ' ', '·', '.'),
        (name, pieces, nameSep) => {
          const writtenName = nameSep ? Array.from(name.replace('·', '')).join(nameSep) : name;
          const text = `${writtenName}${pieces.map(([a, d, b]) => a + d.raw + b).join('')}申请人${name}`;
          const out = maskFreeText(text, { applicant: { type: 'person', name } });
          // Compact form: full-width to ASCII, separators gone, masks kept (so kept ends of two numbers never join).
          const compact = out.normalize('NFKC').replace(/[^0-9X*\p{Script=Han}]/giu, '').toUpperCase();
          for (const [, d] of pieces) {
            expect(out, `${d.kind} ${d.raw}`).not.toContain(d.raw);
            for (const secret of d.secrets) expect(compact, `${d.kind} ${d.raw}: ${secret}`).not.toContain(digitsOf(secret));
          }
          expect(out).not.toContain(name);
          expect(compact).not.toContain(name.replace('·', ''));
          expect(maskFreeText(out, { applicant: { type: 'person', name } })).toBe(out);
        },
      ),
      { seed: 20251010, numRuns: 2000 },
    );
  });

  it('changes nothing in generated text without personal data (dates, times, case numbers, amounts)', () => {
    const date = birth.map((b) => `${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6)}`);
    const piece = fc.oneof(
      date,
      fc.tuple(date, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([d, h, m]) => `${d} ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
      birth.chain((b) => digits(4).map((n) => `YC${b}-${n}`)),
      fc.integer({ min: 1, max: 60 }).map((n) => `${n}个工作日`),
      fc.integer({ min: 1, max: 9_999_999 }).map((n) => `${n.toLocaleString('en-US')}.00元`),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(filler, piece), { minLength: 1, maxLength: 5 }), fc.constantFrom('，', '、', ' ', '；'), (pieces, sep) => {
        const text = pieces.map(([a, p]) => a + p).join(sep);
        expect(maskFreeText(text)).toBe(text);
      }),
      { seed: 20251011, numRuns: 1000 },
    );
  });
});
