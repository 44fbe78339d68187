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
 * ago than the last `capacity` cases, has its note masked by pattern (ID numbers, phones) alone.
 */
export class CaseApplicants {
  private readonly byCase = new Map<string, Applicant>();

  constructor(private readonly capacity = 200_000) {}

  remember(events: readonly CaseEvent[]): void {
    for (const e of events) {
      if (!e.applicant) continue;
      this.byCase.delete(e.caseId);
      this.byCase.set(e.caseId, e.applicant);
      if (this.byCase.size > this.capacity) this.byCase.delete(this.byCase.keys().next().value!);
    }
  }

  of(caseId: string): Applicant | undefined {
    return this.byCase.get(caseId);
  }

  /** The live message of an event, remembering its applicant first. */
  toLive(e: CaseEvent): LiveEvent {
    this.remember([e]);
    return toLiveEvent(e, this.of(e.caseId));
  }
}
