import { useEffect, useRef } from 'react';
import { io } from 'socket.io-client';
import { CaseWarningSchema, type CaseWarning } from '@tongban/shared';
import { displayToken } from '../data/display-token.ts';
import { wireParser } from '../data/wire-parse.ts';
import type { ListFilters } from './case-list-query.ts';

const parseWarning = wireParser(CaseWarningSchema, 'case:warning');

/** Pure: whether a case that changed rung may now belong to (or leave) a list with these filters. */
export function warningConcerns(f: ListFilters, w: CaseWarning): boolean {
  if (f.districtCode && w.districtCode !== f.districtCode) return false;
  if (f.townshipCode && w.townshipCode !== f.townshipCode) return false;
  if (f.villageCode && w.villageCode !== f.villageCode) return false;
  if (f.itemCode && w.itemCode !== f.itemCode) return false;
  if (f.warning && w.warning !== f.warning && w.previous !== f.warning) return false;
  return true;
}

/**
 * Calls `onChange` when a case of the list's scope changes rung (`case:warning` over Socket.IO, the
 * district's room when the list names one), so an open list shows a case turning red without a reload.
 * The socket is closed on unmount and when the filters change.
 */
export function useCaseWarnings(filters: ListFilters, onChange: (w: CaseWarning) => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    // A signed-in person's socket carries the session cookie; a wall screen's, its display token.
    const token = displayToken();
    const socket = io({
      transports: ['websocket'],
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      auth: { ...(filters.districtCode ? { district: filters.districtCode } : {}), ...(token ? { token } : {}) },
    });
    socket.on('case:warning', (raw: unknown) => {
      const w = parseWarning(raw);
      if (w && warningConcerns(filters, w)) latest.current(w);
    });
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [filters]);
}
