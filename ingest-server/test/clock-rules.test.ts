import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { defaultWorkingCalendar as cal, shanghaiDate, type ReportDocument } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';

/*
 * Issue 12 on the real server (real chDB, real HTTP, real restart): bad-rating clocks that survive a
 * restart, data-quality cases kept out of every overdue figure, extensions and the deadline history.
 * Dates relative to today are computed with the same calendar the server uses; fixed dates are worked out
 * by hand in the comments (2025 notice: 10-01…10-08 off, 09-28 and 10-11 worked).
 */
const ITEM = {
  itemCode: 'CLK-A',
  name: '时钟测试事项',
  powerType: '行政许可',
  department: '时钟测试局',
  departmentCode: 'CLKDEPT',
  level: 'district',
  statutoryLimitDays: 15,
  promisedLimitDays: 5,
  onlineDepth: 4,
  channels: ['window', 'pc'],
  crossDistrict: false,
  guide: { basis: true },
};
type RatingClock = { rating: number; ratedAt: string; returnVisitDue: string; rectificationDue: string; returnVisit: string; rectification: string; returnVisitAt: string | null };
type CaseBody = {
  status: string;
  warning: string;
  flags: string[];
  promisedDeadline: string | null;
  statutoryDeadline: string | null;
  daysOverdue: number;
  ratingClock: RatingClock | null;
  extension: { days: number; approvedBy: string; at: string; note: string } | null;
  deadlineHistory: Array<{ clock: string; from: string; to: string; cause: string }>;
};
type Summary = { caseId: string; warning: string; flags: string[] };

