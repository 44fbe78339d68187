import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCalendarData, defaultWorkingCalendar as cal, shanghaiDate, type AreaOverview, type CaseDetail, type CaseList } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { commandDataDir, queryDataDir } from './chdb-query.ts';

/*
 * Issue 12, the rest, on the real server (real chDB, real HTTP, real restarts): predicted lateness from an
 * item's own completed cases (`at_risk`), and the catch-up of bad-rating clocks for ratings stored before
 * their clocks existed. Dates relative to today use the server's calendar (2025 notice and later years).
 */
const item = (itemCode: string) => ({
  itemCode,
  name: `预测测试事项 ${itemCode}`,
  powerType: '行政许可',
  department: '预测测试局',
  departmentCode: 'PREDEPT',
  level: 'district',
  statutoryLimitDays: 20,
  promisedLimitDays: 5,
  onlineDepth: 4,
  channels: ['window'],
  crossDistrict: false,
  guide: { basis: true },
});
const admin = { 'content-type': 'application/json', authorization: 'Bearer dev-admin' };
let server: ServerProcess;
const today = () => shanghaiDate(Date.now());
const wd = (n: number) => cal.addWorkingDays(today(), n).date;

function lifecycle(caseId: string, itemCode: string, acceptedOn: string, steps: Array<[string, string, Record<string, unknown>?]> = []) {
  const base = { caseId, districtCode: '500118', townshipCode: '500118001', level: 'district', departmentCode: 'PREDEPT' };
  return [
    { ...base, eventId: `${caseId}.s`, type: 'submitted', occurredAt: `${acceptedOn}T09:30:00+08:00`, itemCode, channel: 'window' },
    { ...base, eventId: `${caseId}.a`, type: 'accepted', occurredAt: `${acceptedOn}T10:00:00+08:00`, actorId: 'pre-01' },
    ...steps.map(([type, occurredAt, extra], i) => ({ ...base, eventId: `${caseId}.${i}`, type, occurredAt, actorId: 'pre-02', ...extra })),
  ];
}

beforeAll(async () => {
  // The model is read every second here (default: every 10 minutes).
  server = await ServerProcess.start({ AT_RISK_REFRESH_SECONDS: '1' });
  for (const code of ['PRE-LONG', 'PRE-FEW']) expect((await fetch(`${server.url}/api/v1/items/${code}`, { method: 'PUT', headers: admin, body: JSON.stringify(item(code)) })).status).toBe(200);
});
afterAll(async () => {
  await server?.dispose();
});

