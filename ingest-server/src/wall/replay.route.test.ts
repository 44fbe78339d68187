import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, shanghaiDate, shanghaiIso, type ReplayFeed, type ReplaySnapshot, type TodayCounts } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';

/**
 * Replay on the real server (chDB, the supervision engine): the wall at a past instant rebuilt from the
 * event log, checked against the figures computed by hand from the posted events and against what the
 * live API says now.
 */
describe('replay of the wall at a past instant', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start({ FLUSH_MAX_AGE_MS: '100' });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const today = shanghaiDate(Date.now());
  // Yesterday, Shanghai: wholly in the past whatever the time of the run.
  const day = addCalendarDays(today, -1);
  const before = addCalendarDays(today, -2);
  const longAgo = addCalendarDays(today, -12);
  const at = `${day}T12:00`;
  // 企业设立登记: promised in 1 working day, so a case accepted 12 days ago is red yesterday.
  const item = 'SCJG-XK-D-2OFH3';
  const ev = (id: string, caseId: string, type: string, occurredAt: string, extra: object = {}) => ({
    eventId: `RP-${id}`,
    caseId: `RP-${caseId}`,
    type,
    occurredAt,
    itemCode: item,
    districtCode: caseId.startsWith('B') ? '500101' : '500118',
    level: 'district',
    channel: 'window',
    ...extra,
  });
  const t = (d: string, hm: string) => `${d}T${hm}:00+08:00`;
  // An instant of today already past when the events are posted (a fixed 00:10 is in the future for a run
  // in the first minutes after Shanghai midnight, and a replay of "now" would rightly leave it out).
  const earlierToday = shanghaiIso(Math.max(Date.parse(`${today}T00:00:00+08:00`), Date.now() - 5_000));
  const events = [
    // Cases submitted yesterday: two before noon, one after it.
    ev('a1', 'A1', 'submitted', t(day, '10:00'), { applicant: { type: 'person', name: '李晓梅', idNumber: '500101199001011234', phone: '13800138000' } }),
    ev('a2', 'A2', 'submitted', t(day, '11:00')),
    ev('a3', 'A3', 'submitted', t(day, '13:00')),
    ev('b1', 'B1', 'submitted', t(day, '11:30')),
    ev('b2', 'B1', 'accepted', t(day, '11:40'), { level: 'township' }),
    // A1 moves to the city after noon: still at the district at noon.
    ev('a4', 'A1', 'accepted', t(day, '14:00'), { level: 'city' }),
    // The day before: not yesterday's counters.
    ev('c1', 'C1', 'submitted', t(before, '23:00')),
    // Accepted long ago, completed yesterday afternoon: red at noon, closed now.
    ev('l1', 'LATE', 'submitted', t(longAgo, '09:00')),
    ev('l2', 'LATE', 'accepted', t(longAgo, '09:30')),
    ev('l3', 'LATE', 'completed', t(day, '15:00')),
    // Completed yesterday morning: no longer open at noon.
    ev('d1', 'DONE', 'submitted', t(longAgo, '09:00')),
    ev('d2', 'DONE', 'accepted', t(longAgo, '09:30')),
    ev('d3', 'DONE', 'completed', t(day, '09:00')),
    // Waiting for the applicant's 补正 from the day after acceptance until today: its clock was stopped at noon yesterday.
    ev('p1', 'PAUSED', 'submitted', t(longAgo, '09:00')),
    ev('p2', 'PAUSED', 'accepted', t(longAgo, '09:30')),
    ev('p3', 'PAUSED', 'supplement_requested', t(longAgo, '09:40')),
    ev('p4', 'PAUSED', 'supplement_received', earlierToday),
  ];
  const replay = (q: string) => server.get<ReplaySnapshot & { error?: string; message?: string }>(`/api/v1/replay?${q}`, 'dev-wall');

  it('rebuilds the counters, the red list and the feed as they stood, from the events alone', async () => {
    expect((await server.post(events)).status).toBe(200);
    // The case states are written by the engine after deriving them: replay once they are.
    await server.eventually(async () => ((await server.get<{ status?: string }>('/api/v1/cases/RP-LATE')).body.status === 'completed' ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const snap = await server.eventually(async () => {
      const r = await replay(`at=${at}`);
      return r.status === 200 && r.body.supervision.redList.some((c) => c.caseId === 'RP-LATE') ? r.body : undefined;
    }, 30_000);
    expect(snap.at).toBe(`${day}T12:00:00.000+08:00`);
    expect(snap.day).toBe(day);
    // By hand: submitted before noon A1, A2, B1 (A3 after noon, C1 the day before); accepted B1; completed DONE.
    expect(snap.today.totals).toEqual({ submitted: 3, accepted: 1, completed: 1 });
    expect(snap.today.districts['500118']).toEqual({ submitted: 2, completed: 1 });
    expect(snap.today.districts['500101']).toEqual({ submitted: 1, accepted: 1 });
    // Open at noon: A1, A2, B1, LATE, PAUSED (DONE was completed, A3 not yet submitted, C1 still open).
    expect(snap.supervision.counts.open).toBe(6);
    const late = snap.supervision.redList.find((c) => c.caseId === 'RP-LATE')!;
    expect(late.warning).toBe('red');
    expect(late.daysOverdue).toBeGreaterThan(0);
    // The deadline the live engine gives the case (no pause): the same clock.
    const live = await server.get<{ promisedDeadline: string }>('/api/v1/cases/RP-LATE');
    expect(late.promisedDeadline).toBe(live.body.promisedDeadline);
    // Its clock stood still (no deadline yet); a 1-day promise is yellow from acceptance, as the live engine has it.
    expect(snap.supervision.redList.find((c) => c.caseId === 'RP-PAUSED')).toMatchObject({ warning: 'yellow', promisedDeadline: null });
    expect(snap.supervision.redList.map((c) => c.caseId)).not.toContain('RP-DONE');
    expect(snap.supervision.counts.red).toBe(1);
    expect(snap.supervision.byDistrict['500118']).toMatchObject({ red: 1 });
    // 办件所在层级 at noon: B1 at the township since 11:40, A1 still at the district (city only at 14:00).
    expect(snap.supervision.byLevel).toEqual({ city: 0, district: 5, township: 1, village: 0 });
    // A district's replay counts its own cases only (500101: B1).
    const b = await replay(`at=${at}&districtCode=500101`);
    expect(b.body.supervision.byLevel).toEqual({ city: 0, district: 0, township: 1, village: 0 });
    // The feed of the hour before noon (after 11:00): B1’s acceptance and submission, newest first.
    expect(snap.recent.map((e) => e.eventId)).toEqual(['RP-b2', 'RP-b1']);
    expect(snap.trend.hours[10]!.today).toBe(1);
    expect(snap.trend.hours[11]!.today).toBe(2);
    expect(snap.trend.hours[13]!.today).toBeNull();
  }, 90_000);

  it('agrees with the live API for now', async () => {
    await server.eventually(async () => ((await server.get<{ pendingRows: number }>('/healthz')).body.pendingRows === 0 ? true : undefined), 30_000);
    const nowAt = encodeURIComponent(shanghaiIso(Date.now()));
    const [r, live] = await Promise.all([replay(`at=${nowAt}`), server.get<TodayCounts & { supervision: { counts: { red: number; open: number } } }>('/api/v1/overview')]);
    expect(r.status).toBe(200);
    expect(r.body.today.totals).toEqual(live.body.totals);
    // LATE and DONE are completed; PAUSED resumed today.
    expect(r.body.supervision.redList.map((c) => c.caseId)).not.toContain('RP-LATE');
    expect(r.body.supervision.counts.open).toBe(live.body.supervision.counts.open);
    // The levels as the live engine holds them now (A1 at the city since 14:00 yesterday).
    const liveLevels = (live.body.supervision as unknown as { byLevel: Record<string, number> }).byLevel;
    expect(r.body.supervision.byLevel).toEqual(liveLevels);
    expect(r.body.supervision.byLevel.city).toBe(1);
  });

  it('plays forward: the events between two instants, oldest first, personal data masked', async () => {
    const { status, body } = await server.get<ReplayFeed>(`/api/v1/replay/feed?from=${day}T09:59&to=${day}T10:59`, 'dev-wall');
    expect(status).toBe(200);
    expect(body.events.map((e) => e.eventId)).toEqual(['RP-a1']);
    const next = await server.get<ReplayFeed>(`/api/v1/replay/feed?from=${day}T10:59&to=${day}T11:40`, 'dev-wall');
    expect(next.body.events.map((e) => e.eventId)).toEqual(['RP-a2', 'RP-b1', 'RP-b2']);
    expect(body.truncated).toBe(false);
    const a1 = body.events[0]!;
    expect(JSON.stringify(a1)).not.toContain('李晓梅');
    expect(JSON.stringify(a1)).not.toContain('13800138000');
    expect(a1.districtName).toBe('永川区');
  });

  it('refuses instants it cannot replay with 400', async () => {
    const tomorrow = addCalendarDays(today, 1);
    for (const q of [`at=${tomorrow}T10:00`, 'at=2001-01-01T10:00', 'at=yesterday', `at=${day}T25:00`, '']) {
      const r = await replay(q);
      expect(r.status, q).toBe(400);
    }
    expect((await server.get(`/api/v1/replay/feed?from=${day}T12:00&to=${day}T10:00`, 'dev-wall')).status).toBe(400);
    expect((await server.get(`/api/v1/replay/feed?from=${before}T10:00&to=${day}T10:00`, 'dev-wall')).status).toBe(400);
    const range = await server.get<{ from: string; to: string }>('/api/v1/replay/range', 'dev-wall');
    expect(range.body.from).toBe(`${longAgo}T09:00:00.000+08:00`);
    expect((await server.get(`/api/v1/replay?at=${at}`, null)).status).toBe(401);
  });
});
