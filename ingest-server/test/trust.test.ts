import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { ROUTE_ACCESS } from '../src/auth/route-access.ts';
import { caseEvents } from './events.fixture.ts';

/**
 * Who may do what, on the real server (SPEC.md "Who may do what"): the role × route matrix, district scope
 * on lists, cases, reports and live rooms, source scope, the audit, sign-in throttling, and a 10 MB body
 * from nobody answered 401 without being read.
 */
const SOURCE_TOKENS = 'dev:dev-token,yc:yc-source-token:500118';
let server: ServerProcess;
const cookies: Record<string, string> = {};
const sockets: Socket[] = [];
beforeAll(async () => {
  server = await ServerProcess.start({ SOURCE_TOKENS, ADMIN_TOKENS: 'ops:dev-admin', FLUSH_MAX_AGE_MS: '200', REPORTS_SCHEDULE: 'off' });
  for (const u of ['viewer', 'supervisor', 'analyst', 'admin', 'yongchuan']) cookies[u] = await server.signIn(u);
  const day = '2025-08-24';
  expect((await server.post([...caseEvents('YC-1', '500118', day), ...caseEvents('YC-2', '500118', day).slice(0, 2), ...caseEvents('WZ-1', '500101', day).slice(0, 2)])).status).toBe(200);
  await server.eventually(async () => ((await server.get('/api/v1/cases/WZ-1')).status === 200 ? true : undefined));
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server?.dispose();
});

type Who = 'anonymous' | 'viewer' | 'supervisor' | 'analyst' | 'admin' | 'yongchuan' | 'display' | 'source' | 'adminToken';
const EVERYONE: Who[] = ['anonymous', 'viewer', 'supervisor', 'analyst', 'admin', 'yongchuan', 'display', 'source', 'adminToken'];
const as = (who: Who) =>
  who === 'anonymous' ? {} : who === 'display' ? { token: 'dev-wall' } : who === 'source' ? { token: 'dev-token' } : who === 'adminToken' ? { token: 'dev-admin' } : { cookie: cookies[who]! };