describe('predicted lateness (at_risk)', () => {
  beforeAll(async () => {
    // PRE-LONG: 12 cases accepted 30 working days ago, each completed 8 working days later (promise 5: late).
    // PRE-FEW: 3 completed cases only, too few for a model (AT_RISK_MIN_CASES default 10).
    const history = [
      ...Array.from({ length: 12 }, (_, i) => lifecycle(`PL-H${i}`, 'PRE-LONG', wd(-30), [['completed', `${wd(-22)}T15:00:00+08:00`]])),
      ...Array.from({ length: 3 }, (_, i) => lifecycle(`PF-H${i}`, 'PRE-FEW', wd(-30), [['completed', `${wd(-22)}T15:00:00+08:00`]])),
    ].flat();
    // Fresh open cases accepted on the last working day before today: 0 or 1 working day used of 5, so
    // not yellow (yellow from day 3). A data-quality case of the same item (delivered, never completed).
    await server.post([
      ...history,
      ...lifecycle('PL-NEW', 'PRE-LONG', wd(-1)),
      ...lifecycle('PF-NEW', 'PRE-FEW', wd(-1)),
      ...lifecycle('PL-DQ', 'PRE-LONG', wd(-1), [['delivered', `${wd(-1)}T11:00:00+08:00`]]),
    ]);
  });

  it('lists a fresh case of an item whose completed cases mostly ran long as at_risk, before it turns yellow', async () => {
    const list = await server.eventually(async () => {
      const r = await server.get<CaseList>('/api/v1/cases?warning=at_risk&limit=500');
      return r.body.cases.some((c) => c.caseId === 'PL-NEW') ? r.body : undefined;
    }, 30_000);
    const c = list.cases.find((x) => x.caseId === 'PL-NEW')!;
    // Every one of the 12 took 8 working days from acceptance: all ran past 5, probability 1, from acceptance.
    expect(c).toMatchObject({ warning: 'none', atRisk: { probability: 1, since: wd(-1) } });
    expect(list.cases.map((x) => x.caseId)).not.toContain('PF-NEW');
    // Data-quality cases are never at_risk.
    expect(list.cases.map((x) => x.caseId)).not.toContain('PL-DQ');
    const detail = (await server.get<CaseDetail>('/api/v1/cases/PL-NEW')).body;
    expect(detail.atRisk).toEqual({ probability: 1, since: wd(-1) });
  });

  it('gives no prediction (null) for an item with too few completed cases, never an invented one', async () => {
    expect((await server.get<CaseDetail>('/api/v1/cases/PF-NEW')).body.atRisk).toBeNull();
    expect((await server.get<CaseDetail>('/api/v1/cases/PL-DQ')).body.atRisk).toBeNull();
    const any = (await server.get<CaseList>('/api/v1/cases?warning=any&itemCode=PRE-FEW')).body.cases;
    expect(any.map((c) => [c.caseId, c.atRisk])).toEqual([['PF-NEW', null]]);
  });

  it('counts at-risk cases in the overview and the supervisors’ area figures', async () => {
    const o = await server.eventually(async () => {
      const b = (await server.get<{ supervision: { counts: { atRisk: number | null } } }>('/api/v1/overview')).body;
      return b.supervision.counts.atRisk !== null && b.supervision.counts.atRisk >= 1 ? b : undefined;
    });
    expect(o.supervision.counts.atRisk).toBe(1);
    const areas = (await server.get<AreaOverview>('/api/v1/supervise/areas?districtCode=500118')).body;
    expect(areas.rows.find((r) => r.code === '500118001')).toMatchObject({ atRisk: 1 });
    expect(areas.totals.atRisk).toBe(1);
  });

  it('refuses a misspelt warning', async () => {
    expect((await server.get('/api/v1/cases?warning=at-risk')).status).toBe(400);
  });
});

describe('catch-up of bad-rating clocks', () => {
  const clockRows = () => queryDataDir<{ n: number; v: number }>(server.dataDir, "SELECT count() AS n, uniqExact(event_id) AS v FROM tongban.rating_clocks WHERE case_id = 'CU-1'")[0]!;

  it('opens the clocks of bad ratings stored before the clocks existed, once, across restarts', async () => {
    // A case completed on time and rated 非常不满意 yesterday (a working day ago).
    await server.post(lifecycle('CU-1', 'PRE-FEW', wd(-3), [['completed', `${wd(-2)}T11:00:00+08:00`], ['rated', `${wd(-1)}T09:00:00+08:00`, { rating: 1 }]]));
    await server.eventually(async () => ((await server.get<CaseDetail>('/api/v1/cases/CU-1')).body.ratingClock ? true : undefined));
    // As a data dir from before the rating-clocks room: the events hold the rating, no clock and no mark.
    await server.stop();
    commandDataDir(server.dataDir, 'TRUNCATE TABLE tongban.rating_clocks');
    commandDataDir(server.dataDir, 'TRUNCATE TABLE tongban.supervision_marks');
    // Derived long after it arrived, so a start does not derive the case again (which would open the clock its
    // own way): the latest derivation is dated a day ahead.
    commandDataDir(server.dataDir, "INSERT INTO tongban.case_state (case_id, version, status) VALUES ('ZZ-LATER', now64(3) + INTERVAL 1 DAY, 'completed')");
    expect(clockRows().n).toBe(0);

    const from = server.output.length;
    await server.restart();
    expect(server.output.slice(from)).toMatch(/"opened":1,"msg":"bad-rating clocks caught up with the event log"/);
    const c = (await server.get<CaseDetail>('/api/v1/cases/CU-1')).body;
    // Rated on wd(-1): return visit due the next working day (today's), rectification the 15th.
    expect(c.ratingClock).toMatchObject({ rating: 1, returnVisitDue: cal.addWorkingDays(wd(-1), 1).date, rectificationDue: cal.addWorkingDays(wd(-1), 15).date });
    expect(c.ratingClocks).toHaveLength(1);

    // Started again: the mark says it is done, nothing is opened or written twice.
    await server.stop();
    const before = clockRows();
    expect(before).toEqual({ n: 1, v: 1 });
    const again = server.output.length;
    await server.restart();
    expect(server.output.slice(again)).not.toMatch(/caught up/);
    expect((await server.get<CaseDetail>('/api/v1/cases/CU-1')).body.ratingClocks).toHaveLength(1);
    await server.stop();
    expect(clockRows()).toEqual(before);
    await server.restart();
  });
});