let server: ServerProcess;
const sockets: Socket[] = [];
const today = () => shanghaiDate(Date.now());
const admin = { 'content-type': 'application/json', authorization: 'Bearer dev-admin' };
const putItem = async (item: object) => expect((await fetch(`${server.url}/api/v1/items/${ITEM.itemCode}`, { method: 'PUT', headers: admin, body: JSON.stringify(item) })).status).toBe(200);
const caseOf = (id: string) => server.get<CaseBody>(`/api/v1/cases/${id}`);
const followUp = (caseId: string, body: object) => fetch(`${server.url}/api/v1/cases/${caseId}/rating-followups`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer dev-token' }, body: JSON.stringify(body) });
const list = async (q: string) => (await server.get<{ cases: Summary[] }>(`/api/v1/cases?${q}&limit=500`)).body.cases.map((c) => c.caseId);

function lifecycle(caseId: string, acceptedOn: string, steps: Array<[string, string, Record<string, unknown>?]> = []) {
  const base = { caseId, districtCode: '500118', level: 'district', departmentCode: 'CLKDEPT' };
  return [
    { ...base, eventId: `${caseId}.s`, type: 'submitted', occurredAt: `${acceptedOn}T09:30:00+08:00`, itemCode: ITEM.itemCode, channel: 'window' },
    { ...base, eventId: `${caseId}.a`, type: 'accepted', occurredAt: `${acceptedOn}T10:00:00+08:00`, actorId: 'clk-01' },
    ...steps.map(([type, occurredAt, extra], i) => ({ ...base, eventId: `${caseId}.${i}`, type, occurredAt, actorId: 'clk-02', ...extra })),
  ];
}
const shanghaiNow = (offsetMs = 0) => new Date(Date.now() + offsetMs + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';

beforeAll(async () => {
  server = await ServerProcess.start();
  await putItem(ITEM);
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server?.dispose();
});

describe('bad-rating clocks', () => {
  it('opens both clocks for a bad rating on a case that closed on time, and says so live', async () => {
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: { district: '500118', token: 'dev-admin' } });
    sockets.push(socket);
    const warnings: Array<{ caseId: string; kind: string; warning: string }> = [];
    socket.on('rating:warning', (w: { caseId: string; kind: string; warning: string }) => warnings.push(w));
    await new Promise((r) => socket.once('snapshot', r));

    const accepted = cal.addWorkingDays(today(), -3).date;
    const completed = cal.addWorkingDays(today(), -2).date;
    await server.post(lifecycle('RC-1', accepted, [['completed', `${completed}T11:00:00+08:00`], ['rated', shanghaiNow(-60_000), { rating: 1 }]]));
    const c = await server.eventually(async () => {
      const r = await caseOf('RC-1');
      return r.status === 200 && r.body.ratingClock ? r.body : undefined;
    });
    expect(c.status).toBe('completed');
    expect(c.warning).toBe('none');
    // Return visit within 1 working day, rectification within 15, counted from the rating's Shanghai date.
    expect(c.ratingClock).toMatchObject({ rating: 1, returnVisitDue: cal.addWorkingDays(today(), 1).date, rectificationDue: cal.addWorkingDays(today(), 15).date, returnVisit: 'due', rectification: 'due' });
    // A 1-day clock is yellow from its first day (≤ 2 working days left).
    await server.eventually(async () => (warnings.some((w) => w.caseId === 'RC-1' && w.kind === 'returnVisit' && w.warning === 'yellow') ? true : undefined));
    expect(warnings.some((w) => w.caseId === 'RC-1' && w.kind === 'rectification')).toBe(false);
  });

  it('refuses a follow-up dated before the rating or in the future, and records one in time', async () => {
    const before = await followUp('RC-1', { kind: 'return_visit', at: `${cal.addWorkingDays(today(), -1).date}T10:00:00+08:00` });
    expect(before.status).toBe(400);
    expect((await followUp('RC-1', { kind: 'return_visit', at: shanghaiNow(86_400_000) })).status).toBe(400);
    expect((await followUp('RC-1', { kind: 'visit', at: shanghaiNow() })).status).toBe(400);
    const ok = await followUp('RC-1', { kind: 'return_visit', at: shanghaiNow(), note: '已电话回访' });
    expect(ok.status).toBe(201);
    expect((await caseOf('RC-1')).body.ratingClock).toMatchObject({ returnVisit: 'done', rectification: 'due' });
    expect((await followUp('RC-1', { kind: 'return_visit', at: shanghaiNow() })).status).toBe(409);
  });

  it('counts a follow-up on its due date as on time, one a day late as a breach', async () => {
    const ratedOn = cal.addWorkingDays(today(), -20).date;
    await server.post(lifecycle('RC-2', cal.addWorkingDays(ratedOn, -2).date, [['completed', `${ratedOn}T09:00:00+08:00`], ['rated', `${ratedOn}T16:00:00+08:00`, { rating: 2 }]]));
    const c = await server.eventually(async () => {
      const r = await caseOf('RC-2');
      return r.body.ratingClock ? r.body.ratingClock : undefined;
    });
    expect(c.returnVisitDue).toBe(cal.addWorkingDays(ratedOn, 1).date);
    // 23:59 Shanghai on the due date (15:59 UTC): still the due date.
    expect((await followUp('RC-2', { kind: 'return_visit', at: `${c.returnVisitDue}T15:59:00Z` })).status).toBe(201);
    const lateDay = cal.addWorkingDays(c.rectificationDue, 1).date;
    expect((await followUp('RC-2', { kind: 'rectified', at: `${lateDay}T00:01:00+08:00` })).status).toBe(201);
    expect((await caseOf('RC-2')).body.ratingClock).toMatchObject({ returnVisit: 'done', rectification: 'breached' });
  });

  it('keeps every clock and follow-up across a crash', async () => {
    const before = { rc1: (await caseOf('RC-1')).body.ratingClock, rc2: (await caseOf('RC-2')).body.ratingClock };
    expect(before.rc1).not.toBeNull();
    await server.stop('SIGKILL');
    await server.restart();
    const after = { rc1: (await caseOf('RC-1')).body.ratingClock, rc2: (await caseOf('RC-2')).body.ratingClock };
    expect(after).toEqual(before);
    expect(after.rc1).toMatchObject({ returnVisit: 'done', rectification: 'due' });
    // The restarted server still follows it up: the rectification of RC-1 closes its clock.
    expect((await followUp('RC-1', { kind: 'rectified', at: shanghaiNow() })).status).toBe(201);
    expect((await caseOf('RC-1')).body.ratingClock).toMatchObject({ returnVisit: 'done', rectification: 'done' });
  });
});

