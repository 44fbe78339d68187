import { useState } from 'react';
import { useLiveFeed, type LiveFeed } from '../live/useLiveFeed.ts';
import { replayParamsOf } from './replay-clock.ts';
import { useReplayFeed, type ReplayControls } from './useReplayFeed.ts';

export type WallFeed = LiveFeed & { replay: ReplayControls | null };

/**
 * The wall's data: live (Socket.IO), or a replay when the page was opened at `/?at=…`. The mode is fixed for
 * the page's life (entering or leaving a replay loads the page anew), so the one hook called never changes.
 */
export function useWallFeed(): WallFeed {
  const [params] = useState(() => replayParamsOf(window.location.search));
  if (params) return useReplayFeed(params);
  return { ...useLiveFeed(), replay: null };
}
