import type { Applicant } from './event-schema.ts';

/*
 * Masking of applicants' personal data (names, ID numbers, phones) for every output: the wall screen, the
 * API, live events, reports and logs. A masker never throws and never returns more of the input than its
 * rule keeps; anything it does not recognise it masks more, not less.
 */

const MASK = '*';
const ASCII_ALNUM = /^[0-9A-Za-z]$/;

/** Replaces every character `isSecret` accepts with '*', except the first `keepFirst` and last `keepLast` of them. */
function maskInPlace(s: string, isSecret: (ch: string) => boolean, keepFirst: number, keepLast: number): string {
  const chars = Array.from(s);
  const total = chars.filter(isSecret).length;
  let seen = 0;
  return chars
    .map((ch) => {
      if (!isSecret(ch)) return ch;
      const i = seen++;
      return i < keepFirst || i >= total - keepLast ? ch : MASK;
    })
    .join('');
}

/**
 * A person's name: the first character stays (the surname in Chinese order), every other is masked.
 * 张三 → 张*, 欧阳娜娜 → 欧***, John Smith → J*** *****. Spaces and the middle dot of transliterated names
 * (买买提·艾力) stay. A one-character name is masked whole.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.length === 0 ? '' : MASK;
  return chars[0] + chars.slice(1).map((ch) => (/[\s·・]/.test(ch) ? ch : MASK)).join('');
}

/**
 * An identity document number. The 18-digit 居民身份证 keeps its first 3 and last 4 characters, hiding
 * region detail, birth date and most of the sequence: 500118199001011234 → 500***********1234. The old
 * 15-digit card ends YYMMDD + 3 sequence digits, so it keeps only its last 3: the birth date stays hidden.
 * Shorter numbers (passports, permits) keep the first 1 and last 2; under 8 characters everything is masked.
 */
export function maskIdNumber(idNumber: string): string {
  const s = idNumber.trim().normalize('NFKC');
  const isSecret = (ch: string) => ASCII_ALNUM.test(ch);
  const n = Array.from(s).filter(isSecret).length;
  const [first, last] = n >= 8 ? idKeep(n) : [0, 0];
  return maskInPlace(s, isSecret, first, last);
}

/** Characters kept at the start and end of an ID-like number of n characters (n ≥ 8). */
function idKeep(n: number): [number, number] {
  if (n === 15) return [3, 3];
  return n > 15 ? [3, 4] : [1, 2];
}

const MOBILE = /^(?:(?:00)?86)?(1[3-9]\d{9})$/;

/**
 * A phone number. A mainland mobile (with or without +86, spaces or dashes) becomes 138****5678; any other
 * number (a landline such as 023-63851234) keeps its last 4 digits and separators: ***-****1234. A number of
 * fewer than 7 digits is masked whole.
 */
