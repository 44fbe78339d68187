import { describe, expect, it } from 'vitest';
import { FEED_LENGTH, feedReducer, initialFeedState } from './feed-state.ts';
import type { LiveEvent } from './live-types.ts';

const ev = (n: number): LiveEvent => ({
  eventId: `e${n}`,
  caseId: `c${n}`,
  type: 'submitted',
  occurredAt: `2025-08-24T14:${String(n % 60).padStart(2, '0')}:00+08:00`,
  districtCode: '500118',
  level: 'district',
});

describe('feedReducer', () => {
  it('puts the newest event first and never shows one twice', () => {
    let s = feedReducer(initialFeedState, { type: 'snapshot', snapshot: { serverTime: '', today: { day: '2025-08-24', totals: {}, districts: {} }, recent: [ev(2), ev(1)] } });
    s = feedReducer(s, { type: 'events', events: [ev(2), ev(3)] });
    expect(s.feed.map((e) => e.eventId)).toEqual(['e3', 'e2', 'e1']);
    expect(s.lastEventAt).toBe(ev(3).occurredAt);
  });

  it('keeps the feed bounded however long the wall runs', () => {
    let s = initialFeedState;
    for (let i = 0; i < 1000; i++) s = feedReducer(s, { type: 'events', events: [ev(i)] });
    expect(s.feed).toHaveLength(FEED_LENGTH);
    expect(s.feed[0]!.eventId).toBe('e999');
  });

  it('keeps the feed across a reconnect snapshot', () => {
    let s = feedReducer(initialFeedState, { type: 'events', events: [ev(5)] });
    s = feedReducer(s, { type: 'connection', connection: 'reconnecting' });
    s = feedReducer(s, { type: 'snapshot', snapshot: { serverTime: '', today: { day: 'd', totals: { submitted: 9 }, districts: {} }, recent: [ev(6)] } });
    expect(s.feed.map((e) => e.eventId)).toEqual(['e6', 'e5']);
    expect(s.today?.totals.submitted).toBe(9);
  });
});