// The expected table, written out here (not read from the server's table, so a wrong entry there fails).
const WALL: Who[] = ['viewer', 'supervisor', 'analyst', 'admin', 'yongchuan', 'display', 'adminToken'];
const SUPERVISE: Who[] = ['supervisor', 'admin', 'yongchuan', 'adminToken'];
const ANALYSE: Who[] = ['analyst', 'admin', 'adminToken'];
const ADMIN: Who[] = ['admin', 'adminToken'];
const MATRIX: Array<[string, string, Who[] | 'public']> = [
  ['GET', '/healthz', 'public'],
  ['GET', '/metrics', 'public'],
  ['POST', '/api/v1/session', 'public'],
  ['GET', '/api/v1/session', ['viewer', 'supervisor', 'analyst', 'admin', 'yongchuan']],
  ['POST', '/api/v1/events', ['source']],
  ['GET', '/api/v1/districts', WALL],
  ['GET', '/api/v1/display', WALL],
  ['GET', '/api/v1/overview', WALL],
  ['GET', '/api/v1/wall/hourly-trend', WALL],
  ['GET', '/api/v1/wall/today-rates', WALL],
  ['GET', '/api/v1/wall/item-names', WALL],
  ['GET', '/api/v1/wall/place-names?codes=500118001', WALL],
  ['GET', '/api/v1/wall/townships?districtCode=500118', WALL],
  ['GET', '/api/v1/replay?at=2025-08-24T12:00', WALL],
  ['GET', '/api/v1/replay/feed?from=2025-08-24T10:00&to=2025-08-24T11:00', WALL],
  ['GET', '/api/v1/replay/range', WALL],
  ['GET', '/api/v1/items', WALL],
  ['GET', '/api/v1/items/SC-GTGSH-BG', WALL],
  ['GET', '/api/v1/calendar', WALL],
  ['GET', '/api/v1/metrics/definitions', WALL],
  ['GET', '/api/v1/metrics/wudu?period=2025-08', WALL],
  ['GET', '/api/v1/metrics/ranking?period=2025-08', WALL],
  ['GET', '/api/v1/cases/YC-1', WALL],
  ['GET', '/api/v1/cases', SUPERVISE],
  ['GET', '/api/v1/cases/YC-1/trace', SUPERVISE],
  ['POST', '/api/v1/cases/YC-1/supervision', SUPERVISE],
  ['POST', '/api/v1/cases/YC-1/supervision/none/resolve', SUPERVISE],
  ['POST', '/api/v1/cases/YC-1/rating-followups', [...SUPERVISE, 'source']],
  ['GET', '/api/v1/bottlenecks?from=2025-08-01&to=2025-09-01', [...SUPERVISE, 'analyst']],
  ['GET', '/api/v1/supervise/areas', SUPERVISE],
  ['GET', '/api/v1/supervise/inbox', SUPERVISE],
  ['GET', '/api/v1/supervise/orders', SUPERVISE],
  ['GET', '/api/v1/supervise/settings', SUPERVISE],
  ['GET', '/api/v1/cases/export?format=csv', SUPERVISE],
  ['GET', '/api/v1/metrics/config', ANALYSE],
  ['GET', '/api/v1/metrics/rollups', ANALYSE],
  ['GET', '/api/v1/reports', ANALYSE],
  ['GET', '/api/v1/reports/monthly?period=2025-08', ANALYSE],
  ['PUT', '/api/v1/metrics/config', ADMIN],
  ['POST', '/api/v1/metrics/rollups/refresh', ADMIN],
  ['POST', '/api/v1/metrics/rollups/rebuild', ADMIN],
  ['PUT', '/api/v1/items/SC-GTGSH-BG', ADMIN],
  ['PUT', '/api/v1/calendar', ADMIN],
  ['GET', '/api/v1/rejected-events', ADMIN],
  ['GET', '/api/v1/users', ADMIN],
  ['POST', '/api/v1/users', ADMIN],
  ['PATCH', '/api/v1/users/nobody', ADMIN],
  ['GET', '/api/v1/audit', ADMIN],
  ['GET', '/api/v1/cluster', ADMIN],
  ['GET', '/api/v1/cases/YC-1/applicant', ADMIN],
];

