/**
 * 督办 escalation on the real server (real chDB, real HTTP, real Socket.IO): an order left unresolved past
 * its due date is escalated 黄牌 → 红牌, each step recorded once in `supervision_escalations` with its date,
 * announced live (`supervision:overdue`) to the city feed and its district's room, shown on the case and in
 * the 督办 list; a restart records and announces nothing again. The due dates are moved into the past while
 * the server is stopped (an order cannot be issued due in the past), so the restart is what sees them pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { addCalendarDays, CaseDetailSchema, defaultWorkingCalendar as cal, OrderListSchema, shanghaiDate, SuperviseSettingsSchema, SupervisionOverdueSchema, type SupervisionOverdue } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { commandDataDir } from './chdb-command.ts';
import { queryDataDir } from './chdb-query.ts';

const ITEM = {
  itemCode: 'TEST-ESC-5', name: '督办升级测试事项', powerType: '行政许可', department: '市场监管局', departmentCode: 'SCJG', level: 'district',
  statutoryLimitDays: 15, promisedLimitDays: 5, onlineDepth: 4, channels: ['window'], crossDistrict: false, guide: { basis: true },
};
const admin = { 'content-type': 'application/json', authorization: 'Bearer dev-admin' };
const today = () => shanghaiDate(Date.now());

let server: ServerProcess;
const sockets: Socket[] = [];

function openCase(caseId: string, districtCode: string) {
  const day = cal.addWorkingDays(today(), -30).date;
  const base = { caseId, districtCode, level: 'district', departmentCode: 'SCJG' };
  return [
    { ...base, eventId: `${caseId}.s`, type: 'submitted', occurredAt: `${day}T09:30:00+08:00`, itemCode: ITEM.itemCode, channel: 'window' },
    { ...base, eventId: `${caseId}.a`, type: 'accepted', occurredAt: `${day}T10:00:00+08:00`, actorId: 'yc-017' },
  ];
}

async function issue(caseId: string): Promise<string> {
  const r = await fetch(`${server.url}/api/v1/cases/${caseId}/supervision`, { method: 'POST', headers: admin, body: JSON.stringify({ reason: '超期未办结', dueOn: today() }) });
  expect(r.status).toBe(201);
  return ((await r.json()) as { orderId: string }).orderId;
}

/** A socket that keeps reconnecting quickly (it is opened while the server is down), collecting escalations. */
function listen(auth: Record<string, string>): SupervisionOverdue[] {
  const got: SupervisionOverdue[] = [];
  const socket = io(server.url, { auth: { token: 'dev-admin', ...auth }, transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 200 });
  sockets.push(socket);
  socket.on('supervision:overdue', (m: unknown) => got.push(SupervisionOverdueSchema.parse(m)));
  return got;
}

/** Moves an order's due date (a new version of its row, as the store writes one). */
const moveDue = (orderId: string, dueOn: string) =>
  commandDataDir(
    server.dataDir,
    `INSERT INTO tongban.supervision_orders SELECT order_id, case_id, now64(3), issued_at, issuer, reason, toDate('${dueOn}'), status, resolved_at, resolution
     FROM tongban.supervision_orders FINAL WHERE order_id = toUUID('${orderId}')`,
  );

let red: string;
let yellow: string;
let other: string;
const dueRed = () => cal.addWorkingDays(today(), -7).date;
const dueYellow = () => addCalendarDays(today(), -1);

beforeAll(async () => {
  server = await ServerProcess.start({ FLUSH_MAX_AGE_MS: '200', LOG_LEVEL: 'warn', SUPERVISION_DUE_WORKING_DAYS: '2' });
  expect((await fetch(`${server.url}/api/v1/items/${ITEM.itemCode}`, { method: 'PUT', headers: admin, body: JSON.stringify(ITEM) })).status).toBe(200);
  expect((await server.post([...openCase('ESC-1', '500118'), ...openCase('ESC-2', '500118'), ...openCase('ESC-3', '500118')])).status).toBe(200);
  await server.eventually(async () => ((await server.get<{ total: number }>('/api/v1/cases?districtCode=500118&limit=1')).body.total === 3 ? true : undefined), 30_000);
  red = await issue('ESC-1');
  yellow = await issue('ESC-2');
  other = await issue('ESC-3');
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server?.dispose();
});

