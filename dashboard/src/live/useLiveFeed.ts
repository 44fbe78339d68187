import { useEffect, useReducer } from 'react';
import { io } from 'socket.io-client';
import { feedReducer, initialFeedState, type FeedState } from './feed-state.ts';
import type { LiveEvent, Snapshot, Stats } from './live-types.ts';

/**
 * The wall's live connection: snapshot on (re)connect, then case events and stats. Socket.IO reconnects
 * by itself with back-off; everything is torn down on unmount. Events arriving in one animation frame
 * are applied together so a burst costs one render.
 */
export function useLiveFeed(): FeedState {
  const [state, dispatch] = useReducer(feedReducer, initialFeedState);
  useEffect(() => {
    const socket = io({ transports: ['websocket'], reconnectionDelay: 1000, reconnectionDelayMax: 10_000 });
    let queued: LiveEvent[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const events = queued;
      queued = [];
      dispatch({ type: 'events', events });
    };
    socket.on('connect', () => dispatch({ type: 'connection', connection: 'live' }));
    socket.on('disconnect', () => dispatch({ type: 'connection', connection: 'reconnecting' }));
    socket.on('snapshot', (snapshot: Snapshot) => dispatch({ type: 'snapshot', snapshot }));
    socket.on('stats', (stats: Stats) => dispatch({ type: 'stats', stats }));
    socket.on('case:event', (e: LiveEvent) => {
      queued.push(e);
      frame ||= requestAnimationFrame(flush);
    });
    return () => {
      cancelAnimationFrame(frame);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, []);
  return state;
}
