/**
 * The supervisors' workspace in Chromium against the real server (real chDB, real HTTP): drill the city →
 * 永川区 → 中山路街道 → a village's red cases, the list's URL reproducing the view, search by case number,
 * one case with its 倒查, a 督办 issued, seen in the 督办 list and resolved; a case turning red appearing in an
 * open list (marked 新) and in a district's counts, live; a case number that does not exist says so; the district page fits a 1366×768 laptop.
 * A city supervisor signs in through the form; 永川区's supervisor cannot open another district's case.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { addCalendarDays, defaultWorkingCalendar as cal, shanghaiDate } from '@tongban/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { REPO_ROOT, ensureDashboardBuilt, launchWallBrowser, type WallBrowser } from './browser-harness.ts';
import { shanghaiIso } from './wall-traffic.ts';

const ITEM = {
  itemCode: 'TEST-SUP-UI',
  name: '督办页面测试事项',
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
const V1 = '500118001001';

let server: ServerProcess;
let browser: WallBrowser;
let page: Page;
const errors: string[] = [];

/** A case accepted on `day` (Asia/Shanghai) at 10:00, reviewed by yc-scj-018 the next morning. */
function oldCase(caseId: string, day: string, place: Record<string, string>) {
  const base = { caseId, districtCode: '500118', level: 'district', departmentCode: 'SCJG', ...place };
  return [
    { ...base, eventId: `${caseId}.s`, type: 'submitted', occurredAt: `${day}T09:30:00+08:00`, itemCode: ITEM.itemCode, channel: 'window' },
    { ...base, eventId: `${caseId}.a`, type: 'accepted', occurredAt: `${day}T10:00:00+08:00`, actorId: 'yc-scj-017' },
    { ...base, eventId: `${caseId}.r`, type: 'reviewed', occurredAt: `${day}T16:00:00+08:00`, actorId: 'yc-scj-018' },
  ];
}

const hash = () => page.evaluate(() => window.location.hash);

