import type { Applicant, CaseEvent, EventType, Level } from '@tongban/shared';

/** A case event as the server pushes it (personal data already masked). */
export type LiveEvent = Omit<CaseEvent, 'applicant'> & { districtName?: string; applicant?: Applicant };

export interface TodayCounts {
  day: string;
  totals: Partial<Record<EventType, number>>;
  districts: Record<string, Partial<Record<EventType, number>>>;
}

export type Warning = 'none' | 'yellow' | 'red';

/** A case as the supervision engine lists it (`GET /api/v1/cases`, `supervision.redList`). */
export interface CaseSummary {
  caseId: string;
  itemCode: string;
  itemName: string;
  districtCode: string;
  districtName: string;
  townshipCode: string | null;
  departmentCode: string | null;
  status: string;
  stage: string;
  level: Level;
  holder: string | null;
  submittedAt: string | null;
  acceptedAt: string | null;
  promisedDeadline: string | null;
  statutoryDeadline: string | null;
  warning: Warning;
  daysOverdue: number;
  workingDaysUsed: number;
}

/** `case:warning`: a case changed rung on the warning ladder. */
export interface CaseWarning {
  caseId: string;
  warning: Warning;
  previous: Warning;
  districtCode: string;
  districtName: string;
  townshipCode?: string | null;
  itemCode: string;
  itemName: string;
  departmentCode: string | null;
  stage: string;
  level: Level;
  holder: string | null;
  promisedDeadline: string | null;
  daysOverdue: number;
  at: string;
}

export interface WarningCounts {
  open: number;
  yellow: number;
  red: number;
}

/** The supervision engine's part of `snapshot` and `stats`. */
export interface SupervisionSummary {
  counts: WarningCounts;
  byLevel: Record<Level, number>;
  byDistrict: Record<string, WarningCounts>;
  /** Red first, then yellow, by days overdue descending; at most 100. */
  redList: CaseSummary[];
}

export interface Snapshot {
  serverTime: string;
  simulated?: boolean;
  today: TodayCounts;
  recent: LiveEvent[];
  supervision?: unknown;
}

export interface Stats {
  serverTime: string;
  today: TodayCounts;
  supervision?: unknown;
}
