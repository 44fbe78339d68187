import { useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import { CaseWarningSchema, RatingWarningSchema, SupervisionOverdueSchema, type CaseWarning, type RatingWarning, type SupervisionOverdue } from '@tongban/shared';
import { displayToken } from '../data/display-token.ts';
import { wireParser } from '../data/wire-parse.ts';
import { latestThrottle } from '../live/throttle.ts';

/** The live messages the workspace pages react to. */
export type SuperviseMessage =
  | { name: 'case:warning'; message: CaseWarning }
  | { name: 'supervision:overdue'; message: SupervisionOverdue }
  | { name: 'rating:warning'; message: RatingWarning };

const PARSERS = {
  'case:warning': wireParser(CaseWarningSchema, 'case:warning'),
  'supervision:overdue': wireParser(SupervisionOverdueSchema, 'supervision:overdue'),
  'rating:warning': wireParser(RatingWarningSchema, 'rating:warning'),
} as const;

/** A page's counts are fetched again at most this often on live messages (a Shanghai midnight turns thousands red). */
export const LIVE_REFRESH_MS = 2_000;

/**
 * Calls `onMessage` for each workspace message over Socket.IO (the district's room when a district is
 * named, else the city-wide feed). The socket is closed on unmount and when the district changes.
 */
export function useSuperviseSocket(districtCode: string | null | undefined, onMessage: (m: SuperviseMessage) => void): void {
  const latest = useRef(onMessage);
  latest.current = onMessage;
  useEffect(() => {
    // A signed-in person's socket carries the session cookie; a wall screen's, its display token.
    const token = displayToken();
    const socket = io({
      transports: ['websocket'],
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      auth: { ...(districtCode ? { district: districtCode } : {}), ...(token ? { token } : {}) },
    });
    for (const name of Object.keys(PARSERS) as Array<keyof typeof PARSERS>) {
      socket.on(name, (raw: unknown) => {
        const message = PARSERS[name](raw);
        if (message) latest.current({ name, message } as SuperviseMessage);
      });
    }
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [districtCode]);
}

/**
 * A version number that moves (at most once per LIVE_REFRESH_MS) when a live message `concerns` the page:
 * given to a fetch hook, the page's answer is fetched again without a reload.
 */
export function useLiveVersion(districtCode: string | null | undefined, concerns: (m: SuperviseMessage) => boolean): number {
  const [version, setVersion] = useState(0);
  const test = useRef(concerns);
  test.current = concerns;
  const throttle = useRef<ReturnType<typeof latestThrottle<number>>>(undefined);
  useEffect(() => {
    const t = latestThrottle<number>(LIVE_REFRESH_MS, () => setVersion((v) => v + 1));
    throttle.current = t;
    return () => t.cancel();
  }, []);
  useSuperviseSocket(districtCode, (m) => {
    if (test.current(m)) throttle.current?.push(1);
  });
  return version;
}

/** Pure: whether a live message may change an area overview or the inbox of `districtCode` (null: the city). */
export function concernsArea(districtCode: string | null, m: SuperviseMessage): boolean {
  if (districtCode === null) return true;
  return m.message.districtCode === districtCode || (m.name === 'supervision:overdue' && m.message.districtCode === null);
}
