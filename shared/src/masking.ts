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

// Digits as typed in Chinese text may be full-width (０-９, Ｘ).
const D = '[0-9\\uFF10-\\uFF19]';
const X = '[0-9Xx\\uFF10-\\uFF19\\uFF38\\uFF58]';
const isDigitLike = (ch: string) => /^[0-9Xx\uFF10-\uFF19\uFF38\uFF58]$/.test(ch);

const FREE_TEXT_PATTERNS: readonly RegExp[] = [
  // A run of 15 or more digits: an ID number (15 or 18 digits, maybe ending in X), also bank cards.
  new RegExp(`(?<!${D})${D}{14,}${X}(?!${D})`, 'g'),
  // An ID number written in groups: 500118 19900101 1234, 500118-1990-0101-1234.
  new RegExp(`(?<!${D})${D}{6}([ -])(?:${D}{8}|${D}{4}\\1${D}{4})\\1${D}{3}${X}(?!${D})`, 'g'),
  // A card number written in groups of four: 6222 0212 3456 7890 (123).
  new RegExp(`(?<!${D})${D}{4}([ -])${D}{4}\\1${D}{4}\\1${D}{4}(?:\\1${D}{1,4})?(?!${D})`, 'g'),
];
// A mainland mobile, maybe with +86/0086/86 and spaces or dashes: 13812345678, 138-1234-5678, +86 138 1234 5678.
const MOBILE_IN_TEXT = new RegExp(`(?<!${D})((?:\\+|00)?86[ -]?)?([1\\uFF11][3-9\\uFF13-\\uFF19]${D}(?:[ -]?${D}{4}){2})(?!${D})`, 'g');

/**
 * Masks ID numbers (15 or 18 digits, with X), long digit runs such as bank cards, and mainland mobile
 * numbers inside free text such as an event's note. Names in free text cannot be recognised reliably and
 * are not touched; landlines are left alone as they are usually an office's number.
 */
export function maskFreeText(text: string): string {
  let out = text;
  for (const pattern of FREE_TEXT_PATTERNS) {
    out = out.replace(pattern, (m) => maskInPlace(m, isDigitLike, ...idKeep(Array.from(m).filter(isDigitLike).length)));
  }
  return out.replace(MOBILE_IN_TEXT, (_m, prefix: string | undefined, number: string) => {
    return (prefix ?? '') + maskInPlace(number, isDigitLike, 3, 4);
  });
}

/**
 * An event (or any record with an applicant and a note) with its personal data masked, for outputs such as
 * the live `case:event` and the case timeline. Returns a copy; the input is not changed.
 */
export function maskEvent<T extends { applicant?: Applicant | undefined; note?: string | undefined }>(event: T): T {
  const out = { ...event };
  if (event.applicant !== undefined) out.applicant = maskApplicant(event.applicant);
  if (event.note !== undefined) out.note = maskFreeText(event.note);
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
