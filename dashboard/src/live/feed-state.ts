import type { LiveEvent } from '@tongban/shared';

/** Pop-up cards kept on screen, newest first. */
export const CARD_COUNT = 5;
/** At most one new card this often: faster arrivals coalesce into the next card's "+N" and the ticker. */
export const CARD_INTERVAL_MS = 800;
/** One-line entries the ticker keeps, newest first. */
export const TICKER_LENGTH = 40;
/** Seconds of arrivals the rate meter remembers. */
export const RATE_WINDOW_S = 10;

export interface FeedCard {
  event: LiveEvent;
  /** Submissions that arrived since the previous card without a card of their own. */
  coalesced: number;
}

export interface RateMeter {
  /** The whole second (ms / 1000) of buckets[0]. */
  second: number;
  /** Events per second, buckets[0] the current second, then older ones. */
  buckets: number[];
}

export interface FeedState {
  cards: FeedCard[];
  /** Every event, newest first (a carded submission too). */
  ticker: LiveEvent[];
  /** Client time of the last card (ms); coalescing works on arrival time, not on occurredAt. */
  lastCardAt: number;
  /** Submissions since the last card that did not get one. */
  coalesced: number;
  /** The newest of those: it becomes a card when the interval has passed, even if nothing else arrives. */
  pending: LiveEvent | undefined;
  lastEventAt: string | undefined;
  rate: RateMeter;
}

export const initialFeed: FeedState = {
  cards: [],
  ticker: [],
  lastCardAt: Number.NEGATIVE_INFINITY,
  coalesced: 0,
  pending: undefined,
  lastEventAt: undefined,
  rate: { second: 0, buckets: [] },
};

const isSubmission = (e: LiveEvent) => e.type === 'submitted';

function visibleIds(state: FeedState): Set<string> {
  const ids = new Set<string>();
  for (const c of state.cards) ids.add(c.event.eventId);
  for (const e of state.ticker) ids.add(e.eventId);
  return ids;
}

/**
 * Pure: the feed after a (re)connect snapshot. `recent` is newest first. The latest submissions become
 * cards without counting as coalesced; the rest fill the ticker. What is already shown stays.
 */
export function feedAfterSnapshot(state: FeedState, recent: LiveEvent[]): FeedState {
  const shown = visibleIds(state);
  const fresh = recent.filter((e) => !shown.has(e.eventId));
  if (!fresh.length) return state;
  const cards = [...state.cards];
  const ticker: LiveEvent[] = [];
  for (const e of fresh) {
    if (isSubmission(e) && cards.length < CARD_COUNT && !state.cards.length) cards.push({ event: e, coalesced: 0 });
    ticker.push(e);
  }
  return {
    ...state,
    cards,
    ticker: mergeNewestFirst(ticker, state.ticker, TICKER_LENGTH),
    lastEventAt: state.lastEventAt ?? recent[0]?.occurredAt,
  };
}

/**
 * Pure: the feed after the events that arrived in one animation frame, oldest first, at client time `now`.
 * The newest submission becomes a card when the last card is at least CARD_INTERVAL_MS old; every other
 * event goes to the ticker. So at the seed's pace (one submission every two seconds) every submission
 * pops up, and at thousands a second the screen shows about one card a second and a busy ticker. Every
 * event (carded or not) enters the ticker, so the ticker moves whenever the feed does.
 */
export function feedAfterEvents(state: FeedState, events: LiveEvent[], now: number): FeedState {
  const shown = visibleIds(state);
  const fresh = events.filter((e) => !shown.has(e.eventId));
  if (!fresh.length) return state;
  const submissions = fresh.filter(isSubmission);
  let { cards, lastCardAt, coalesced, pending } = state;
  let carded: LiveEvent | undefined;
  if (submissions.length && now - lastCardAt >= CARD_INTERVAL_MS) {
    carded = submissions.at(-1)!;
    cards = [{ event: carded, coalesced: coalesced + submissions.length - 1 }, ...cards].slice(0, CARD_COUNT);
    lastCardAt = now;
    coalesced = 0;
    pending = undefined;
  } else if (submissions.length) {
    coalesced += submissions.length;
    pending = submissions.at(-1);
  }
  // Every event runs through the ticker, carded submissions too: it moves whenever the feed does.
  const toTicker = fresh.slice().reverse();
  return {
    cards,
    ticker: mergeNewestFirst(toTicker, state.ticker, TICKER_LENGTH),
    lastCardAt,
    coalesced,
    pending,
    lastEventAt: fresh.at(-1)!.occurredAt,
    rate: countArrivals(state.rate, now, fresh.length),
  };
}

/** When the pending submission may become a card (client ms), or undefined when none waits. */
export function pendingCardDue(state: FeedState): number | undefined {
  return state.pending ? state.lastCardAt + CARD_INTERVAL_MS : undefined;
}

/**
 * Pure: a burst followed by quiet still ends with its newest submission on a card (and off the ticker),
 * carrying the count of the others.
 */
export function feedAfterQuiet(state: FeedState, now: number): FeedState {
  const { pending } = state;
  if (!pending || now - state.lastCardAt < CARD_INTERVAL_MS) return state;
  return {
    ...state,
    cards: [{ event: pending, coalesced: state.coalesced - 1 }, ...state.cards].slice(0, CARD_COUNT),
    lastCardAt: now,
    coalesced: 0,
    pending: undefined,
  };
}

function mergeNewestFirst(front: LiveEvent[], rest: LiveEvent[], limit: number): LiveEvent[] {
  if (front.length >= limit) return front.slice(0, limit);
  return front.concat(rest.slice(0, limit - front.length));
}

/** Pure: the meter after `n` arrivals at `now` (ms). */
export function countArrivals(meter: RateMeter, now: number, n: number): RateMeter {
  const second = Math.floor(now / 1000);
  const shift = second - meter.second;
  let buckets: number[];
  if (shift <= 0) buckets = [...meter.buckets];
  else if (shift >= RATE_WINDOW_S) buckets = [];
  else buckets = [...new Array<number>(shift).fill(0), ...meter.buckets].slice(0, RATE_WINDOW_S);
  buckets[0] = (buckets[0] ?? 0) + n;
  return { second: Math.max(second, meter.second), buckets };
}

/** Events per second over the full seconds of the window before `now` (the current second is partial). */
export function arrivalsPerSecond(meter: RateMeter, now: number): number {
  const second = Math.floor(now / 1000);
  const age = second - meter.second;
  let sum = 0;
  let seconds = 0;
  for (let s = 1; s < RATE_WINDOW_S; s++) {
    const i = s - age;
    seconds++;
    if (i >= 0) sum += meter.buckets[i] ?? 0;
  }
  return sum / seconds;
}
