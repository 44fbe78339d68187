import type { LiveEvent, Snapshot, Stats, TodayCounts } from './live-types.ts';

export const FEED_LENGTH = 30;

export type Connection = 'connecting' | 'live' | 'reconnecting';

export interface FeedState {
  connection: Connection;
  simulated: boolean;
  today: TodayCounts | undefined;
  /** Newest first, at most FEED_LENGTH, no event twice. */
  feed: LiveEvent[];
  lastEventAt: string | undefined;
}

export const initialFeedState: FeedState = { connection: 'connecting', simulated: false, today: undefined, feed: [], lastEventAt: undefined };

export type FeedAction =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'events'; events: LiveEvent[] }
  | { type: 'stats'; stats: Stats }
  | { type: 'connection'; connection: Connection };

/** Pure: the wall's live state after one server message. */
export function feedReducer(state: FeedState, action: FeedAction): FeedState {
  switch (action.type) {
    case 'snapshot':
      return {
        ...state,
        simulated: action.snapshot.simulated ?? false,
        today: action.snapshot.today,
        feed: mergeFeed(action.snapshot.recent, state.feed),
        lastEventAt: action.snapshot.recent[0]?.occurredAt ?? state.lastEventAt,
      };
    case 'events': {
      if (!action.events.length) return state;
      const newestFirst = [...action.events].reverse();
      return { ...state, feed: mergeFeed(newestFirst, state.feed), lastEventAt: newestFirst[0]!.occurredAt };
    }
    case 'stats':
      return { ...state, today: action.stats.today };
    case 'connection':
      return { ...state, connection: action.connection };
  }
}

function mergeFeed(front: LiveEvent[], rest: LiveEvent[]): LiveEvent[] {
  const seen = new Set<string>();
  const out: LiveEvent[] = [];
  for (const e of [...front, ...rest]) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    out.push(e);
    if (out.length === FEED_LENGTH) break;
  }
  return out;
}
