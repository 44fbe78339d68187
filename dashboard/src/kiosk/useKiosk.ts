import { useEffect, useState } from 'react';
import type { DisplayConfig } from '@tongban/shared';
import { feedSilentTooLong, msUntilShanghaiTime, nextScreen } from './kiosk-schedule.ts';

const WATCHDOG_CHECK_MS = 10_000;
/** A daily reload whose page did not answer is tried again this much later. */
const RELOAD_RETRY_MS = 60_000;
/** A probe of the page not answered by then counts as not served (a hung server never blocks the watchdog). */
const PROBE_TIMEOUT_MS = 15_000;

/**
 * Reloads only once the server answers the page itself: a reload into a server that is down or refusing
 * would leave the screen on the browser's error page, with no script left to try again. Resolves whether
 * it reloaded.
 */
export async function reloadWhenServed(reload: () => void = () => window.location.reload()): Promise<boolean> {
  try {
    const res = await fetch(window.location.href, { cache: 'no-store', credentials: 'same-origin', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (!res.ok) return false;
  } catch {
    return false;
  }
  reload();
  return true;
}

/**
 * A wall that runs for weeks without a person: reloads itself daily at the display's quiet hour, and when
 * the live feed has been silent longer than the display allows (the socket's own reconnection failed to
 * bring it back). `reload` is injectable for tests; every timer goes on unmount.
 */
export function useKiosk(config: DisplayConfig | undefined, lastMessageAt: () => number, reload: () => void = () => window.location.reload()): void {
  const reloadAt = config?.reloadAt ?? null;
  const watchdogSeconds = config?.watchdogSeconds;
  useEffect(() => {
    if (!reloadAt) return;
    let t: ReturnType<typeof setTimeout>;
    let gone = false;
    const attempt = () =>
      void reloadWhenServed(() => gone || reload()).then((done) => {
        if (!done && !gone) t = setTimeout(attempt, RELOAD_RETRY_MS);
      });
    t = setTimeout(attempt, msUntilShanghaiTime(Date.now(), reloadAt));
    return () => {
      gone = true;
      clearTimeout(t);
    };
  }, [reloadAt, reload]);
  useEffect(() => {
    if (watchdogSeconds === undefined) return;
    let probing = false;
    let gone = false;
    // A failed probe is tried again at the next check, while the feed stays silent; none reloads after unmount.
    const t = setInterval(() => {
      if (probing || !feedSilentTooLong(Date.now(), lastMessageAt(), watchdogSeconds)) return;
      probing = true;
      void reloadWhenServed(() => gone || reload()).finally(() => (probing = false));
    }, WATCHDOG_CHECK_MS);
    return () => {
      gone = true;
      clearInterval(t);
    };
  }, [watchdogSeconds, lastMessageAt, reload]);
}

/** The index of the screen shown now: each stays its `seconds`, then the next; a single screen is pinned. */
export function useRotation(config: DisplayConfig | undefined): number {
  const [index, setIndex] = useState(0);
  const screens = config?.screens;
  const current = screens ? Math.min(index, screens.length - 1) : 0;
  const seconds = screens?.[current]?.seconds;
  useEffect(() => {
    if (!screens || screens.length <= 1 || seconds === undefined) return;
    const t = setTimeout(() => setIndex(nextScreen(screens, current)), seconds * 1000);
    return () => clearTimeout(t);
  }, [screens, current, seconds]);
  return current;
}
