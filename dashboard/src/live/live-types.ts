import type { Applicant, CaseEvent, EventType } from '@tongban/shared';

/** A case event as the server pushes it (personal data already masked). */
export type LiveEvent = Omit<CaseEvent, 'applicant'> & { districtName?: string; applicant?: Applicant };

export interface TodayCounts {
  day: string;
  totals: Partial<Record<EventType, number>>;
  districts: Record<string, Partial<Record<EventType, number>>>;
}

export interface Snapshot {
  serverTime: string;
  simulated?: boolean;
  today: TodayCounts;
  recent: LiveEvent[];
}

export interface Stats {
  serverTime: string;
  today: TodayCounts;
}
