import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import { RepeatFilter } from './repeat-filter.ts';
import { ArrivalBus, OverdueBus, WarningBus, type SubscribeArrivals, type SubscribeOverdue, type SubscribeWarnings } from './arrival-bus.ts';
import { CaseItems } from './case-items.ts';
import { pendingCardDue } from './feed-state.ts';
import { initialLiveState, liveReducer, type LiveState } from './live-state.ts';
import { CaseWarningSchema, LiveEventSchema, SnapshotSchema, StatsSchema, SupervisionOverdueSchema, type CaseWarning, type LiveEvent, type Stats } from '@tongban/shared';
import { displayToken } from '../data/display-token.ts';
import { wireParser } from '../data/wire-parse.ts';
import { latestThrottle } from './throttle.ts';

/** Stats re-render the wall at most this often; the feed does not wait. */
export const STATS_INTERVAL_MS = 500;
/**
 * A batch is applied at the next animation frame, or after this long if frames are slow to come (a busy
 * or hidden page): the feed's DOM is never held back by the compositor.
 */
const FLUSH_FALLBACK_MS = 50;
/** Events held for one flush beyond which the oldest are dropped: only the newest can be seen anyway. */
const MAX_QUEUED = 5_000;

// A message that does not match the wire contract is logged once and ignored: it never reaches the state.
const parseSnapshot = wireParser(SnapshotSchema, 'a snapshot');
const parseStats = wireParser(StatsSchema, 'a stats message');
const parseEvent = wireParser(LiveEventSchema, 'a case:event');
const parseWarning = wireParser(CaseWarningSchema, 'a case:warning');
const parseOverdue = wireParser(SupervisionOverdueSchema, 'a supervision:overdue');

/**
 * The wall's live connection: snapshot on (re)connect, then case events, warnings and stats. Socket.IO
 * reconnects by itself with back-off, and the snapshot it gets on reconnecting catches the wall up.
 * Events and warnings arriving within one animation frame are applied together (one render per frame
 * however fast they come); stats are throttled to two renders a second. Everything is torn down on unmount.
 */
export interface LiveFeed {
  live: LiveState;
  subscribeArrivals: SubscribeArrivals;
  subscribeWarnings: SubscribeWarnings;
  /** 督办 escalated past their due date (`supervision:overdue`), for the alarms. */
  subscribeOverdue: SubscribeOverdue;
  /** Client time (Date.now) of the last message from the server, for the kiosk's watchdog. */
  lastMessageAt: () => number;
}

export function useLiveFeed(): LiveFeed {
  const [live, dispatch] = useReducer(liveReducer, initialLiveState);
  const [bus] = useState(() => new ArrivalBus());
  const [warningBus] = useState(() => new WarningBus());
  const [overdueBus] = useState(() => new OverdueBus());
  const lastMessage = useRef(Date.now());
  const lastMessageAt = useCallback(() => lastMessage.current, []);
  useEffect(() => {
    // The display token rides in the handshake (the server checks it); back-off from 1 s to 30 s with
    // jitter, so a wall of many screens does not reconnect in step after a server restart.
    const token = displayToken();
    const socket = io({
      transports: ['websocket'],
      auth: token ? { token } : {},
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
    });
    const seen = () => (lastMessage.current = Date.now());
    socket.onAny(seen);
    socket.io.on('reconnect_attempt', (attempt) => dispatch({ type: 'connection', connection: 'reconnecting', attempt }));
    const caseItems = new CaseItems();
    let events: LiveEvent[] = [];
    let warnings: CaseWarning[] = [];
    let frame = 0;
    let fallback: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      cancelAnimationFrame(frame);
      clearTimeout(fallback);
      frame = 0;
      fallback = undefined;
      const batch = events;
      const changed = warnings;
      events = [];
      warnings = [];
      dispatch({ type: 'batch', events: batch, warnings: changed, now: performance.now() });
      if (batch.length) bus.emit(batch);
      if (changed.length) warningBus.emit(changed);
    };
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(flush);
      fallback = setTimeout(flush, FLUSH_FALLBACK_MS);
    };
    const stats = latestThrottle<Stats>(STATS_INTERVAL_MS, (s) => dispatch({ type: 'stats', stats: s }));

    socket.on('connect', () => dispatch({ type: 'connection', connection: 'live' }));
    socket.on('disconnect', (reason) => {
      dispatch({ type: 'connection', connection: 'reconnecting' });
      // After a server-side disconnect Socket.IO does not retry by itself; a wall always does.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', () => dispatch({ type: 'connection', connection: 'reconnecting' }));
    socket.on('snapshot', (raw: unknown) => {
      const snapshot = parseSnapshot(raw);
      if (snapshot) dispatch({ type: 'snapshot', snapshot });
    });
    socket.on('stats', (raw: unknown) => {
      const s = parseStats(raw);
      if (s) stats.push(s);
    });
    socket.on('case:event', (raw: unknown) => {
      const e = parseEvent(raw);
      if (!e) return;
      events.push(caseItems.enrich(e));
      if (events.length > MAX_QUEUED) events = events.slice(-MAX_QUEUED / 2);
      schedule();
    });
    // Rare (a few a day): passed on as it comes, not batched.
    socket.on('supervision:overdue', (raw: unknown) => {
      const o = parseOverdue(raw);
      if (o) overdueBus.emit([o]);
    });
    const repeats = new RepeatFilter();
    socket.on('case:warning', (raw: unknown) => {
      const w = parseWarning(raw);
      if (!w || !repeats.fresh(w.id)) return;
      warnings.push(w);
      if (warnings.length > MAX_QUEUED) warnings = warnings.slice(-MAX_QUEUED / 2);
      schedule();
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(fallback);
      stats.cancel();
      socket.offAny(seen);
      socket.io.removeAllListeners('reconnect_attempt');
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [bus, warningBus, overdueBus]);

  // A burst that stops leaves its newest submission waiting for a card: give it one when its turn comes.
  const due = pendingCardDue(live.feed);
  useEffect(() => {
    if (due === undefined) return;
    const t = setTimeout(() => dispatch({ type: 'quiet', now: performance.now() }), Math.max(0, due - performance.now()));
    return () => clearTimeout(t);
  }, [due]);
  return { live, subscribeArrivals: bus.subscribe, subscribeWarnings: warningBus.subscribe, subscribeOverdue: overdueBus.subscribe, lastMessageAt };
}
