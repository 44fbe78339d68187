import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { ReplayFeedSchema, ReplaySnapshotSchema, replayInstantText, type HourlyTrend, type LiveEvent, type ReplaySnapshot, type TodayRates } from '@tongban/shared';
import { fetchRemote, LOADING, type Remote } from '../data/remote.ts';
import { wireParser } from '../data/wire-parse.ts';
import { ArrivalBus, OverdueBus, WarningBus } from '../live/arrival-bus.ts';
import { CaseItems } from '../live/case-items.ts';
import { pendingCardDue } from '../live/feed-state.ts';
import { initialLiveState, liveReducer, type LiveAction, type LiveState } from '../live/live-state.ts';
import type { LiveFeed } from '../live/useLiveFeed.ts';
import { nextWindow, type ReplayParams, type ReplaySpeed } from './replay-clock.ts';

/** The player asks for the next events this often (real time). */
const TICK_MS = 1_000;
/** Events of one tick are shown spread over it, in slices this long, as they occurred. */
const SLICE_MS = 100;
/** Counters, red list and map are re-read from the server every this many ticks. */
const SNAPSHOT_EVERY_TICKS = 5;

const parseSnapshot = wireParser(ReplaySnapshotSchema, 'a replay snapshot');
const parseFeed = wireParser(ReplayFeedSchema, 'a replay feed');

/** What the replay bar shows and changes. */
export interface ReplayControls {
  /** The replayed instant now (epoch ms), advancing while playing. */
  atMs: number;
  speed: ReplaySpeed;
  playing: boolean;
  /** What may be replayed: the first stored event to now; null until the first answer. */
  range: { fromMs: number; toMs: number } | null;
  /** The replay's own state: loading, shown, or why not. */
  status: 'loading' | 'ok' | { error: string };
  trend: Remote<HourlyTrend>;
  rates: Remote<TodayRates>;
  setSpeed: (speed: ReplaySpeed) => void;
  togglePlaying: () => void;
  seek: (atMs: number) => void;
}

type Action = LiveAction | { type: 'reset' };
/** The live reducer, plus a reset when the replay jumps to another instant (the feed starts afresh). */
function replayReducer(state: LiveState, action: Action): LiveState {
  return action.type === 'reset' ? { ...initialLiveState, connection: 'live' } : liveReducer(state, action);
}

const url = (path: string, q: Record<string, number>) =>
  `${path}?${Object.entries(q)
    .map(([k, ms]) => `${k}=${encodeURIComponent(replayInstantText(ms) + '+08:00')}`)
    .join('&')}`;

/**
 * The wall at a past instant, from the server's replay endpoints (ClickHouse, never the live index), playing
 * forward at ×1–×600: every second the events of the next stretch of replayed time are fetched and shown as
 * they occurred, and every few seconds the counters, red list and map figures are re-read for the replayed
 * instant. No socket is opened: nothing live reaches a replaying wall, and it raises no alarms.
 */
