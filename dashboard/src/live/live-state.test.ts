import { describe, expect, it } from 'vitest';
import { overview } from '../../test/wire-fixtures.ts';
import { initialLiveState, liveReducer } from './live-state.ts';
import { SnapshotSchema, type CaseSummary, type CaseWarning, type LiveEvent, type Snapshot } from '@tongban/shared';

const ev = (n: number): LiveEvent => ({ eventId: `e${n}`, caseId: `c${n}`, type: 'submitted', occurredAt: '2025-08-24T14:37:00+08:00', districtCode: '500118', districtName: '永川区', level: 'district' });
const today = { day: '2025-08-24', totals: { submitted: 9 }, districts: {} };
const summary = (caseId: string, warning: CaseSummary['warning'], daysOverdue: number): CaseSummary => ({
  caseId,
  itemCode: 'I',
  itemName: '个体工商户变更登记',
  districtCode: '500118',
  districtName: '永川区',
  townshipCode: null,
  villageCode: null,
  departmentCode: 'SCJGJ',
  status: 'in_progress',
  stage: 'accepted',
  level: 'district',
  holder: 'yc-scj-017',
  submittedAt: null,
  acceptedAt: null,
  promisedDeadline: '2025-08-20',
  statutoryDeadline: '2025-09-01',
  warning,
  daysOverdue,
  flags: [],
  atRisk: null,
});
const supervision = (redList: CaseSummary[]) =>
  overview({
    counts: { open: 10, yellow: 2, red: 1 },
    byLevel: { city: 1, district: 6, township: 2, village: 1 },
    byDistrict: { '500118': { open: 10, yellow: 2, red: 1 } },
    redList: redList.map((c) => ({ ...c, id: `${c.caseId}:${c.warning}`, previous: null, at: '2025-08-24T14:37:00+08:00' })),
  });
const warning = (caseId: string, w: CaseWarning['warning'], daysOverdue = 0): CaseWarning => ({
  ...summary(caseId, w, daysOverdue),
  id: `${caseId}:${w}`,
  previous: 'none',
  at: '2025-08-24T14:37:00+08:00',
});

describe('the wall’s live state', () => {
  it('takes counters, feed and supervision from the snapshot', () => {
    const snapshot: Snapshot = { serverTime: '', simulated: true, today, recent: [ev(1)], supervision: supervision([summary('A', 'yellow', 0), summary('B', 'red', 2)]) };
    const s = liveReducer(initialLiveState, { type: 'snapshot', snapshot });
    expect(s.simulated).toBe(true);
    expect(s.today?.totals.submitted).toBe(9);
    expect(s.feed.cards).toHaveLength(1);
    expect(s.redFlags.map((f) => f.caseId)).toEqual(['B', 'A']);
    expect(s.supervision?.byLevel?.village).toBe(1);
  });

  it('has no supervision, and no red flags, when the server sends none', () => {
    const s = liveReducer(initialLiveState, { type: 'snapshot', snapshot: { serverTime: '', simulated: false, today, recent: [], supervision: null } });
    expect(s.supervision).toBeUndefined();
    expect(s.redFlags).toEqual([]);
  });

  it('puts a case that turns red on the list at once, and takes it off when it is cleared', () => {
    let s = liveReducer(initialLiveState, { type: 'snapshot', snapshot: { serverTime: '', simulated: false, today, recent: [], supervision: supervision([summary('A', 'yellow', 0)]) } });
    s = liveReducer(s, { type: 'batch', events: [], warnings: [warning('C', 'red', 3)], now: 0 });
    expect(s.redFlags.map((f) => [f.caseId, f.warning])).toEqual([
      ['C', 'red'],
      ['A', 'yellow'],
    ]);
    s = liveReducer(s, { type: 'batch', events: [], warnings: [warning('A', 'none')], now: 0 });
    expect(s.redFlags.map((f) => f.caseId)).toEqual(['C']);
  });

  it('keeps the stats-driven parts identical when only events arrive', () => {
    const s0 = liveReducer(initialLiveState, { type: 'snapshot', snapshot: { serverTime: '', simulated: false, today, recent: [], supervision: supervision([]) } });
    const s1 = liveReducer(s0, { type: 'batch', events: [ev(2)], warnings: [], now: 0 });
    expect(s1.feed).not.toBe(s0.feed);
    expect(s1.today).toBe(s0.today);
    expect(s1.supervision).toBe(s0.supervision);
    expect(s1.redFlags).toBe(s0.redFlags);
    expect(liveReducer(s1, { type: 'batch', events: [], warnings: [], now: 0 })).toBe(s1);
  });

  it('replaces the red list with the server’s on stats', () => {
    let s = liveReducer(initialLiveState, { type: 'batch', events: [], warnings: [warning('C', 'red', 3)], now: 0 });
    s = liveReducer(s, { type: 'stats', stats: { serverTime: '', today, supervision: supervision([summary('D', 'red', 9)]) } });
    expect(s.redFlags.map((f) => f.caseId)).toEqual(['D']);
  });

  it('accepts the snapshot only as the wire contract defines it', () => {
    const snapshot: Snapshot = { serverTime: '', simulated: true, today, recent: [ev(1)], supervision: supervision([summary('A', 'red', 1)]) };
    expect(SnapshotSchema.safeParse(snapshot).success).toBe(true);
    // The shapes the two sides used to disagree on: an empty township and a missing supervision.
    expect(SnapshotSchema.safeParse({ ...snapshot, supervision: supervision([{ ...summary('A', 'red', 1), townshipCode: undefined as unknown as null }]) }).success).toBe(false);
    expect(SnapshotSchema.safeParse({ serverTime: '', today, recent: [] }).success).toBe(false);
  });
});