// Last: it changes the server's calendar, which the relative dates above are computed with.
describe('calendar changes are repairs', () => {
  it('recomputes an open deadline when a new holiday notice is uploaded and records the change with its cause', async () => {
    // Accepted Fri 2026-11-20, promise 5: day 1…5 are Mon 11-23 … Fri 11-27, so the deadline is 11-27.
    await server.post(lifecycle('CAL-R', 'PRE-FEW', '2026-11-20'));
    const before = await server.eventually(async () => {
      const r = await server.get<CaseDetail>('/api/v1/cases/CAL-R');
      return r.status === 200 ? r.body : undefined;
    });
    expect(before).toMatchObject({ promisedDeadline: '2026-11-27', deadlineHistory: [] });
    await server.eventually(async () => ((await server.get<CaseList>('/api/v1/cases?warning=any&itemCode=PRE-FEW')).body.cases.some((c) => c.caseId === 'CAL-R') ? true : undefined));
    // A notice declaring 11-23 … 11-27 days off: day 1…5 become Mon 11-30, 12-01, 12-02, 12-03, Fri 12-04.
    const data = structuredClone(defaultCalendarData) as typeof defaultCalendarData & { years: Record<string, { off: Record<string, string>; worked: Record<string, string> }> };
    for (const d of ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27']) data.years['2026']!.off[d] = '测试假期';
    expect((await fetch(`${server.url}/api/v1/calendar`, { method: 'PUT', headers: admin, body: JSON.stringify(data) })).status).toBe(200);
    const after = await server.eventually(async () => {
      const c = (await server.get<CaseDetail>('/api/v1/cases/CAL-R')).body;
      return c.deadlineHistory.some((h) => h.clock === 'promised') ? c : undefined;
    });
    expect(after.promisedDeadline).toBe('2026-12-04');
    expect(after.deadlineHistory.find((h) => h.clock === 'promised')).toMatchObject({ caseId: 'CAL-R', from: '2026-11-27', to: '2026-12-04', cause: expect.stringMatching(/^calendar:/) });
  });
});

describe('a case page\'s bad-rating clocks', () => {
  it('are every bad rating\'s, either side of a month\'s start, and none for a case without one', async () => {
    // Two bad ratings either side of a Shanghai month's start: 00:30 on 1 November is still 31 October in UTC.
    await server.post(lifecycle('RM-1', 'PRE-FEW', '2026-10-26', [['completed', '2026-10-28T11:00:00+08:00'], ['rated', '2026-10-31T23:50:00+08:00', { rating: 2 }], ['rated', '2026-11-01T00:30:00+08:00', { rating: 1 }]]));
    await server.post(lifecycle('RM-2', 'PRE-FEW', '2026-10-26', [['completed', '2026-10-28T11:00:00+08:00'], ['rated', '2026-11-01T00:30:00+08:00', { rating: 5 }]]));
    await server.eventually(async () => ((await server.get<CaseDetail>('/api/v1/cases/RM-1')).body.ratingClocks.length === 2 ? true : undefined));
    const c = (await server.get<CaseDetail>('/api/v1/cases/RM-1')).body;
    expect(c.ratingClocks.map((k) => [k.rating, k.ratedAt])).toEqual([
      [2, '2026-10-31T23:50:00.000+08:00'],
      [1, '2026-11-01T00:30:00.000+08:00'],
    ]);
    expect((await server.get<CaseDetail>('/api/v1/cases/RM-2')).body.ratingClocks).toEqual([]);
  });
});