export function maskPhone(phone: string): string {
  const s = phone.trim().normalize('NFKC');
  const digits = s.replace(/\D/g, '');
  const mobile = /^[\d\s()+-]*$/.test(s) ? MOBILE.exec(digits)?.[1] : undefined;
  if (mobile) return `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
  return maskInPlace(s, (ch) => /\d/.test(ch), 0, digits.length >= 7 ? 4 : 0);
}

/**
 * The applicant of an event or case, masked. A person's name is masked; an enterprise's name is public and
 * stays. ID numbers and phones are masked for both: an enterprise's credit code is public, but sources put a
 * legal representative's ID number or a contact's mobile there too. Only the known fields are copied.
 */
export function maskApplicant(applicant: Applicant): Applicant;
export function maskApplicant(applicant: Applicant | undefined): Applicant | undefined;
export function maskApplicant(applicant: Applicant | undefined): Applicant | undefined {
  if (!applicant) return undefined;
  const out: Applicant = { type: applicant.type };
  if (applicant.name !== undefined) out.name = applicant.type === 'enterprise' ? applicant.name : maskName(applicant.name);
  if (applicant.idNumber !== undefined) out.idNumber = maskIdNumber(applicant.idNumber);
  if (applicant.phone !== undefined) out.phone = maskPhone(applicant.phone);
  return out;
}

/**
 * The rule for free text (an event's note, a 督办 reason or resolution, a follow-up note, a log line):
 *
 * - Numbers are found whatever their separators: a number is digits (ASCII or full-width) in groups joined by
 *   up to four separator characters (spaces of any width, dots, middle dots, dashes of any kind, slashes,
 *   underscores, tildes, brackets, plus signs; not commas, which separate items and thousands). Among the groups of one such run, the longest consecutive
 *   groups that read as one of these are masked, separators kept in place:
 *   an 18-character ID number (17 digits and a digit or X) → first 3 and last 4 shown; a 15-digit ID number
 *   → first 3 and last 3; a mainland mobile (maybe after 86/0086) → the prefix, first 3 and last 4; a
 *   landline with its area code (0 and 9–11 more digits, or 86 and the code without 0) → last 4; 16–19 digits
 *   in one run or in groups of four (bank cards) → first 3 and last 4; and a 7–8 digit local number that
 *   follows a phone word (电话, 手机, 联系, tel …) within 8 characters → last 4. A date written YYYY-MM-DD (any
 *   separators) is never read as a phone.
 * - The case's applicant: a person's name (two characters or more) is masked wherever it appears, in any
 *   case and with separators between its characters (张三, 张 三, 买买提·艾力, 买买提艾力) → 张*; the applicant's own
 *   ID number and phone as recorded are masked wherever they appear, whatever their shape. An enterprise's
 *   name is public and shown; its ID number and phone are masked like a person's.
 * - Masking is idempotent: masked text passed again is unchanged.
 */
export interface FreeTextContext {
  /** The case's applicant: a person's name, and any applicant's ID number and phone, are masked in the text. */
  applicant?: Applicant | null | undefined;
  /** Further names of people to mask (e.g. a second applicant named in the case's texts). */
  personNames?: readonly string[] | undefined;
}

// Digits as typed in Chinese text may be full-width (０-９, Ｘ).
const DIGIT_CLASS = '0-9\\uFF10-\\uFF19';
const X_CLASS = 'Xx\\uFF38\\uFF58';
const SEPARATOR_CLASS =
  ' \\t\\u00A0\\u2000-\\u200B\\u202F\\u205F\\u3000' + // spaces of every width
  '\\-\\u2010-\\u2015\\u2212\\uFE58\\uFE63\\uFF0D' + // hyphens, dashes, minus signs
  '.\\u00B7\\u2022\\u2027\\u30FB\\uFF0E\\uFF65' + // dots and middle dots
  '_~/\\\\\\uFF5E\\uFF0F' + // underscores, tildes, slashes (not commas: they part the items of a list, and thousands)
  '()\\uFF08\\uFF09\\[\\]+\\uFF0B'; // brackets around an area code, plus of +86
const GROUP = `[${DIGIT_CLASS}]+[${X_CLASS}]?`;
// After a separator a check character X may stand alone (an ID written digit by digit: 5 0 0 … 3 X).
const NUMBER_RUN = new RegExp(`${GROUP}(?:[${SEPARATOR_CLASS}]{1,4}(?:${GROUP}|[${X_CLASS}]))*`, 'g');
const GROUP_IN_RUN = new RegExp(`${GROUP}|[${X_CLASS}]`, 'g');
const isDigitLike = (ch: string) => /^[0-9Xx\uFF10-\uFF19\uFF38\uFF58]$/.test(ch);
const PHONE_WORD = /(?:电话|手机|联系|座机|固话|热线|致电|来电|拨打|号码|tel|phone|mobile|call)[^0-9\uFF10-\uFF19]{0,8}$/i;
/** The most digits (with a country prefix) any masked kind of number has. */
const MAX_NUMBER_DIGITS = 23;

interface Group {
  start: number;
  end: number;
  /** The group's characters as ASCII digits (and X). */
  digits: string;
}

/** ASCII form of a digit-like character: full-width digits and X to ASCII, x to X. */
function asciiDigit(ch: string): string {
  return ch.normalize('NFKC').toUpperCase();
}

/** An 18-character resident ID number: a region code, a birth date (18xx–20xx), a sequence and a check character. */
const ID_18 = /^[1-8]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]$/;
/** The old 15-digit card: a region code, YYMMDD, a sequence. */
const ID_15 = /^[1-8]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}$/;

/**
 * Which kind of personal number consecutive groups spell, as the digits to keep at start and end, or
 * undefined when they are none. `before` is the text ahead of the first group. One unbroken run of 15
 * digits or more is always masked; numbers written in groups must look like what they are (an ID number's
 * birth date, a landline's area code first), so lists of dates and amounts are left alone.
 */
function classifyNumber(groups: readonly Group[], before: string): [number, number] | undefined {
  const d = groups.map((g) => g.digits).join('');
  const unbroken = groups.length === 1;
  if (unbroken && /^\d{14,}[\dX]$/.test(d)) return d.length === 15 ? [3, 3] : [3, 4];
  if (ID_18.test(d)) return [3, 4];
  if (d.includes('X')) return undefined;
  if (ID_15.test(d)) return [3, 3];
  const mobile = /^(0086|86)?1[3-9]\d{9}$/.exec(d);
  if (mobile) return [(mobile[1]?.length ?? 0) + 3, 4];
  const landline = landlineKeep(groups, d);
  if (landline) return landline;
  if (d.length >= 16 && d.length <= 19 && groups.slice(0, -1).every((g) => g.digits.length === 4)) return [3, 4];
  if (/^[2-9]\d{6,7}$/.test(d) && groups.length <= 2 && groups.every((g) => g.digits.length >= 3) && !isDateShaped(groups) && PHONE_WORD.test(before)) return [0, 4];
  return undefined;
}

/** A landline with its area code: 023-63851234, (023) 6385 1234, +86 23 6385 1234, 02363851234. Keeps the last 4 (and a country prefix). */
function landlineKeep(groups: readonly Group[], d: string): [number, number] | undefined {
  if (groups.length === 1) {
    const m = /^(?:0[1-9]\d{8,10}|(0086|86)[1-9]\d{8,10})$/.exec(d);
    return m ? [m[1]?.length ?? 0, 4] : undefined;
  }
  const prefixed = /^(?:0086|86)$/.test(groups[0]!.digits);
  const rest = prefixed ? groups.slice(1) : groups;
  const digits = rest.map((g) => g.digits).join('');
  const shaped = prefixed ? /^[1-9]\d{8,10}$/.test(digits) && rest[0]!.digits.length >= 2 : /^0[1-9]\d{8,10}$/.test(digits) && rest[0]!.digits.length >= 3;
  if (!shaped || rest.length === 0 || !rest.slice(1).every((g) => g.digits.length >= 3)) return undefined;
  return [prefixed ? groups[0]!.digits.length : 0, 4];
}

/** YYYY-MM-DD or YYYYMMDD with a plausible year, month and day: a date, not a phone. */
function isDateShaped(groups: readonly Group[]): boolean {
  const parts = groups.length === 1 && groups[0]!.digits.length === 8 ? [groups[0]!.digits.slice(0, 4), groups[0]!.digits.slice(4, 6), groups[0]!.digits.slice(6)] : groups.map((g) => g.digits);
  if (parts.length !== 3 || parts[0]!.length !== 4) return false;
  const [y, m, day] = parts.map(Number) as [number, number, number];
  return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && day >= 1 && day <= 31 && parts[1]!.length <= 2 && parts[2]!.length <= 2;
}

/** Masks the personal numbers of one run of digit groups (see the rule above). */
function maskNumberRun(text: string, runStart: number, run: string): string {
  const groups: Group[] = [];
  for (const m of run.matchAll(GROUP_IN_RUN)) {
    groups.push({ start: m.index, end: m.index + m[0].length, digits: Array.from(m[0]).map(asciiDigit).join('') });
  }
  // Groups that spell a date (YYYY-MM-DD, any separators) are never part of a number written in groups, nor
  // does one start with a YYYYMMDD date: 1945-03-20 2001-01-01 00 or YC20110704-0101 1.00 would otherwise
  // read as plausible ID numbers.
  const inDate = groups.map(() => false);
  for (let k = 0; k + 2 < groups.length; k++) {
    if (isDateShaped(groups.slice(k, k + 3))) inDate[k] = inDate[k + 1] = inDate[k + 2] = true;
  }
  let out = '';
  let copied = 0;
  for (let i = 0; i < groups.length; ) {
    // The longest consecutive groups from i that spell a personal number win.
    let last = i;
    let total = 0;
    do total += groups[last++]!.digits.length;
    while (last < groups.length && total + groups[last]!.digits.length <= MAX_NUMBER_DIGITS);
    let matched = false;
    for (let j = last - 1; j >= i; j--) {
      if (j > i && (inDate.slice(i, j + 1).includes(true) || isDateShaped([groups[i]!]))) continue;
      const keep = classifyNumber(groups.slice(i, j + 1), text.slice(Math.max(0, runStart + groups[i]!.start - 16), runStart + groups[i]!.start));
      if (!keep) continue;
      const { start } = groups[i]!;
      const { end } = groups[j]!;
      out += run.slice(copied, start) + maskInPlace(run.slice(start, end), isDigitLike, ...keep);
      copied = end;
      i = j + 1;
      matched = true;
      break;
    }
    if (!matched) i++;
  }
  return out + run.slice(copied);
}

const NAME_JOINER = '[\\s\\u00B7\\u2022\\u2027\\u30FB.\\uFF0E\\-]{0,2}';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern for a literal value (a name, a recorded ID or phone) whatever the separators between its characters. */
function literalPattern(value: string, dropped: RegExp): RegExp | undefined {
  const chars = Array.from(value.normalize('NFKC')).filter((ch) => !dropped.test(ch));
  if (chars.length < 2) return undefined;
  const alternatives = (ch: string) => {
    const forms = new Set([ch, ch.toLowerCase(), ch.toUpperCase()]);
    // The full-width form of an ASCII letter or digit, as typed with a Chinese input method.
    for (const f of [...forms]) if (/^[0-9A-Za-z]$/.test(f)) forms.add(String.fromCodePoint(f.codePointAt(0)! + 0xfee0));
    return `(?:${[...forms].map(escapeRegExp).join('|')})`;
  };
  return new RegExp(chars.map(alternatives).join(NAME_JOINER), 'gu');
}

const NAME_SEPARATORS = /[\s\u00B7\u2022\u2027\u30FB.\uFF0E-]/;
const NUMBER_SEPARATORS = /[^0-9A-Za-z]/;
const isAlnumLike = (ch: string) => /^[0-9A-Za-z]$/.test(ch.normalize('NFKC'));
/** As maskIdNumber keeps, in place (separators and full-width forms stay as written). */
const idKeepOf = (n: number): [number, number] => (n >= 8 ? idKeep(n) : [0, 0]);
/** As maskPhone keeps, in place: a mobile its prefix, first 3 and last 4; another number its last 4. */
function phoneKeepOf(written: string): [number, number] {
  const digits = Array.from(written.normalize('NFKC')).filter((ch) => /\d/.test(ch)).join('');
  const mobile = /^(0086|86)?1[3-9]\d{9}$/.exec(digits);
  if (mobile) return [(mobile[1]?.length ?? 0) + 3, 4];
  return [0, digits.length >= 7 ? 4 : 0];
}
const alnumCount = (s: string) => Array.from(s.normalize('NFKC')).filter((ch) => !NUMBER_SEPARATORS.test(ch)).length;

/**
 * Masks personal data in free text (see the rule above): ID numbers and phones whatever the separators, and,
 * given the case's applicant, its name (a person's) and its recorded ID number and phone wherever they appear.
 */
export function maskFreeText(text: string, context: FreeTextContext = {}): string {
  let out = text;
  const { applicant, personNames = [] } = context;
  const names = [...personNames, ...(applicant?.type === 'person' && applicant.name ? [applicant.name] : [])];
  for (const name of names) {
    const pattern = literalPattern(name.trim(), NAME_SEPARATORS);
    if (pattern) out = out.replace(pattern, (m) => maskName(m));
  }
  if (applicant?.idNumber) {
    const pattern = literalPattern(applicant.idNumber, NUMBER_SEPARATORS);
    if (pattern && alnumCount(applicant.idNumber) >= 6) out = out.replace(pattern, (m) => maskInPlace(m, isAlnumLike, ...idKeepOf(alnumCount(m))));
  }
  if (applicant?.phone) {
    const pattern = literalPattern(applicant.phone, NUMBER_SEPARATORS);
    if (pattern && alnumCount(applicant.phone) >= 6) out = out.replace(pattern, (m) => maskInPlace(m, isAlnumLike, ...phoneKeepOf(m)));
  }
  return out.replace(NUMBER_RUN, (run: string, offset: number, whole: string) => maskNumberRun(whole, offset, run));
}

/** The applicant of a case from its events: its 申办 event's, else the first one recorded. */
export function applicantOfEvents(events: readonly { type: string; applicant?: Applicant | undefined }[]): Applicant | undefined {
  return (events.find((e) => e.type === 'submitted' && e.applicant) ?? events.find((e) => e.applicant))?.applicant;
}

/**
 * An event (or any record with an applicant and a note) with its personal data masked, for outputs such as
 * the live `case:event` and the case timeline. Returns a copy; the input is not changed.
 */
export function maskEvent<T extends { applicant?: Applicant | undefined; note?: string | undefined }>(event: T): T {
  const out = { ...event };
  if (event.applicant !== undefined) out.applicant = maskApplicant(event.applicant);
  if (event.note !== undefined) out.note = maskFreeText(event.note, { applicant: event.applicant });
  return out;
}

const PERSONAL_FIELDS = ['applicant.name', 'applicant.idNumber', 'applicant.phone', 'note'] as const;

/**
 * Paths for pino's `redact` option: the applicant's fields and the free-text note at the top of a log
 * object, one level down (`{ event }`) and in an array one level down (`{ events: [...] }`). Deeper nesting
 * is not covered: log events, not containers of containers.
 */
export const PERSONAL_DATA_PATHS: readonly string[] = Object.freeze(
  PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*[*].${f}`]),
);

/**
 * A censor for pino's `redact` option that masks by field instead of blanking, so logs still show 张* and
 * 138****5678: `redact: { paths: [...PERSONAL_DATA_PATHS], censor: censorPersonalData }`. The key is the
 * last element of the path pino passes. Names are masked even for enterprises, as the path cannot tell.
 */
export function censorPersonalData(value: unknown, path: readonly unknown[]): unknown {
  if (value === undefined || value === null) return value;
  const text = typeof value === 'string' ? value : String(value);
  switch (path[path.length - 1]) {
    case 'name':
      return maskName(text);
    case 'idNumber':
      return maskIdNumber(text);
    case 'phone':
      return maskPhone(text);
    case 'note':
      return maskFreeText(text);
    default:
      return '[Redacted]';
  }
}