export function useReplayFeed(params: ReplayParams): LiveFeed & { replay: ReplayControls } {
  const [live, dispatch] = useReducer(replayReducer, initialLiveState);
  const [bus] = useState(() => new ArrivalBus());
  // Never emit: a replay raises no alarms.
  const [warningBus] = useState(() => new WarningBus());
  const [overdueBus] = useState(() => new OverdueBus());
  const lastMessageAt = useCallback(() => Date.now(), []);
  const [start, setStart] = useState({ atMs: params.atMs, epoch: 0 });
  const [speed, setSpeed] = useState<ReplaySpeed>(params.speed);
  const [playing, setPlaying] = useState(true);
  const [atMs, setAtMs] = useState(params.atMs);
  const [status, setStatus] = useState<ReplayControls['status']>('loading');
  const [extras, setExtras] = useState<{ trend: Remote<HourlyTrend>; rates: Remote<TodayRates>; range: ReplayControls['range'] }>({ trend: LOADING, rates: LOADING, range: null });
  // The replayed instant the next feed window starts at; moved by the player, reset by a seek.
  const cursor = useRef(params.atMs);
  const [ready, setReady] = useState(false);

  const applyExtras = useCallback((s: ReplaySnapshot) => {
    setExtras({ trend: { state: 'ok', data: s.trend }, rates: { state: 'ok', data: s.rates }, range: { fromMs: Date.parse(s.range.from), toMs: Date.parse(s.range.to) } });
  }, []);

  // Open at the instant (and again after every seek): the wall as it stood then.
  useEffect(() => {
    const abort = new AbortController();
    cursor.current = start.atMs;
    setAtMs(start.atMs);
    setReady(false);
    setStatus('loading');
    dispatch({ type: 'reset' });
    void fetchRemote(url('/api/v1/replay', { at: start.atMs }), parseSnapshot, abort.signal).then(
      (r) => {
        if (r.state !== 'ok') return setStatus({ error: r.state === 'error' ? r.reason : '无数据' });
        const s = r.data;
        dispatch({ type: 'snapshot', snapshot: { serverTime: s.at, simulated: s.simulated, today: s.today, recent: s.recent, supervision: s.supervision } });
        applyExtras(s);
        setStatus('ok');
        setReady(true);
      },
      () => undefined,
    );
    return () => abort.abort();
  }, [start, applyExtras]);

  // Paused: the counters, red list and map read again at the banner's instant (while playing they are read every
  // few ticks, so at a pause they could lag the instant on screen by as much).
  useEffect(() => {
    if (playing || !ready) return;
    const abort = new AbortController();
    void fetchRemote(url('/api/v1/replay', { at: cursor.current }), parseSnapshot, abort.signal).then(
      (snap) => {
        if (snap.state !== 'ok') return;
        dispatch({ type: 'stats', stats: { serverTime: snap.data.at, today: snap.data.today, supervision: snap.data.supervision } });
        applyExtras(snap.data);
      },
      () => undefined,
    );
    return () => abort.abort();
  }, [playing, ready, applyExtras]);

  // Play forward: one feed window per tick, its events spread over the tick as they occurred.
  useEffect(() => {
    if (!playing || !ready) return;
    const abort = new AbortController();
    // The fetched window's events still to show, by the timer that shows them.
    const slices = new Map<ReturnType<typeof setTimeout>, LiveEvent[]>();
    const caseItems = new CaseItems();
    let busy = false;
    let ticks = 0;
    let last = performance.now();
    const show = (events: LiveEvent[]) => {
      if (!events.length) return;
      dispatch({ type: 'batch', events, warnings: [], now: performance.now() });
      bus.emit(events);
    };
    const tick = async () => {
      if (busy) return;
      const from = cursor.current;
      const next = nextWindow(from, speed, performance.now() - last, Date.now() - 1_000);
      if (next === 'wait') return;
      if (next === 'end') {
        setPlaying(false);
        return;
      }
      const to = next.toMs;
      last += next.consumedMs;
      busy = true;
      try {
        const feed = await fetchRemote(url('/api/v1/replay/feed', { from, to }), parseFeed, abort.signal);
        if (feed.state === 'ok') {
          const bySlice = new Map<number, LiveEvent[]>();
          for (const e of feed.data.events) {
            const slice = Math.min(Math.floor(TICK_MS / SLICE_MS) - 1, Math.max(0, Math.floor((Date.parse(e.occurredAt) - from) / speed / SLICE_MS)));
            const list = bySlice.get(slice) ?? [];
            list.push(caseItems.enrich(e));
            bySlice.set(slice, list);
          }
          for (const [slice, events] of bySlice) {
            const t = setTimeout(() => {
              slices.delete(t);
              show(events);
            }, slice * SLICE_MS);
            slices.set(t, events);
          }
          cursor.current = to;
          setAtMs(to);
        } else if (feed.state === 'error') {
          setStatus({ error: feed.reason });
        }
        if (++ticks % SNAPSHOT_EVERY_TICKS === 0) {
          const snap = await fetchRemote(url('/api/v1/replay', { at: to }), parseSnapshot, abort.signal);
          if (snap.state === 'ok') {
            dispatch({ type: 'stats', stats: { serverTime: snap.data.at, today: snap.data.today, supervision: snap.data.supervision } });
            applyExtras(snap.data);
            setStatus('ok');
          }
        }
      } catch {
        // aborted: the player stopped
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void tick(), TICK_MS);
    return () => {
      clearInterval(timer);
      abort.abort();
      // Paused (or another speed) mid-tick: the clock already says the window's end, so its events not shown
      // yet are shown now, not dropped (the counters would lag the instant on screen until the next snapshot).
      const rest = [...slices.values()].flat();
      for (const t of slices.keys()) clearTimeout(t);
      slices.clear();
      show(rest);
    };
  }, [playing, ready, speed, bus, applyExtras]);

  // A burst that stops leaves its newest submission waiting for a card (as on the live wall).
  const due = pendingCardDue(live.feed);
  useEffect(() => {
    if (due === undefined) return;
    const t = setTimeout(() => dispatch({ type: 'quiet', now: performance.now() }), Math.max(0, due - performance.now()));
    return () => clearTimeout(t);
  }, [due]);

  const togglePlaying = useCallback(() => setPlaying((p) => !p), []);
  const seek = useCallback((ms: number) => {
    setStart((s) => ({ atMs: ms, epoch: s.epoch + 1 }));
    setPlaying(true);
  }, []);
  return {
    live,
    subscribeArrivals: bus.subscribe,
    subscribeWarnings: warningBus.subscribe,
    subscribeOverdue: overdueBus.subscribe,
    lastMessageAt,
    replay: { atMs, speed, playing, range: extras.range, status, trend: extras.trend, rates: extras.rates, setSpeed, togglePlaying, seek },
  };
}
