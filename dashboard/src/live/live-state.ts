import { feedAfterEvents, feedAfterQuiet, feedAfterSnapshot, initialFeed, type FeedState } from './feed-state.ts';
import type { CaseWarning, LiveEvent, Snapshot, Stats, SupervisionOverview, TodayCounts } from '@tongban/shared';
import { applyWarnings, redFlagsFromList, type RedFlag } from './red-flags.ts';

export type Connection = 'connecting' | 'live' | 'reconnecting';

export interface LiveState {
  connection: Connection;
  /** Reconnection attempts since the connection was lost (0 while live). */
  attempt: number;
  simulated: boolean;
  /** Changes with every batch of events (immediate). */
  feed: FeedState;
  /** Change with snapshot and stats only (at most twice a second). */
  today: TodayCounts | undefined;
  /** Undefined until a snapshot brings it (or on a server without the supervision engine). */
  supervision: SupervisionOverview | undefined;
  /** The server's red list, with `case:warning`s applied as they come. */
  redFlags: RedFlag[];
}

export const initialLiveState: LiveState = {
  connection: 'connecting',
  attempt: 0,
  simulated: false,
  feed: initialFeed,
  today: undefined,
  supervision: undefined,
  redFlags: [],
};

export type LiveAction =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'batch'; events: LiveEvent[]; warnings: CaseWarning[]; now: number }
  | { type: 'quiet'; now: number }
  | { type: 'stats'; stats: Stats }
  | { type: 'connection'; connection: Connection; attempt?: number };

/** Pure: the wall's live state after one (batched) server message. Unchanged parts keep their identity. */
export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'snapshot': {
      const supervision = action.snapshot.supervision ?? undefined;
      return {
        ...state,
        simulated: action.snapshot.simulated,
        feed: feedAfterSnapshot(state.feed, action.snapshot.recent),
        today: action.snapshot.today,
        supervision,
        redFlags: supervision ? redFlagsFromList(supervision.redList) : [],
      };
    }
    case 'batch': {
      const feed = action.events.length ? feedAfterEvents(state.feed, action.events, action.now) : state.feed;
      const redFlags = applyWarnings(state.redFlags, action.warnings);
      if (feed === state.feed && redFlags === state.redFlags) return state;
      return { ...state, feed, redFlags };
    }
    case 'quiet': {
      const feed = feedAfterQuiet(state.feed, action.now);
      return feed === state.feed ? state : { ...state, feed };
    }
    case 'stats': {
      const supervision = action.stats.supervision ?? state.supervision;
      return {
        ...state,
        today: action.stats.today,
        supervision,
        redFlags: supervision && supervision !== state.supervision ? redFlagsFromList(supervision.redList) : state.redFlags,
      };
    }
    case 'connection': {
      const attempt = action.connection === 'live' ? 0 : (action.attempt ?? state.attempt);
      return action.connection === state.connection && attempt === state.attempt ? state : { ...state, connection: action.connection, attempt };
    }
  }
}