describe('督办 escalation', () => {
  it('serves the configured settings to the page', async () => {
    const r = await server.get('/api/v1/supervise/settings');
    expect(SuperviseSettingsSchema.parse(r.body)).toEqual({ defaultDueWorkingDays: 2, redCardAfterDays: 5 });
    expect((await server.get('/api/v1/supervise/settings', 'dev-wall')).status).toBe(403);
  });

  it('records 黄牌 and 红牌 once each, with their dates, announces them live and shows them on the case and in the 督办 list', async () => {
    // Nothing escalates while the orders are within their due date.
    const before = CaseDetailSchema.parse((await server.get('/api/v1/cases/ESC-1')).body);
    expect(before.supervision[0]!.escalation).toEqual({ level: 'none', yellowCardOn: null, redCardOn: null });

    expect(await server.stop()).toBe(0);
    moveDue(red, dueRed());
    moveDue(yellow, dueYellow());
    const district = listen({ district: '500118' });
    const elsewhere = listen({ district: '500101' });
    await server.restart();

    const yellowOn = (due: string) => addCalendarDays(due, 1);
    const redOn = cal.addWorkingDays(dueRed(), 5).date;
    await server.eventually(async () => (district.length >= 3 ? true : undefined), 20_000);
    const steps = district.map((m) => [m.caseId, m.orderId, m.level, m.escalatedOn, m.districtCode, m.districtName]).sort();
    expect(steps).toEqual(
      [
        ['ESC-1', red, 'red_card', redOn, '500118', '永川区'],
        ['ESC-1', red, 'yellow_card', yellowOn(dueRed()), '500118', '永川区'],
        ['ESC-2', yellow, 'yellow_card', yellowOn(dueYellow()), '500118', '永川区'],
      ].sort(),
    );
    expect(elsewhere).toEqual([]);

    const c1 = CaseDetailSchema.parse((await server.get('/api/v1/cases/ESC-1')).body);
    expect(c1.supervision[0]).toMatchObject({ clock: 'overdue', escalation: { level: 'red_card', yellowCardOn: yellowOn(dueRed()), redCardOn: redOn } });
    const listed = OrderListSchema.parse((await server.get('/api/v1/supervise/orders?districtCode=500118')).body);
    const byId = new Map(listed.orders.map((o) => [o.orderId, o]));
    expect(byId.get(yellow)!.escalation).toEqual({ level: 'yellow_card', yellowCardOn: yellowOn(dueYellow()), redCardOn: null });
    expect(byId.get(other)!.escalation.level).toBe('none');

    // Resolving keeps what it reached.
    const r = await fetch(`${server.url}/api/v1/cases/ESC-2/supervision/${yellow}/resolve`, { method: 'POST', headers: admin, body: JSON.stringify({ resolution: '已办结' }) });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { escalation: { level: string } }).escalation.level).toBe('yellow_card');
  });

  it('records and announces nothing again after a restart', async () => {
    expect(await server.stop()).toBe(0);
    const again = listen({});
    await server.restart();
    // The first escalation tick runs at the end of start-up; a few more pass while the page is read.
    await server.eventually(async () => ((await server.get<{ supervision: unknown[] }>('/api/v1/cases/ESC-1')).status === 200 ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(again).toEqual([]);
    expect(await server.stop()).toBe(0);
    const rows = queryDataDir<{ order_id: string; level: string; n: number }>(server.dataDir, 'SELECT toString(order_id) AS order_id, level, count() AS n FROM tongban.supervision_escalations GROUP BY order_id, level ORDER BY order_id, level');
    expect(rows.map((r) => [r.order_id, r.level, Number(r.n)]).sort()).toEqual([[red, 'red_card', 1], [red, 'yellow_card', 1], [yellow, 'yellow_card', 1]].sort());
  });
});
