import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { defaultCalendarData, defaultWorkingCalendar as cal, shanghaiDate } from '@tongban/shared';
import { APPLICANT } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/** A test item with known limits: 5 working days promised, 15 statutory, at least 10 minutes of handling. */
const ITEM = {
  itemCode: 'TEST-GTGSH-BG',
  name: '个体工商户变更登记',
  powerType: '行政许可',
  department: '市场监管局',
  departmentCode: 'SCJG',
  level: 'district',
  statutoryLimitDays: 15,
  promisedLimitDays: 5,
  onlineDepth: 4,
  channels: ['window', 'pc'],
  crossDistrict: true,
  minHandlingMinutes: 10,
  guide: { basis: true },
};

type Summary = { caseId: string; warning: string; daysOverdue: number; itemName: string; districtName: string; promisedDeadline: string | null };
type CaseBody = {
  status: string;
  warning: string;
  flags: string[];
  promisedDeadline: string | null;
  provisional: boolean;
  supervision: Array<{ orderId: string; status: string; reason: string }>;
  timeline: Array<{ type: string }>;
  applicant: { name: string };
};

let server: ServerProcess;
const sockets: Socket[] = [];
const today = () => shanghaiDate(Date.now());
/**
 * Today when it is a working day, else the working day before: a deadline counted from it is as far from
 * today in working days on a weekend or holiday as on a working day (days overdue count working days only).
 */
const lastWorkingDay = () => (cal.isWorkingDay(today()).working ? today() : cal.addWorkingDays(today(), -1).date);