describe('data-quality cases', () => {
  // Accepted 2025-10-09; delivered 10-10 and rated, never completed: missing_completion. Its promise (5 days:
  // 10-10, 10-11, 10-13, 14, 15) ended 10-15. The control case, accepted the same day and never completed, is
  // really overdue. Both are in October 2025, so the monthly bulletin of the test department lists one.
  beforeAll(async () => {
    await server.post([
      ...lifecycle('DQ-1', '2025-10-09', [['approved', '2025-10-10T09:00:00+08:00'], ['delivered', '2025-10-10T10:00:00+08:00'], ['rated', '2025-10-10T11:00:00+08:00', { rating: 4 }]]),
      ...lifecycle('LATE-CTRL', '2025-10-09'),
    ]);
    await server.eventually(async () => ((await list('warning=any')).includes('DQ-1') && (await list('warning=any')).includes('LATE-CTRL') ? true : undefined));
  });

  it('is not red, not overdue, listed under its flag and counted apart in the overview', async () => {
    const c = (await caseOf('DQ-1')).body;
    expect(c.flags).toContain('missing_completion');
    expect(c).toMatchObject({ warning: 'none', daysOverdue: 0, promisedDeadline: '2025-10-15' });
    const red = await list('warning=red');
    expect(red).toContain('LATE-CTRL');
    expect(red).not.toContain('DQ-1');
    expect(await list('flag=missing_completion')).toEqual(['DQ-1']);
    // The overview is recomputed at most twice a second: wait for the one that follows the projection.
    const overview = await server.eventually(async () => {
      const o = (await server.get<{ dataQuality: { total: number; byDistrict: Record<string, number> }; supervision: { redList: Summary[]; counts: { red: number } } }>('/api/v1/overview')).body;
      return o.supervision.redList.some((c) => c.caseId === 'LATE-CTRL') ? o : undefined;
    });
    expect(overview.dataQuality.byDistrict['500118']).toBeGreaterThanOrEqual(1);
    expect(overview.supervision.redList.map((c) => c.caseId)).not.toContain('DQ-1');
    expect(overview.supervision.redList.map((c) => c.caseId)).toContain('LATE-CTRL');
  });

  it('stays out of the overdue counts and the wall’s red panel', async () => {
    // The same pair in 铜梁区 (500151), where nothing else is open: accepted 2025-10-09, promise ended 10-15.
    const in500151 = (events: ReturnType<typeof lifecycle>) => events.map((e) => ({ ...e, districtCode: '500151' }));
    await server.post([
      ...in500151(lifecycle('DQ-2', '2025-10-09', [['delivered', '2025-10-10T10:00:00+08:00']])),
      ...in500151(lifecycle('LATE-2', '2025-10-09')),
    ]);
    type Overview = { dataQuality: { byDistrict: Record<string, number> }; supervision: { redList: Summary[]; byDistrict: Record<string, { open: number; yellow: number; red: number }> } };
    const o = await server.eventually(async () => {
      const b = (await server.get<Overview>('/api/v1/overview')).body;
      return b.supervision.byDistrict['500151']?.open === 2 ? b : undefined;
    });
    // Two open, one red: the data-quality case is open but neither red nor yellow, and counted apart.
    expect(o.supervision.byDistrict['500151']).toEqual({ open: 2, yellow: 0, red: 1 });
    expect(o.dataQuality.byDistrict['500151']).toBe(1);
    // The wall's red panel is the snapshot's red list, as a display token receives it.
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token: 'dev-wall' } });
    sockets.push(socket);
    const snapshot = await new Promise<{ supervision: { redList: Summary[] } | null }>((r) => socket.once('snapshot', r));
    const panel = snapshot.supervision!.redList.map((c) => c.caseId);
    expect(panel).toContain('LATE-2');
    expect(panel).not.toContain('DQ-2');
    expect(panel).not.toContain('DQ-1');
  });

  it('stays out of the monthly bulletin’s overdue sheet', async () => {
    const doc = await server.eventually(async () => {
      const r = await server.get<ReportDocument>(`/api/v1/reports/monthly?period=2025-10&departmentCode=CLKDEPT&fresh=1&cutoff=${encodeURIComponent(new Date().toISOString())}`);
      return r.status === 200 && r.body.overdue.total > 1 ? r.body : undefined;
    }, 30_000);
    const ids = doc.overdue.rows.map((r) => r.caseId);
    expect(ids).toContain('LATE-CTRL');
    expect(ids).not.toContain('DQ-1');
    // The pair of 铜梁区 above: the late one is listed, the data-quality one is not.
    expect(ids).toContain('LATE-2');
    expect(ids).not.toContain('DQ-2');
    expect(doc.overdue.total).toBe(2);
  });

  it('charges nobody with the time after its last real step', async () => {
    const t = (await server.get<{ periods: Array<{ stage: string; minutes: number }> }>('/api/v1/cases/DQ-1/trace')).body;
    // approved 10-10 09:00 → delivered 10:00: 60 minutes, and nothing up to today.
    expect(t.periods.at(-1)).toMatchObject({ stage: 'approved', minutes: 60 });
  });
});

