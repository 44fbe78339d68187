import { districtByCode, maskApplicant, maskFreeText, type CaseEvent, type LiveEvent } from '@tongban/shared';

/** What the wall and every live client receive for an event (`case:event`): personal data masked. */
export function toLiveEvent(e: CaseEvent): LiveEvent {
  const { applicant, note, ...rest } = e;
  return {
    ...rest,
    districtName: districtByCode(e.districtCode)?.name ?? null,
    ...(applicant ? { applicant: maskApplicant(applicant) } : {}),
    ...(note !== undefined ? { note: maskFreeText(note) } : {}),
  };
}
