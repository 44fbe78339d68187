/**
 * The supervisors' workspace on the real server (real chDB, real HTTP): township and village counts from
 * the open-case index, the list's filters and cursor paging, and exports holding exactly the list's rows.
 *
 * Fixture (永川区 500118, item with a 5-working-day promise; cases of today accepted just after midnight):
 *   township 500118001 中山路街道: SV-R1, SV-R2 in village …001001, SV-R3 in village …001002: red (accepted 30
 *     working days ago); SV-F1 fresh (today) in …001001.
 *   township 500118002 胜利路街道: SV-R4 red (accepted 8 working days ago: deadline 3 working days ago),
 *     and 60 fresh cases SV-B000 … SV-B059 (more than a page).
 *   no township: SV-N1 fresh. Another district (万州区 500101): SV-W1 red.
 *   =SV-EVIL: fresh, in 500118002, a case number starting with '=' (a spreadsheet must not run it).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, AreaOverviewSchema, CaseListSchema, OrderListSchema, defaultWorkingCalendar as cal, shanghaiDate, SuperviseInboxSchema, type AreaOverview, type CaseList } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';

const ITEM = {
  itemCode: 'TEST-SUP-5',
  name: '督办测试事项',
  powerType: '行政许可',
  department: '市场监管局',
  departmentCode: 'SCJG',
  level: 'district',
  statutoryLimitDays: 15,
  promisedLimitDays: 5,
  onlineDepth: 4,
  channels: ['window'],
  crossDistrict: false,
  guide: { basis: true },
};
const T1 = '500118001';
const T2 = '500118002';

let server: ServerProcess;
const today = () => shanghaiDate(Date.now());
const admin = { 'content-type': 'application/json', authorization: 'Bearer dev-admin' };

function open(caseId: string, acceptedOn: string, place: { districtCode?: string; townshipCode?: string; villageCode?: string } = {}) {
  const base = { caseId, districtCode: '500118', level: 'district', departmentCode: 'SCJG', ...place };
  const id = caseId.replace(/[^A-Za-z0-9._:-]/g, '_');
  // Today's cases just after Shanghai midnight: never in the future, whatever the hour the test runs.
  const [s, a] = acceptedOn === today() ? ['00:00:01', '00:00:02'] : ['09:30:00', '10:00:00'];
  return [
    { ...base, eventId: `${id}.s`, type: 'submitted', occurredAt: `${acceptedOn}T${s}+08:00`, itemCode: ITEM.itemCode, channel: 'window' },
    { ...base, eventId: `${id}.a`, type: 'accepted', occurredAt: `${acceptedOn}T${a}+08:00`, actorId: 'yc-017' },
  ];
}

const get = async <T>(path: string, parse: { parse: (x: unknown) => T }): Promise<T> => {
  const r = await server.get(path);
  expect(r.status, path).toBe(200);
  return parse.parse(r.body);
};
const list = (query: string) => get<CaseList>(`/api/v1/cases?${query}`, CaseListSchema);
const areas = (query: string) => get<AreaOverview>(`/api/v1/supervise/areas?${query}`, AreaOverviewSchema);
const row = (o: AreaOverview, code: string | null) => o.rows.find((r) => r.code === code);

beforeAll(async () => {
  server = await ServerProcess.start({ FLUSH_MAX_AGE_MS: '200', LOG_LEVEL: 'warn' });
  expect((await fetch(`${server.url}/api/v1/items/${ITEM.itemCode}`, { method: 'PUT', headers: admin, body: JSON.stringify(ITEM) })).status).toBe(200);
  const longAgo = cal.addWorkingDays(today(), -30).date;
  const lately = cal.addWorkingDays(today(), -8).date;
  const events = [
    ...open('SV-R1', longAgo, { townshipCode: T1, villageCode: `${T1}001` }),
    ...open('SV-R2', longAgo, { townshipCode: T1, villageCode: `${T1}001` }),
    ...open('SV-R3', longAgo, { townshipCode: T1, villageCode: `${T1}002` }),
    ...open('SV-F1', today(), { townshipCode: T1, villageCode: `${T1}001` }),
    ...open('SV-R4', lately, { townshipCode: T2 }),
    ...Array.from({ length: 60 }, (_, i) => open(`SV-B${String(i).padStart(3, '0')}`, today(), { townshipCode: T2 })).flat(),
    ...open('SV-N1', today()),
    ...open('SV-W1', longAgo, { districtCode: '500101' }),
    ...open('=SV-EVIL', today(), { townshipCode: T2 }),
  ];
  const r = await server.post(events);
  expect(r.status).toBe(200);
  expect(((await r.json()) as { rejected: unknown[] }).rejected).toEqual([]);
  // Every case derived into the index.
  await server.eventually(async () => ((await list('districtCode=500118&limit=1')).total === 67 ? true : undefined), 30_000);
}, 180_000);
afterAll(async () => {
  await server?.dispose();
});

describe('the supervisors workspace', () => {
  it('counts a district by township and a township by village, from the open cases', async () => {
    const district = await areas('districtCode=500118');
    expect(district).toMatchObject({ level: 'township', district: { code: '500118', name: '永川区' } });
    expect(row(district, T1)).toMatchObject({ name: '中山路街道', open: 4, red: 3, yellow: 0, dataQuality: 0, atRisk: null, overdueRate: 0.75 });
    expect(row(district, T2)).toMatchObject({ name: '胜利路街道', open: 62, red: 1 });
    // Cases whose events named no township are counted, under 未记录.
    expect(row(district, null)).toMatchObject({ name: '未记录', open: 1, red: 0, overdueRate: 0 });
    // Every township of the tree is listed; one without open cases has no rate (0 of 0 is not 0%).
    const quiet = district.rows.find((r) => r.code !== null && r.code !== T1 && r.code !== T2)!;
    expect(quiet).toMatchObject({ open: 0, overdueRate: null });
    expect(district.totals).toMatchObject({ open: 67, red: 4 });

    const township = await areas(`townshipCode=${T1}`);
    expect(township).toMatchObject({ level: 'village', township: { code: T1, name: '中山路街道' }, district: { code: '500118' } });
    expect(row(township, `${T1}001`)).toMatchObject({ open: 3, red: 2 });
    expect(row(township, `${T1}002`)).toMatchObject({ open: 1, red: 1 });

    const city = await areas('');
    expect(row(city, '500118')).toMatchObject({ open: 67, red: 4 });
    expect(row(city, '500101')).toMatchObject({ open: 1, red: 1 });
  });

  it('filters the list by township, village, warning, red-since and case number, and pages it by cursor', async () => {
    const reds = await list(`townshipCode=${T1}&warning=red&limit=2`);
    expect(reds.total).toBe(3);
    expect(reds.cases).toHaveLength(2);
    const rest = await list(`townshipCode=${T1}&warning=red&limit=2&cursor=${reds.nextCursor}`);
    expect(rest.nextCursor).toBeNull();
    expect([...reds.cases, ...rest.cases].map((c) => c.caseId).sort()).toEqual(['SV-R1', 'SV-R2', 'SV-R3']);
    expect((await list(`villageCode=${T1}001`)).cases.map((c) => c.caseId).sort()).toEqual(['SV-F1', 'SV-R1', 'SV-R2']);

    // Red since the day after SV-R4's deadline: SV-R4, not the cases red for weeks.
    const r4 = (await list('q=sv-r4')).cases;
    expect(r4.map((c) => c.caseId)).toEqual(['SV-R4']);
    const since = await list(`districtCode=500118&redSince=${addCalendarDays(r4[0]!.promisedDeadline!, 1)}`);
    expect(since.cases.map((c) => c.caseId)).toEqual(['SV-R4']);

    // Every page of 25 over the 67 cases of the district, in the chosen order, each case once.
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: CaseList = await list(`districtCode=500118&sort=submitted_desc&limit=25${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.cases.map((c) => c.caseId));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(67);
    expect(seen.slice(-3).sort()).toEqual(['SV-R1', 'SV-R2', 'SV-R3']);
    expect((await server.get('/api/v1/cases?nope=1')).status).toBe(400);
  });

  it('filters by 督办 status and counts open orders where their case is, in the inbox too', async () => {
    const issued = await fetch(`${server.url}/api/v1/cases/SV-R3/supervision`, { method: 'POST', headers: admin, body: JSON.stringify({ reason: '超期未办结', dueOn: today() }) });
    expect(issued.status).toBe(201);
    const { orderId } = (await issued.json()) as { orderId: string };
    expect((await list('supervision=open')).cases.map((c) => c.caseId)).toEqual(['SV-R3']);
    expect((await list(`townshipCode=${T1}&supervision=none`)).total).toBe(3);
    expect(row(await areas(`townshipCode=${T1}`), `${T1}002`)).toMatchObject({ openOrders: 1, overdueOrders: 0 });
    const inbox = await get('/api/v1/supervise/inbox?districtCode=500118', SuperviseInboxSchema);
    expect(inbox.ordersDue.orders).toEqual([expect.objectContaining({ orderId, caseId: 'SV-R3', clock: 'due_soon', districtCode: '500118', escalation: { level: 'none', yellowCardOn: null, redCardOn: null } })]);
    const orders = await get('/api/v1/supervise/orders?districtCode=500118&status=due_soon', OrderListSchema);
    expect(orders.orders.map((o) => o.orderId)).toEqual([orderId]);
    expect((await get('/api/v1/supervise/orders?districtCode=500101', OrderListSchema)).total).toBe(0);
    expect(inbox.newRed.count).toBe((await list(`districtCode=500118&redSince=${addCalendarDays(today(), -1)}`)).total);

    const resolved = await fetch(`${server.url}/api/v1/cases/SV-R3/supervision/${orderId}/resolve`, { method: 'POST', headers: admin, body: JSON.stringify({ resolution: '已办结' }) });
    expect(resolved.status).toBe(200);
    expect((await list('supervision=open')).total).toBe(0);
    expect((await get('/api/v1/supervise/orders?status=resolved', OrderListSchema)).orders).toEqual([expect.objectContaining({ orderId, clock: 'resolved', resolution: '已办结' })]);
    expect(row(await areas(`townshipCode=${T1}`), `${T1}002`)).toMatchObject({ openOrders: 0 });
  });

  it('exports exactly the list, every row, as CSV and XLSX, with formulas neutralised', async () => {
    const query = `districtCode=500118&townshipCode=${T2}`;
    const { total } = await list(query);
    expect(total).toBe(62);

    const csv = await fetch(`${server.url}/api/v1/cases/export?${query}&format=csv`, { headers: admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).split('\r\n').filter((l) => l.length);
    expect(lines).toHaveLength(total + 1);
    expect(lines.some((l) => l.startsWith("'=SV-EVIL,"))).toBe(true);

    const xlsx = await fetch(`${server.url}/api/v1/cases/export?${query}&format=xlsx`, { headers: admin });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.actualRowCount).toBe(total + 1);
    const ids = (sheet.getColumn(1).values as unknown[]).slice(2).map(String);
    expect(ids).toContain("'=SV-EVIL");
    expect(ids).toEqual((await list(`${query}&limit=500`)).cases.map((c) => (c.caseId.startsWith('=') ? `'${c.caseId}` : c.caseId)));
    expect((await server.get('/api/v1/cases/export?format=pdf')).status).toBe(400);
    expect((await server.get('/api/v1/cases/export?format=csv&townshp=1')).status).toBe(400);
    // The download is audited.
    const audit = await server.get<{ records: Array<{ action: string; target: string }> }>('/api/v1/audit?action=export_download&limit=10');
    expect(audit.body.records.some((r) => r.target.includes('format=xlsx'))).toBe(true);
  });

  it('confines a district supervisor to its district, and shows a city supervisor every district', async () => {
    const yc = { cookie: await server.signIn('yongchuan') };
    const own = await server.request<AreaOverview>('GET', '/api/v1/supervise/areas', yc);
    expect(own.status).toBe(200);
    expect(AreaOverviewSchema.parse(own.body)).toMatchObject({ level: 'township', district: { code: '500118' }, totals: { open: 67 } });
    expect((await server.request('GET', '/api/v1/supervise/areas?districtCode=500101', yc)).status).toBe(403);
    // Another district's township is nothing at all for it.
    expect(AreaOverviewSchema.parse((await server.request('GET', '/api/v1/supervise/areas?townshipCode=500101001', yc)).body).totals.open).toBe(0);
    const exported = await server.request<string>('GET', '/api/v1/cases/export?format=csv&warning=red', yc);
    expect(exported.body.split('\r\n').filter((l) => l.length)).toHaveLength(4 + 1);
    expect(exported.body).not.toContain('SV-W1');
    expect((await server.request('GET', '/api/v1/cases/SV-W1', yc)).status).toBe(404);

    const city = { cookie: await server.signIn('supervisor') };
    const all = AreaOverviewSchema.parse((await server.request('GET', '/api/v1/supervise/areas', city)).body);
    expect(all.level).toBe('district');
    expect(all.totals.open).toBe(68);
  });
});