beforeAll(async () => {
  server = await ServerProcess.start();
  const r = await fetch(`${server.url}/api/v1/items/${ITEM.itemCode}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: 'Bearer dev-admin' },
    body: JSON.stringify(ITEM),
  });
  expect(r.status).toBe(200);
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server?.dispose();
});

/** A case submitted and accepted at 10:00 on `acceptedOn`, with more steps. */
function lifecycle(caseId: string, acceptedOn: string, steps: Array<[string, string, Record<string, unknown>?]> = []) {
  const base = { caseId, districtCode: '500118', level: 'district', departmentCode: 'SCJG' };
  return [
    { ...base, eventId: `${caseId}.s`, type: 'submitted', occurredAt: `${acceptedOn}T09:30:00+08:00`, itemCode: ITEM.itemCode, channel: 'window', applicant: APPLICANT },
    { ...base, eventId: `${caseId}.a`, type: 'accepted', occurredAt: `${acceptedOn}T10:00:00+08:00`, actorId: 'yc-scj-017' },
    ...steps.map(([type, occurredAt, extra], i) => ({ ...base, eventId: `${caseId}.${i}`, type, occurredAt, actorId: 'yc-scj-018', ...extra })),
  ];
}

const caseOf = (id: string) => server.get<CaseBody>(`/api/v1/cases/${id}`);
const redList = async () => (await server.get<{ cases: Summary[] }>('/api/v1/cases?warning=red&limit=500')).body.cases;

describe('the supervision engine', () => {
  it('lists a case past its promised deadline as red, most overdue first, and says so live', async () => {
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: { district: '500118', token: 'dev-admin' } });
    sockets.push(socket);
    const warnings: Summary[] = [];
    socket.on('case:warning', (w: Summary) => warnings.push(w));
    await new Promise((r) => socket.once('snapshot', r));

    const longAgo = cal.addWorkingDays(lastWorkingDay(), -30).date;
    const lately = cal.addWorkingDays(lastWorkingDay(), -8).date;
    await server.post([...lifecycle('RED-OLD', longAgo), ...lifecycle('RED-NEW', lately), ...lifecycle('FRESH', today())]);

    const reds = await server.eventually(async () => {
      const l = await redList();
      return l.some((c) => c.caseId === 'RED-NEW') && l.some((c) => c.caseId === 'RED-OLD') ? l : undefined;
    });
    const ids = reds.map((c) => c.caseId);
    expect(ids.indexOf('RED-OLD')).toBeLessThan(ids.indexOf('RED-NEW'));
    expect(ids).not.toContain('FRESH');
    const old = reds.find((c) => c.caseId === 'RED-OLD')!;
    expect(old.daysOverdue).toBe(25);
    expect(old).toMatchObject({ itemName: '个体工商户变更登记', districtName: '永川区' });

    await server.eventually(async () => (warnings.some((w) => w.caseId === 'RED-OLD' && w.warning === 'red') ? true : undefined));
    expect(JSON.stringify(warnings)).not.toContain(APPLICANT.name);
  });

  it('turns a case yellow when 2 working days or fewer remain', async () => {
    await server.post(lifecycle('YELLOW-1', cal.addWorkingDays(lastWorkingDay(), -3).date));
    const c = await server.eventually(async () => {
      const r = await caseOf('YELLOW-1');
      return r.status === 200 ? r.body : undefined;
    });
    expect(c.warning).toBe('yellow');
    expect(c.promisedDeadline).toBe(cal.addWorkingDays(cal.addWorkingDays(lastWorkingDay(), -3).date, 5).date);
  });

  it('drops a case from the red list once it completes, and keeps it late', async () => {
    const acceptedOn = cal.addWorkingDays(today(), -10).date;
    await server.post(lifecycle('LATE-1', acceptedOn));
    await server.eventually(async () => ((await redList()).some((c) => c.caseId === 'LATE-1') ? true : undefined));
    await server.post(lifecycle('LATE-1', acceptedOn, [['completed', `${today()}T00:01:00+08:00`, { visits: 1 }]]).slice(2));
    await server.eventually(async () => ((await redList()).some((c) => c.caseId === 'LATE-1') ? undefined : true));
    const c = (await caseOf('LATE-1')).body;
    expect(c).toMatchObject({ status: 'completed', warning: 'red' });
  });

  it('derives a case from occurrence order when its events arrive out of order, and keeps data-quality flags apart', async () => {
    const day = cal.addWorkingDays(today(), -1).date;
    const evs = lifecycle('OOO-1', day, [
      ['reviewed', `${day}T10:30:00+08:00`],
      ['completed', `${day}T11:00:00+08:00`],
    ]);
    await server.post([evs[3], evs[1]]);
    await server.post([evs[2], evs[0]]);
    const c = await server.eventually(async () => {
      const r = await caseOf('OOO-1');
      return r.status === 200 && r.body.timeline.length === 4 ? r.body : undefined;
    });
    expect(c.timeline.map((t) => t.type)).toEqual(['submitted', 'accepted', 'reviewed', 'completed']);
    expect(c.status).toBe('completed');
    expect(c.flags).toEqual([]);
    expect(c.applicant.name).toMatch(/^李\*+$/);

    await server.post(lifecycle('FAST-1', day, [['completed', `${day}T10:03:00+08:00`]]).filter((e) => e.type !== 'accepted'));
    const fast = await server.eventually(async () => {
      const r = await caseOf('FAST-1');
      return r.status === 200 && r.body.status === 'completed' ? r.body : undefined;
    });
    expect(fast.flags).toContain('completion_before_acceptance');
    expect(fast.warning).toBe('none');
  });

  it('flags a completion faster than the item’s minimum handling time', async () => {
    const day = today();
    const evs = [
      { eventId: 'TOOFAST.s', caseId: 'TOOFAST', type: 'submitted', occurredAt: `${day}T00:01:00+08:00`, itemCode: ITEM.itemCode, channel: 'pc', districtCode: '500118', level: 'district' },
      { eventId: 'TOOFAST.a', caseId: 'TOOFAST', type: 'accepted', occurredAt: `${day}T00:02:00+08:00`, districtCode: '500118', level: 'district' },
      { eventId: 'TOOFAST.c', caseId: 'TOOFAST', type: 'completed', occurredAt: `${day}T00:04:00+08:00`, districtCode: '500118', level: 'district' },
    ];
    await server.post(evs);
    const c = await server.eventually(async () => {
      const r = await caseOf('TOOFAST');
      return r.status === 200 && r.body.status === 'completed' ? r.body : undefined;
    });
    expect(c.flags).toEqual(['too_fast']);
  });

  it('issues a 督办 order, shows it on the case and resolves it', async () => {
    await server.post(lifecycle('DB-1', cal.addWorkingDays(today(), -20).date));
    await server.eventually(async () => ((await caseOf('DB-1')).status === 200 ? true : undefined));
    const post = (path: string, body: unknown, token = 'dev-admin') =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

    expect((await post('/api/v1/cases/DB-1/supervision', { reason: '超期未办结', dueOn: today() }, 'dev-token')).status).toBe(403);
    expect((await post('/api/v1/cases/DB-1/supervision', { reason: '超期未办结', dueOn: 'tomorrow' })).status).toBe(400);
    expect((await post('/api/v1/cases/NOPE/supervision', { reason: '超期未办结', dueOn: today() })).status).toBe(404);
    const issued = await post('/api/v1/cases/DB-1/supervision', { reason: '超期未办结，请于期限内办结并说明原因', dueOn: cal.addWorkingDays(today(), 3).date });
    expect(issued.status).toBe(201);
    const order = (await issued.json()) as { orderId: string; issuer: string; status: string };
    expect(order).toMatchObject({ issuer: 'dev-admin', status: 'open' });

    expect((await caseOf('DB-1')).body.supervision).toEqual([expect.objectContaining({ orderId: order.orderId, status: 'open', reason: '超期未办结，请于期限内办结并说明原因' })]);
    const resolved = await post(`/api/v1/cases/DB-1/supervision/${order.orderId}/resolve`, { resolution: '已办结' });
    expect(resolved.status).toBe(200);
    expect((await caseOf('DB-1')).body.supervision[0]).toMatchObject({ status: 'resolved' });
  });

  it('traces who held a case, and finds the stage that holds cases longest', async () => {
    const day = cal.addWorkingDays(today(), -2).date;
    await server.post(lifecycle('TR-1', day, [['reviewed', `${day}T16:00:00+08:00`], ['approved', `${day}T16:30:00+08:00`]]));
    const t = await server.eventually(async () => {
      const r = await server.get<{ periods: Array<{ stage: string; actorId: string; minutes: number }> }>('/api/v1/cases/TR-1/trace');
      return r.status === 200 && r.body.periods.length === 4 ? r.body : undefined;
    });
    expect(t.periods.slice(0, 3).map((p) => [p.stage, p.actorId, p.minutes])).toEqual([
      ['submitted', null, 30],
      ['accepted', 'yc-scj-017', 360],
      ['reviewed', 'yc-scj-018', 30],
    ]);
    // Bottlenecks read the stored log (a flush behind the acknowledgement).
    const rows = await server.eventually(async () => {
      const b = await server.get<{ rows: Array<{ stage: string; department: string; steps: number; avgMinutes: number }> }>(`/api/v1/bottlenecks?from=${day}&to=${day}&by=stage,department&districtCode=500118`);
      return b.status === 200 && b.body.rows.some((r) => r.stage === 'reviewed') ? b.body.rows : undefined;
    });
    expect(rows[0]).toMatchObject({ stage: 'accepted', department: 'SCJG' });
    expect((await server.get(`/api/v1/bottlenecks?from=${day}&to=${day}&by=colour`)).status).toBe(400);
  });

  it('recomputes open deadlines when next year’s holiday notice is uploaded', async () => {
    // Accepted on the last working day of the covered data: the deadline falls in an uncovered year.
    const acceptedOn = '2026-12-31';
    await server.post(lifecycle('CAL-1', acceptedOn).map((e) => ({ ...e, occurredAt: e.occurredAt.replace(acceptedOn, '2026-11-20') })));
    // (accepted 2026-11-20 with 5 days → 2026-11-27: covered) — the provisional case is a 2027 one:
    const provisional = lifecycle('CAL-2', '2026-11-20');
    await server.post(provisional);
    const before = await server.eventually(async () => {
      const r = await caseOf('CAL-2');
      return r.status === 200 ? r.body : undefined;
    });
    expect(before.provisional).toBe(false);

    // Upload a calendar that also covers 2027 and declares 2026-11-23…11-27 a holiday week (a test notice).
    const data = structuredClone(defaultCalendarData) as typeof defaultCalendarData & { years: Record<string, { off: Record<string, string>; worked: Record<string, string> }> };
    for (const d of ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27']) data.years['2026']!.off[d] = '测试假期';
    const r = await fetch(`${server.url}/api/v1/calendar`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: 'Bearer dev-admin' }, body: JSON.stringify(data) });
    expect(r.status).toBe(200);
    const after = await server.eventually(async () => {
      const c = (await caseOf('CAL-2')).body;
      return c.promisedDeadline !== before.promisedDeadline ? c : undefined;
    });
    expect(before.promisedDeadline).toBe('2026-11-27');
    expect(after.promisedDeadline).toBe('2026-12-04');
    // The open-case list is recomputed too (by the projector, shortly after).
    const listed = await server.eventually(async () => {
      const c = (await server.get<{ cases: Summary[] }>('/api/v1/cases?warning=any&limit=500')).body.cases.find((x) => x.caseId === 'CAL-2');
      return c?.promisedDeadline === '2026-12-04' ? c : undefined;
    });
    expect(listed.promisedDeadline).toBe('2026-12-04');
  });

  it('rebuilds the open-case index after a crash, red cases and all', async () => {
    const before = (await redList()).map((c) => c.caseId).sort();
    expect(before.length).toBeGreaterThan(0);
    await server.stop('SIGKILL');
    await server.restart();
    expect((await redList()).map((c) => c.caseId).sort()).toEqual(before);
  });
});