describe('who may do what', () => {
  it('covers every route the server declares', () => {
    const tested = new Set(MATRIX.map(([m, p]) => `${m} ${p.split('?')[0]!.replace('YC-1', ':caseId').replace('/none/', '/:orderId/').replace('SC-GTGSH-BG', ':itemCode').replace('/monthly', '/:kind').replace('/nobody', '/:username')}`));
    const untested = Object.keys(ROUTE_ACCESS).filter((k) => !tested.has(k) && k !== 'DELETE /api/v1/session');
    expect(untested).toEqual([]);
  });

  it('answers every route × identity as the table says: 401 without an identity, 403 for one not allowed', async () => {
    const wrong: string[] = [];
    for (const [method, path, allowed] of MATRIX) {
      for (const who of EVERYONE) {
        // Bodies are empty objects: an allowed caller passes the access check and then meets validation.
        const body = method === 'GET' ? undefined : {};
        const r = await server.request(method, path, as(who), body);
        const expected = allowed === 'public' || allowed.includes(who) ? 'pass' : who === 'anonymous' ? 401 : 403;
        const got = r.status === 401 || r.status === 403 ? r.status : 'pass';
        if (got !== expected) wrong.push(`${method} ${path} as ${who}: ${r.status}, expected ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('confines a district supervisor to its district: lists, filters, cases and reports', async () => {
    const yc = { cookie: cookies.yongchuan! };
    const list = await server.request<{ cases: Array<{ districtCode: string }> }>('GET', '/api/v1/cases?warning=any', yc);
    expect(list.status).toBe(200);
    expect(new Set(list.body.cases.map((c) => c.districtCode))).toEqual(new Set(['500118']));
    expect((await server.request('GET', '/api/v1/cases?districtCode=500101', yc)).status).toBe(403);
    expect((await server.request('GET', '/api/v1/cases/WZ-1', yc)).status).toBe(404);
    expect((await server.request('GET', '/api/v1/cases/YC-1', yc)).status).toBe(200);
    // The wall's township tiles: its own district's townships only, another district's refused.
    const towns = await server.request<{ level: string; district: { code: string }; rows: Array<{ code: string | null }> }>('GET', '/api/v1/wall/townships', yc);
    expect(towns.status).toBe(200);
    expect(towns.body.level).toBe('township');
    expect(towns.body.district.code).toBe('500118');
    expect(towns.body.rows.length).toBeGreaterThan(0);
    for (const r of towns.body.rows) if (r.code !== null) expect(r.code.startsWith('500118')).toBe(true);
    expect((await server.request('GET', '/api/v1/wall/townships?districtCode=500101', yc)).status).toBe(403);
    const wudu = await server.request<{ scope: { districtCode?: string } }>('GET', '/api/v1/metrics/wudu?period=2025-08', yc);
    expect(wudu.body.scope.districtCode).toBe('500118');
    const report = await server.request<{ scope: { districtCode?: string } }>('GET', '/api/v1/reports/monthly?period=2025-08&format=json', { cookie: cookies.analyst! });
    expect(report.status).toBe(200);
    // The city-wide supervisor sees both districts.
    const all = await server.request<{ cases: Array<{ districtCode: string }> }>('GET', '/api/v1/cases?warning=any', { cookie: cookies.supervisor! });
    expect(new Set(all.body.cases.map((c) => c.districtCode))).toEqual(new Set(['500118', '500101']));
  });

  it('puts a district supervisor’s live connection in its room and refuses another; refuses a connection without identity', async () => {
    const anonymous = io(server.url, { transports: ['websocket'], reconnection: false });
    sockets.push(anonymous);
    const refused = await new Promise<string>((resolve) => anonymous.once('connect_error', (e) => resolve(e.message)));
    expect(refused).toMatch(/unauthorized/);

    const yc = io(server.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie: cookies.yongchuan! } });
    sockets.push(yc);
    const events: Array<{ districtCode: string }> = [];
    yc.on('case:event', (e: { districtCode: string }) => events.push(e));
    const snapshot = await new Promise<{ today: { districts: Record<string, unknown> } }>((resolve) => yc.once('snapshot', resolve));
    expect(Object.keys(snapshot.today.districts).every((d) => d === '500118')).toBe(true);
    expect(await yc.emitWithAck('join', 'district:500101')).toMatchObject({ ok: false });
    const now = new Date().toISOString();
    const live = (id: string, district: string) => ({ ...caseEvents(id, district)[0]!, occurredAt: now });
    expect((await server.post([live('LIVE-YC', '500118'), live('LIVE-WZ', '500101')])).status).toBe(200);
    await server.eventually(async () => (events.length ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(events.map((e) => e.districtCode)).toEqual(['500118']);
  });

  it('rejects by index, and keeps, an event a district-limited source may not write; the timeline names each step’s source', async () => {
    const r = await server.post([caseEvents('SRC-YC', '500118')[0], caseEvents('SRC-WZ', '500101')[0]], { token: 'yc-source-token' });
    const body = (await r.json()) as { accepted: number; rejected: Array<{ index: number; errors: string[] }> };
    expect(body.accepted).toBe(1);
    expect(body.rejected).toHaveLength(1);
    expect(body.rejected[0]!.index).toBe(1);
    expect(body.rejected[0]!.errors.join(' ')).toMatch(/district_not_allowed/);
    const kept = await server.eventually(async () => {
      const k = await server.get<{ rejected: Array<{ eventId: string; source: string }> }>('/api/v1/rejected-events');
      return k.body.rejected.find((x) => x.eventId === 'SRC-WZ.1');
    });
    expect(kept.source).toBe('yc');
    // The accepted one's timeline names the source system that sent each step.
    const detail = await server.eventually(async () => {
      const r = await server.get<{ timeline: Array<{ eventId: string; source: string | null }> }>('/api/v1/cases/SRC-YC');
      return r.status === 200 ? r.body : undefined;
    });
    expect(detail.timeline.map((t) => t.source)).toEqual(['yc']);
    // Naming its own district does not let it complete another district's open case.
    const sneaky = { eventId: 'WZ-1.yc', caseId: 'WZ-1', type: 'completed', occurredAt: '2025-08-25T10:00:00+08:00', districtCode: '500118', level: 'district' };
    const moved = (await (await server.post([sneaky], { token: 'yc-source-token' })).json()) as { accepted: number; rejected: Array<{ errors: string[] }> };
    expect(moved.accepted).toBe(0);
    expect(moved.rejected[0]!.errors.join(' ')).toMatch(/district_not_allowed: case WZ-1 belongs to district 500101/);
  });

  it('records sign-ins, case reads and 督办 in the audit, masked', async () => {
    expect((await server.request('POST', '/api/v1/session', {}, { username: 'viewer', password: 'wrong-password' })).status).toBe(401);
    const sup = { cookie: cookies.supervisor! };
    expect((await server.request('GET', '/api/v1/cases/YC-1', sup)).status).toBe(200);
    const order = await server.request<{ orderId: string }>('POST', '/api/v1/cases/YC-1/supervision', sup, { reason: '请李晓梅（13912345678）补充材料', dueOn: '2099-01-01' });
    expect(order.status).toBe(201);
    expect((await server.request('POST', `/api/v1/cases/YC-1/supervision/${order.body.orderId}/resolve`, sup, { resolution: '已办结' })).status).toBe(200);
    const audit = await server.request<{ records: Array<{ actor: string; action: string; outcome: string; target: string; ip: string }> }>('GET', '/api/v1/audit?limit=500', { cookie: cookies.admin! });
    const has = (actor: string, action: string, outcome = 'success') => audit.body.records.some((r) => r.actor === actor && r.action === action && r.outcome === outcome);
    expect(has('supervisor', 'sign_in')).toBe(true);
    expect(has('viewer', 'sign_in', 'failure')).toBe(true);
    expect(has('supervisor', 'case_read')).toBe(true);
    expect(has('supervisor', 'supervision_issued')).toBe(true);
    expect(has('supervisor', 'supervision_resolved')).toBe(true);
    expect(JSON.stringify(audit.body)).not.toContain('13912345678');
    const reason = await server.request<{ supervision: Array<{ reason: string }> }>('GET', '/api/v1/cases/YC-1', sup);
    expect(JSON.stringify(reason.body.supervision)).not.toContain('李晓梅');
  });

  it('slows down repeated wrong passwords for one person', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await server.request('POST', '/api/v1/session', {}, { username: 'analyst', password: `guess-${i}` })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toContain(429);
  });

  it('answers 401 to unauthenticated 10 MB bodies without reading them', async () => {
    // Six requests announce 10 MB bodies and send only their first kilobyte: a server that read (or parsed) a
    // body before asking who sent it could not answer any of them. A wait for an answer, not a timing.
    const announced = 10_000_000;
    const answerBeforeBody = () =>
      new Promise<number>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1');
        let answer = '';
        const gaveUp = setTimeout(() => socket.destroy(new Error(`no answer with 1 KB of a ${announced}-byte body sent`)), 60_000);
        socket.on('data', (d: Buffer) => {
          answer += d.toString('latin1');
          const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
          if (!m) return;
          clearTimeout(gaveUp);
          resolve(Number(m[1]));
          socket.destroy();
        });
        socket.on('error', reject);
        socket.on('close', () => reject(new Error(`closed without an answer: ${answer.slice(0, 200)}`)));
        socket.write(`POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${announced}\r\n\r\n[${' '.repeat(1023)}`);
      });
    const early = await Promise.all(Array.from({ length: 6 }, answerBeforeBody));
    expect(early).toEqual([401, 401, 401, 401, 401, 401]);
    // And whole 10 MB bodies sent at once: refused, never stored.
    const big = JSON.stringify(Array.from({ length: 40_000 }, (_, i) => ({ ...caseEvents(`BIG-${i}`)[0], note: 'x'.repeat(200) })));
    expect(big.length).toBeGreaterThan(9_000_000);
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () => fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big }).then((r) => r.status, () => 'reset')),
    );
    expect(statuses.every((s) => s === 401 || s === 'reset')).toBe(true);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect((await server.get<{ timeline: unknown[] }>('/api/v1/cases/BIG-0')).status).toBe(404);
  });
});
