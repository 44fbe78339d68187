import { useMemo } from 'react';
import { listApiUrl, type ListFilters } from './case-list-query.ts';
import { areasUrl, caseUrl, inboxUrl, parseAreas, parseCase, parseCaseList, parseInbox, parseOrders, parsePlaces, parseTrace } from './supervise-api.ts';
import { useFetched } from './useFetched.ts';

/** Counts refresh every 15 s: supervisors look at them for hours, the server answers from memory. */
const REFRESH_MS = 15_000;

export const useAreas = (districtCode: string | null, townshipCode: string | null) => useFetched(areasUrl(districtCode, townshipCode), parseAreas, REFRESH_MS);
export const useInbox = (districtCode: string | null) => useFetched(inboxUrl(districtCode), parseInbox, REFRESH_MS);
export const useCaseList = (filters: ListFilters, limit: number, cursor: string | null, version: number) =>
  useFetched(useMemo(() => listApiUrl(filters, limit, cursor), [filters, limit, cursor]), parseCaseList, REFRESH_MS, version);
export const useCase = (caseId: string, version: number) => useFetched(caseUrl(caseId), parseCase, 0, version);
export const useTrace = (caseId: string, version: number) => useFetched(`${caseUrl(caseId)}/trace`, parseTrace, 0, version);
export const usePlaceNames = (codes: string[]) => {
  const valid = codes.filter((c) => /^\d{9}(\d{3})?$/.test(c));
  return useFetched(valid.length ? `/api/v1/wall/place-names?codes=${valid.join(',')}` : null, parsePlaces);
};
export const useOrders = (query: string) => useFetched(`/api/v1/supervise/orders${query ? `?${query}` : ''}`, parseOrders, REFRESH_MS);