/** Signs a development person in through the page's own form (the session cookie then holds for the context). */
async function signIn(p: Page, username: string) {
  await p.goto(server.url);
  await p.getByLabel('用户名').fill(username);
  await p.getByLabel('密码').fill('dev-password');
  await p.getByRole('button', { name: '登录' }).click();
  await p.getByTestId('session-badge').waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  const dist = await ensureDashboardBuilt();
  server = await ServerProcess.start({ DASHBOARD_DIR: dist, FLUSH_MAX_AGE_MS: '200', LOG_LEVEL: 'warn' });
  const put = await fetch(`${server.url}/api/v1/items/${ITEM.itemCode}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: 'Bearer dev-admin' }, body: JSON.stringify(ITEM) });
  expect(put.status).toBe(200);
  // Six weeks ago: red for weeks, whatever today is.
  const longAgo = shanghaiIso(Date.now() - 42 * 86_400_000).slice(0, 10);
  const r = await server.post([
    ...oldCase('SUP-UI-1', longAgo, { townshipCode: T1, villageCode: V1 }),
    ...oldCase('SUP-UI-2', longAgo, { townshipCode: T1, villageCode: V1 }),
    ...oldCase('SUP-UI-3', longAgo, { townshipCode: T1, villageCode: `${T1}002` }),
    ...oldCase('SUP-UI-4', longAgo, { townshipCode: '500118002' }),
    ...oldCase('SUP-UI-W', longAgo, { districtCode: '500101' }),
  ]);
  expect(r.status).toBe(200);
  await server.eventually(async () => ((await server.get<{ total: number }>('/api/v1/cases?warning=red&limit=1')).body.total === 5 ? true : undefined), 30_000);
  browser = await launchWallBrowser({ width: 1920, height: 1080 });
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`);
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('the supervisors workspace in Chromium', () => {
  it('drills the city → a district → a township → a village’s red cases, and the list link reproduces the view', async () => {
    await signIn(page, 'supervisor');
    await page.goto(`${server.url}/#/supervise`);
    const table = page.getByTestId('area-table');
    await table.locator('tr[data-area="500118"]').waitFor();
    await expect.poll(() => table.locator('tr[data-area="500118"] td').nth(2).innerText()).toBe('4');
    await page.getByTestId('inbox').waitFor();
    mkdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'supervise.png') });

    // The map drills down too: a click on 永川区.
    await page.locator('[data-testid="mini-map"] path[data-code="500118"]').click();
    await expect.poll(hash).toBe('#/supervise/district/500118');
    const township = table.locator(`tr[data-area="${T1}"]`);
    await expect.poll(() => township.locator('td').nth(2).innerText()).toBe('3');
    await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'supervise-district.png') });
    await township.locator('th a').click();
    await expect.poll(hash).toBe(`#/supervise/district/500118/township/${T1}`);
    await expect.poll(() => page.locator('.sv-crumbs').innerText()).toContain('永川区');
    await expect.poll(() => table.locator(`tr[data-area="${V1}"] td`).nth(2).innerText()).toBe('2');
    await expect.poll(() => page.locator('.sv-crumbs').innerText()).toContain('中山路街道');
    await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'supervise-township.png') });

    // The village's red count opens its red cases.
    await table.locator(`tr[data-area="${V1}"] td`).nth(2).locator('a').click();
    await expect.poll(hash).toBe(`#/cases?districtCode=500118&villageCode=${V1}&warning=red`);
    const rows = page.getByTestId('case-table').locator('tbody tr[data-case-id]');
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case-id')).sort())).toEqual(['SUP-UI-1', 'SUP-UI-2']);

    // The same link in a fresh page shows the same list.
    const again = await browser.context.newPage();
    await again.goto(`${server.url}/#/cases?districtCode=500118&villageCode=${V1}&warning=red`);
    await expect.poll(() => again.getByTestId('case-table').locator('tbody tr[data-case-id]').count()).toBe(2);
    await expect.poll(() => again.locator('select[name="warning"]').inputValue()).toBe('red');
    await again.close();

    // Search by case number, from the whole district's list.
    await page.goto(`${server.url}/#/cases?districtCode=500118`);
    await expect.poll(() => rows.count()).toBe(4);
    await page.locator('input[name="q"]').fill('UI-3');
    await page.locator('input[name="q"]').press('Enter');
    await expect.poll(hash).toBe('#/cases?districtCode=500118&q=UI-3');
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case-id')))).toEqual(['SUP-UI-3']);
  });

  it('opens a case with its clocks and 倒查, issues a 督办, sees it listed, and resolves it', async () => {
    await page.locator('tr[data-case-id="SUP-UI-3"] a').first().click();
    await expect.poll(hash).toBe('#/cases/SUP-UI-3');
    await expect.poll(() => page.getByTestId('case-warning').innerText()).toBe('红色超期');
    await expect.poll(() => page.getByTestId('trace-actors').locator('tbody th').allInnerTexts()).toContain('yc-scj-018');
    await expect.poll(() => page.getByTestId('clocks').innerText()).toContain('已超');

    await page.locator('textarea[name="reason"]').fill('超期未办结，请说明原因并尽快办结');
    await page.getByRole('button', { name: '下达督办' }).click();
    const order = page.getByTestId('orders').locator('li[data-order-id]');
    await expect.poll(() => order.count()).toBe(1);
    expect(await order.getAttribute('data-clock')).not.toBe('resolved');
    await expect.poll(() => order.innerText()).toContain('超期未办结，请说明原因并尽快办结');
    await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'supervise-case.png'), fullPage: true });

    // The list's 督办 filter finds it, and so does the 督办 list of the district.
    const listed = await server.get<{ cases: Array<{ caseId: string }> }>('/api/v1/cases?supervision=open');
    expect(listed.body.cases.map((c) => c.caseId)).toEqual(['SUP-UI-3']);
    const orderId = (await order.getAttribute('data-order-id'))!;
    await page.goto(`${server.url}/#/supervise/orders?districtCode=500118`);
    const listedOrder = page.getByTestId('orders-table').locator(`tr[data-order-id="${orderId}"]`);
    await expect.poll(() => listedOrder.innerText()).toContain('SUP-UI-3');
    await page.locator('select[name="districtCode"]').selectOption('500101');
    await expect.poll(hash).toBe('#/supervise/orders?districtCode=500101');
    await expect.poll(() => page.getByTestId('orders-table').innerText()).toContain('没有符合条件的督办');
    await page.goto(`${server.url}/#/cases/SUP-UI-3`);

    await order.locator('input[name="resolution"]').fill('已督促办结');
    await order.getByRole('button', { name: '办结督办' }).click();
    await expect.poll(() => order.getAttribute('data-clock')).toBe('resolved');
    await expect.poll(() => order.innerText()).toContain('已督促办结');
  });

  it('says a case number that does not exist is not found', async () => {
    await page.goto(`${server.url}/#/cases/NO-SUCH-CASE`);
    await expect.poll(() => page.getByTestId('case-error').innerText()).toContain('未找到');
  });

  it('shows a case turning red in an open list without a reload, marked new', async () => {
    await page.goto(`${server.url}/#/cases?districtCode=500118&warning=red`);
    const rows = page.getByTestId('case-table').locator('tbody tr[data-case-id]');
    await expect.poll(() => rows.count()).toBe(4);
    const longAgo = shanghaiIso(Date.now() - 42 * 86_400_000).slice(0, 10);
    expect((await server.post(oldCase('SUP-UI-5', longAgo, { townshipCode: T1 }))).status).toBe(200);
    const fresh = page.locator('tr[data-case-id="SUP-UI-5"]');
    await fresh.waitFor({ timeout: 30_000 });
    expect(await fresh.locator('.sv-badge').innerText()).toBe('新');
    expect(await page.locator('tr[data-case-id="SUP-UI-4"] .sv-badge').count()).toBe(0);
  });

  it('updates a district’s township counts live when a case of it turns red, without a reload', async () => {
    await page.goto(`${server.url}/#/supervise/district/500118`);
    const red = page.getByTestId('area-table').locator(`tr[data-area="${T1}"] td`).nth(2);
    // SUP-UI-1, 2, 3 and 5 (the case turned red in the test before).
    await expect.poll(() => red.innerText()).toBe('4');
    await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
    const longAgo = shanghaiIso(Date.now() - 42 * 86_400_000).slice(0, 10);
    expect((await server.post(oldCase('SUP-UI-6', longAgo, { townshipCode: T1 }))).status).toBe(200);
    // Well within the 60 s fallback poll: the live message did it.
    await expect.poll(() => red.innerText(), { timeout: 15_000 }).toBe('5');
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
  });

  it('fits a 1366×768 laptop without sideways scrolling', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${server.url}/#/supervise/district/500118`);
    await page.getByTestId('area-table').locator(`tr[data-area="${T1}"]`).waitFor();
    const overflow = await page.getByTestId('supervise-page').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Expected: the 404 of the case that does not exist, the 401 of the session check before signing in.
    expect(errors.filter((e) => !/status of 404/.test(e) && !/status of 401.*\/api\/v1\/session$/.test(e))).toEqual([]);
  });

  it('shows 永川区’s supervisor its own district only: another district’s case by URL is not found', async () => {
    await browser.context.clearCookies();
    await signIn(page, 'yongchuan');
    await page.goto(`${server.url}/#/cases/SUP-UI-W`);
    await expect.poll(() => page.getByTestId('case-error').innerText()).toContain('未找到');
    await page.goto(`${server.url}/#/cases/SUP-UI-1`);
    await expect.poll(() => page.getByTestId('case-warning').innerText()).toBe('红色超期');
    // Its workspace opens on its own district, by township.
    await page.goto(`${server.url}/#/supervise`);
    await page.getByTestId('area-table').locator(`tr[data-area="${T1}"]`).waitFor();
    expect(await page.getByTestId('area-table').locator('tr[data-area="500101"]').count()).toBe(0);
  });

  it('shows a 督办 left unresolved past its due date escalated 黄牌 → 红牌, with the dates, on the case and in the 督办 list', async () => {
    const admin = { 'content-type': 'application/json', authorization: 'Bearer dev-admin' };
    const today = shanghaiDate(Date.now());
    const issued = await fetch(`${server.url}/api/v1/cases/SUP-UI-2/supervision`, { method: 'POST', headers: admin, body: JSON.stringify({ reason: '逾期未反馈办理情况', dueOn: today }) });
    expect(issued.status).toBe(201);
    const { orderId } = (await issued.json()) as { orderId: string };
    // An order cannot be issued due in the past: its due date is moved back while the server is stopped
    // (a new version of its row, as the store writes one), and the restarted server sees it pass.
    const due = cal.addWorkingDays(today, -7).date;
    expect(await server.stop()).toBe(0);
    const sql = `INSERT INTO tongban.supervision_orders SELECT order_id, case_id, now64(3), issued_at, issuer, reason, toDate('${due}'), status, resolved_at, resolution
                 FROM tongban.supervision_orders FINAL WHERE order_id = toUUID('${orderId}')`;
    execFileSync(process.execPath, ['--import', 'tsx', 'test/chdb-command.ts', server.dataDir, sql], { cwd: path.join(REPO_ROOT, 'ingest-server'), stdio: ['ignore', 'ignore', 'inherit'] });
    await server.restart();
    const yellowOn = addCalendarDays(due, 1);
    const redOn = cal.addWorkingDays(due, 5).date;

    await browser.context.clearCookies();
    await signIn(page, 'supervisor');
    await page.goto(`${server.url}/#/cases/SUP-UI-2`);
    const order = page.getByTestId('orders').locator(`li[data-order-id="${orderId}"]`);
    await expect.poll(() => order.innerText(), { timeout: 20_000 }).toContain(`红牌（${yellowOn} 黄牌，${redOn} 升级红牌，追责）`);
    expect(await order.getAttribute('data-clock')).toBe('overdue');
    await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'supervise-escalation.png'), fullPage: true });
    await page.goto(`${server.url}/#/supervise/orders?districtCode=500118`);
    await expect.poll(() => page.getByTestId('orders-table').locator(`tr[data-order-id="${orderId}"]`).innerText()).toContain(`${redOn} 升级红牌`);
  });
});