describe('extensions and the deadline history', () => {
  it('shows an extension on the case, lengthening both clocks, read back from the stored log', async () => {
    // Accepted Mon 2025-09-15, +10 working days (worked out in case-rules.test.ts): promised 10-11, statutory 10-24.
    await server.post(lifecycle('EXT-1', '2025-09-15', [['extended', '2025-09-17T10:00:00+08:00', { extensionDays: 10, note: '需现场核查' }], ['extended', '2025-09-18T10:00:00+08:00', { extensionDays: 5 }]]));
    await server.stop('SIGKILL');
    await server.restart();
    const c = (await caseOf('EXT-1')).body;
    expect(c).toMatchObject({ promisedDeadline: '2025-10-11', statutoryDeadline: '2025-10-24', extension: { days: 10, approvedBy: 'clk-02', at: '2025-09-17T10:00:00.000+08:00', note: '需现场核查' } });
    expect(c.flags).toContain('extension_rejected');
  });

  it('records each deadline an item change recomputes', async () => {
    // Yesterday's working day: today's 10:00 may still be in the future (Shanghai morning).
    const acceptedOn = cal.addWorkingDays(today(), -1).date;
    await server.post(lifecycle('HIST-1', acceptedOn));
    // Listed: the engine holds it as an open case (GET /cases/:id derives from the events directly).
    await server.eventually(async () => ((await list('warning=any')).includes('HIST-1') ? true : undefined));
    const before = (await caseOf('HIST-1')).body;
    expect(before.promisedDeadline).toBe(cal.addWorkingDays(acceptedOn, 5).date);
    await putItem({ ...ITEM, promisedLimitDays: 3 });
    const c = await server.eventually(async () => {
      const r = (await caseOf('HIST-1')).body;
      return r.deadlineHistory.length ? r : undefined;
    });
    expect(c.deadlineHistory).toEqual([expect.objectContaining({ clock: 'promised', from: cal.addWorkingDays(acceptedOn, 5).date, to: cal.addWorkingDays(acceptedOn, 3).date, cause: 'item:CLK-A' })]);
    await putItem(ITEM);
  });
});
