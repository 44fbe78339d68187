import { districtByCode, maskApplicant, maskFreeText, type Applicant, type CaseEvent, type LiveEvent } from '@tongban/shared';

/**
 * What the wall and every live client receive for an event (`case:event`): personal data masked, the note
 * with the case's applicant (the event's own, or the one its case was submitted with) masked too.
 */
export function toLiveEvent(e: CaseEvent, caseApplicant: Applicant | undefined = e.applicant): LiveEvent {
  const { applicant, note, ...rest } = e;
  return {
    ...rest,
    districtName: districtByCode(e.districtCode)?.name ?? null,
    ...(applicant ? { applicant: maskApplicant(applicant) } : {}),
    ...(note !== undefined ? { note: maskFreeText(note, { applicant: applicant ?? caseApplicant }) } : {}),
  };
}

/**
 * The applicants of recently submitted cases, so a later event's note (补正 "请李晓梅补交…") has its case's
 * applicant masked on the live feed. In memory only and bounded: a case submitted before a restart, or longer
 * ago than the last `capacity` cases (LIVE_APPLICANT_CASES), has its note masked by pattern (ID numbers,
 * phones) alone.
 *
 * The one structure of the server that grows with traffic until its bound (docs/notes/soak-heap.md): each
 * applicant is kept as one string (type, field lengths, then the fields), not an object and three strings:
 * ≈157 bytes an entry with its case id and the Map's slot, against 197 (bench/applicants-memory.bench.ts).
 */
export class CaseApplicants {
  private readonly byCase = new Map<string, string | Applicant>();

  constructor(private readonly capacity = 200_000) {}

  get size(): number {
    return this.byCase.size;
  }

  remember(events: readonly CaseEvent[]): void {
    if (this.capacity === 0) return;
    for (const e of events) {
      if (!e.applicant) continue;
      this.byCase.delete(e.caseId);
      this.byCase.set(e.caseId, pack(e.applicant));
      if (this.byCase.size > this.capacity) this.byCase.delete(this.byCase.keys().next().value!);
    }
  }

  of(caseId: string): Applicant | undefined {
    const packed = this.byCase.get(caseId);
    return typeof packed === 'string' ? unpack(packed) : packed;
  }

  /** The live message of an event, remembering its applicant first. */
  toLive(e: CaseEvent): LiveEvent {
    this.remember([e]);
    return toLiveEvent(e, this.of(e.caseId));
  }
}

// Field lengths are one Latin-1 character each (name ≤ 200, idNumber ≤ 64, phone ≤ 32: ApplicantSchema), so a
// packed applicant without Chinese is a one-byte string; an absent field is length 255, so an empty one comes
// back empty and an absent one absent. A longer field (not valid input) keeps the object as it is.
const ABSENT = 255;
const FIELDS = ['name', 'idNumber', 'phone'] as const;

function pack(a: Applicant): string | Applicant {
  if (FIELDS.some((f) => (a[f]?.length ?? 0) >= ABSENT)) return a;
  const lengths = FIELDS.map((f) => String.fromCharCode(a[f] === undefined ? ABSENT : a[f].length)).join('');
  return `${a.type === 'person' ? 'p' : 'e'}${lengths}${FIELDS.map((f) => a[f] ?? '').join('')}`;
}

function unpack(s: string): Applicant {
  const out: Applicant = { type: s[0] === 'p' ? 'person' : 'enterprise' };
  let at = 1 + FIELDS.length;
  FIELDS.forEach((f, i) => {
    const n = s.charCodeAt(1 + i);
    if (n === ABSENT) return;
    out[f] = s.slice(at, at + n);
    at += n;
  });
  return out;
}
