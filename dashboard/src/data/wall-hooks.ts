import { useEffect, useRef, useState } from 'react';
import { shanghaiMonth, type AreaOverview, type DisplayConfig, type HourlyTrend, type TodayRates, type WallRankingRow } from '@tongban/shared';
import { fetchRemote, type Remote } from './remote.ts';
import { usePolled } from './usePolled.ts';
import { parseDisplayConfig, parseTownships, parseHourlyTrend, parseItemNames, parsePlaceNames, parseRanking, parseTodayRates, parseWudu, type Wudu } from './wall-api.ts';

const MINUTE = 60_000;

/** 五度 of the city for this month so far (metrics engine); of the month of `atMs` on a replaying wall. */
export function useCityWudu(atMs?: number): Remote<Wudu> {
  return usePolled(`/api/v1/metrics/wudu?period=${shanghaiMonth(atMs ?? Date.now())}`, 5 * MINUTE, parseWudu);
}

/** 五度 of one district for this month so far; nothing while no district is selected. */
export function useDistrictWudu(districtCode: string | undefined, atMs?: number): Remote<Wudu> {
  const url = districtCode ? `/api/v1/metrics/wudu?period=${shanghaiMonth(atMs ?? Date.now())}&districtCode=${encodeURIComponent(districtCode)}` : null;
  return usePolled(url, 5 * MINUTE, parseWudu);
}

/** Districts ranked by efficiency index for this month so far (metrics engine). */
export function useDistrictRanking(atMs?: number): Remote<NonNullable<ReturnType<typeof parseRanking>>> {
  return usePolled(`/api/v1/metrics/ranking?period=${shanghaiMonth(atMs ?? Date.now())}&scope=district`, 5 * MINUTE, parseRanking);
}

/**
 * A district's townships with their open, yellow and red cases (the district screen's tiles), every 15 s;
 * nothing without a district. The server confines a district's display to its own district.
 */
export function useDistrictTownships(districtCode: string | undefined): Remote<AreaOverview> {
  return usePolled(districtCode ? `/api/v1/wall/townships?districtCode=${encodeURIComponent(districtCode)}` : null, 15_000, parseTownships);
}

/** Today's submissions per hour against the same weekday last week. */
export function useHourlyTrend(): Remote<HourlyTrend> {
  return usePolled('/api/v1/wall/hourly-trend', 30_000, parseHourlyTrend);
}

/** Today's on-time and good-rating rates. */
export function useTodayRates(): Remote<TodayRates> {
  return usePolled('/api/v1/wall/today-rates', 30_000, parseTodayRates);
}

/** Item code → name, for the feed and the red flags. */
export function useItemNames(): Remote<Record<string, string>> {
  return usePolled('/api/v1/wall/item-names', 10 * MINUTE, parseItemNames);
}

const PLACE_CACHE_LIMIT = 2_000;

/**
 * Names of townships and villages the feed shows. Codes not yet known are asked for in one request;
 * answers are kept (bounded) for the life of the wall.
 */
export function usePlaceNames(codes: string[]): Record<string, string> {
  const cache = useRef(new Map<string, string>());
  const asked = useRef(new Set<string>());
  const [, setVersion] = useState(0);
  // Requests outlive re-renders (the cards change every second) and are cancelled only on unmount.
  const unmounted = useRef<AbortController | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    unmounted.current = abort;
    return () => abort.abort();
  }, []);
  const missing = codes.filter((c) => !cache.current.has(c) && !asked.current.has(c));
  const key = missing.sort().join(',');
  useEffect(() => {
    if (!key) return;
    for (const c of key.split(',')) asked.current.add(c);
    void fetchRemote(`/api/v1/wall/place-names?codes=${key}`, parsePlaceNames, unmounted.current?.signal).then(
      (r) => {
        // Not answered (server away): these stay asked, so no request storm; the set is
        // cleared when it grows past its limit, which retries them eventually.
        if (r.state !== 'ok') return;
        for (const [code, name] of Object.entries(r.data)) cache.current.set(code, name);
        if (cache.current.size > PLACE_CACHE_LIMIT) cache.current = new Map([...cache.current].slice(-PLACE_CACHE_LIMIT / 2));
        if (asked.current.size > PLACE_CACHE_LIMIT) asked.current.clear();
        setVersion((v) => v + 1);
      },
      () => undefined, // unmounted
    );
  }, [key]);
  const out: Record<string, string> = {};
  for (const c of codes) {
    const name = cache.current.get(c);
    if (name) out[c] = name;
  }
  return out;
}

/** This display's configuration (screens, rotation, reload hour, watchdog, alarms), re-read every 10 minutes. */
export function useDisplayConfig(): Remote<DisplayConfig> {
  return usePolled('/api/v1/display', 10 * MINUTE, parseDisplayConfig);
}
