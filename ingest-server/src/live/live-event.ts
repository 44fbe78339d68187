import { districtByCode, maskApplicant, maskFreeText, type CaseEvent } from '@tongban/shared';

/** What the wall and every live client receive for an event: personal data masked. */
export interface LiveEvent {
  eventId: string;
  caseId: string;
  type: CaseEvent['type'];
  occurredAt: string;
  itemCode?: string;
  districtCode: string;
  districtName?: string;
  townshipCode?: string;
  villageCode?: string;
  level: CaseEvent['level'];
  departmentCode?: string;
  channel?: CaseEvent['channel'];
  actorId?: string;
  applicant?: CaseEvent['applicant'];
  rating?: number;
  visits?: number;
  note?: string;
}

export function toLiveEvent(e: CaseEvent): LiveEvent {
  const { applicant, note, ...rest } = e;
  return {
    ...rest,
    districtName: districtByCode(e.districtCode)?.name,
    ...(applicant ? { applicant: maskApplicant(applicant) } : {}),
    ...(note !== undefined ? { note: maskFreeText(note) } : {}),
  };
}
