import { useEffect, useState } from 'react';
import type { DisplayConfig } from '@tongban/shared';
import { feedSilentTooLong, msUntilShanghaiTime, nextScreen } from './kiosk-schedule.ts';

const WATCHDOG_CHECK_MS = 10_000;

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
    const t = setTimeout(reload, msUntilShanghaiTime(Date.now(), reloadAt));
    return () => clearTimeout(t);
  }, [reloadAt, reload]);
  useEffect(() => {
    if (watchdogSeconds === undefined) return;
    const t = setInterval(() => {
      if (feedSilentTooLong(Date.now(), lastMessageAt(), watchdogSeconds)) reload();
    }, WATCHDOG_CHECK_MS);
    return () => clearInterval(t);
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
