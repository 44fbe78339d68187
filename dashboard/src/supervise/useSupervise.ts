import { useMemo } from 'react';
import { listApiUrl, type ListFilters } from './case-list-query.ts';
import { areasUrl, caseUrl, inboxUrl, parseAreas, parseCase, parseCaseList, parseInbox, parseOrders, parsePlaces, parseSettings, parseTrace } from './supervise-api.ts';
import { useFetched } from './useFetched.ts';

/**
 * Pages refresh on the live messages that concern them (`useLiveVersion`, throttled); this slow poll only
 * catches what no message announces (a 督办 issued on another screen, a bad rating's follow-up recorded).
 */
const REFRESH_MS = 60_000;

export const useAreas = (districtCode: string | null, townshipCode: string | null, live = 0) => useFetched(areasUrl(districtCode, townshipCode), parseAreas, REFRESH_MS, live);
export const useInbox = (districtCode: string | null, live = 0) => useFetched(inboxUrl(districtCode), parseInbox, REFRESH_MS, live);
export const useCaseList = (filters: ListFilters, limit: number, cursor: string | null, version: number) =>
  useFetched(useMemo(() => listApiUrl(filters, limit, cursor), [filters, limit, cursor]), parseCaseList, REFRESH_MS, version);
export const useCase = (caseId: string, version: number) => useFetched(caseUrl(caseId), parseCase, 0, version);
export const useTrace = (caseId: string, version: number, enabled = true) => useFetched(enabled ? `${caseUrl(caseId)}/trace` : null, parseTrace, 0, version);
export const usePlaceNames = (codes: string[]) => {
  const valid = codes.filter((c) => /^\d{9}(\d{3})?$/.test(c));
  return useFetched(valid.length ? `/api/v1/wall/place-names?codes=${valid.join(',')}` : null, parsePlaces);
};
export const useOrders = (query: string, live = 0) => useFetched(`/api/v1/supervise/orders${query ? `?${query}` : ''}`, parseOrders, REFRESH_MS, live);
/** The 督办 settings (the issue form's default due date); null for a wall screen, which may not issue one. */
export const useSettings = (enabled: boolean) => useFetched(enabled ? '/api/v1/supervise/settings' : null, parseSettings);
