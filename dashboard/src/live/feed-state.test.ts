import { describe, expect, it } from 'vitest';
import {
  CARD_COUNT,
  CARD_INTERVAL_MS,
  TICKER_LENGTH,
  arrivalsPerSecond,
  countArrivals,
  feedAfterEvents,
  feedAfterQuiet,
  feedAfterSnapshot,
  initialFeed,
  pendingCardDue,
} from './feed-state.ts';
import type { LiveEvent } from '@tongban/shared';

const ev = (n: number, type: LiveEvent['type'] = 'submitted'): LiveEvent => ({
  eventId: `e${n}`,
  caseId: `c${n}`,
  type,
  occurredAt: `2025-08-24T14:${String(n % 60).padStart(2, '0')}:00+08:00`,
  districtCode: '500118',
  districtName: '永川区',
  level: 'district',
});

describe('the live feed', () => {
  it('pops up every submission at the seed’s pace of one every two seconds', () => {
    let s = initialFeed;
    for (let i = 0; i < 4; i++) s = feedAfterEvents(s, [ev(i)], 10_000 + i * 2000);
    expect(s.cards.map((c) => c.event.eventId)).toEqual(['e3', 'e2', 'e1', 'e0']);
    expect(s.cards.every((c) => c.coalesced === 0)).toBe(true);
    // The ticker moves with the feed: carded submissions run through it too.
    expect(s.ticker.map((e) => e.eventId)).toEqual(['e3', 'e2', 'e1', 'e0']);
    expect(s.lastEventAt).toBe(ev(3).occurredAt);
  });

  it('coalesces fast submissions into the next card, every event in the ticker', () => {
    let s = feedAfterEvents(initialFeed, [ev(1)], 1000);
    s = feedAfterEvents(s, [ev(2), ev(3)], 1100);
    expect(s.cards).toHaveLength(1);
    expect(s.ticker.map((e) => e.eventId)).toEqual(['e3', 'e2', 'e1']);
    s = feedAfterEvents(s, [ev(4), ev(5, 'accepted'), ev(6)], 1000 + CARD_INTERVAL_MS);
    expect(s.cards[0]).toMatchObject({ event: { eventId: 'e6' }, coalesced: 3 });
    expect(s.ticker.map((e) => e.eventId)).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
  });

  it('gives the newest of a burst its card once the burst is over', () => {
    let s = feedAfterEvents(initialFeed, [ev(1)], 1000);
    s = feedAfterEvents(s, [ev(2), ev(3, 'accepted'), ev(4)], 1200);
    expect(pendingCardDue(s)).toBe(1000 + CARD_INTERVAL_MS);
    expect(feedAfterQuiet(s, 1000 + CARD_INTERVAL_MS - 1)).toBe(s);
    s = feedAfterQuiet(s, 1000 + CARD_INTERVAL_MS);
    expect(s.cards.map((c) => [c.event.eventId, c.coalesced])).toEqual([
      ['e4', 1],
      ['e1', 0],
    ]);
    expect(s.ticker.map((e) => e.eventId)).toEqual(['e4', 'e3', 'e2', 'e1']);
    expect(pendingCardDue(s)).toBeUndefined();
  });

  it('never shows one event twice and never gives other event types a card', () => {
    let s = feedAfterEvents(initialFeed, [ev(1, 'completed'), ev(2, 'accepted')], 0);
    expect(s.cards).toEqual([]);
    s = feedAfterEvents(s, [ev(1, 'completed')], 5000);
    expect(s.ticker.map((e) => e.eventId)).toEqual(['e2', 'e1']);
  });

  it('stays bounded at two thousand events a second', () => {
    let s = initialFeed;
    let n = 0;
    for (let frame = 0; frame < 600; frame++) {
      const batch = Array.from({ length: 33 }, () => ev(n++));
      s = feedAfterEvents(s, batch, frame * 16.7);
    }
    expect(s.cards).toHaveLength(CARD_COUNT);
    expect(s.ticker).toHaveLength(TICKER_LENGTH);
    expect(s.ticker[0]!.eventId).toBe(`e${n - 1}`);
    // About one card per CARD_INTERVAL_MS of the ten seconds, not one per event.
    expect(s.cards[0]!.coalesced).toBeGreaterThan(1000);
  });

  it('catches up from a snapshot without repeating what is shown', () => {
    let s = feedAfterSnapshot(initialFeed, [ev(3), ev(2, 'accepted'), ev(1)]);
    expect(s.cards.map((c) => c.event.eventId)).toEqual(['e3', 'e1']);
    expect(s.ticker.map((e) => e.eventId)).toEqual(['e3', 'e2', 'e1']);
    s = feedAfterSnapshot(s, [ev(4), ev(3)]);
    expect(s.cards.map((c) => c.event.eventId)).toEqual(['e3', 'e1']);
    expect(s.ticker.map((e) => e.eventId)).toEqual(['e4', 'e3', 'e2', 'e1']);
  });

  it('measures arrivals per second over the last full seconds', () => {
    let m = countArrivals(initialFeed.rate, 10_000, 5);
    m = countArrivals(m, 10_500, 5);
    m = countArrivals(m, 11_200, 9);
    expect(arrivalsPerSecond(m, 12_100)).toBeCloseTo(19 / 9);
    expect(arrivalsPerSecond(m, 30_000)).toBe(0);
  });
});
