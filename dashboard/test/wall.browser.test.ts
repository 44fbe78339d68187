/**
 * The wall in a real browser against the real server (empty data dir, real chDB, real Socket.IO):
 * a submission pops up within a second with the applicant masked; an overdue case reaches the red list;
 * the WebGL map renders; a soak shows no console errors, a bounded heap and a reconnect after restart.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { REPO_ROOT, countForegroundPixels, ensureDashboardBuilt, heapAfterGc, launchWallBrowser, openWall, takeProbe, type WallBrowser } from './browser-harness.ts';
import { CaseTraffic, shanghaiIso } from './wall-traffic.ts';

const APPLICANT = { type: 'person' as const, name: '李晓梅', idNumber: '500118199003154327', phone: '13912345678' };
/** An item with a 5-working-day promise (食品经营许可变更, district level). */
const FIVE_DAY_ITEM = 'SCJG-XK-D-93WJX';

let server: ServerProcess;
let browser: WallBrowser;
let page: Page;
let hasSupervision = false;
const consoleErrors: Array<{ text: string; url: string }> = [];

/** Whether the server's snapshot carries the supervision engine's summary. */
async function serverHasSupervision(url: string): Promise<boolean> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, auth: { token: 'dev-admin' } });
  try {
    const snapshot = await new Promise<Record<string, unknown>>((resolve, reject) => {
      socket.once('snapshot', resolve);
      socket.once('connect_error', reject);
    });
    return typeof snapshot.supervision === 'object' && snapshot.supervision !== null;
  } finally {
    socket.disconnect();
  }
}

/**
 * A console error is a failure unless it is the browser reporting a 404 from an endpoint whose feature has
 * not landed on this server (the panel then shows 暂无数据, which is the intended empty state), or the 401 of
 * the reports page's own reads: the page-change test opens 报表 with the wall's display identity, which may not
 * read them (they fail or are cut off by the way back, depending on timing).
 */
const unexpected = (errors: typeof consoleErrors) =>
  errors.filter(
    (e) =>
      !(/status of 404/.test(e.text) && /\/api\/v1\/(metrics|cases)\//.test(e.url)) &&
      !(/status of 401/.test(e.text) && /\/api\/v1\/(items|reports)(\?|$)/.test(e.url)),
  );

/** Stops the server gracefully (it closes live transports first), or kills it if it has not exited after 5 s. */
async function stopServer(): Promise<void> {
  const graceful = server.stop('SIGTERM');
  const exited = await Promise.race([graceful.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5000))]);
  if (!exited) {
    console.warn('server did not exit within 5 s of SIGTERM with the wall connected: killed');
    server.child?.kill('SIGKILL');
    await graceful;
  }
}

beforeAll(async () => {
  const dist = await ensureDashboardBuilt();
  server = await ServerProcess.start({ DASHBOARD_DIR: dist, FLUSH_MAX_AGE_MS: '200', LOG_LEVEL: 'warn' });
  hasSupervision = await serverHasSupervision(server.url);
  browser = await launchWallBrowser();
  page = await openWall(browser.context, server.url);
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push({ text: m.text(), url: m.location().url });
  });
  page.on('pageerror', (err) => consoleErrors.push({ text: `pageerror: ${err.message}`, url: '' }));
  await page.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 15_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('the wall in Chromium', () => {
  it('pops up a new submission within a second, with the applicant masked', async () => {
    const day = shanghaiIso(Date.now());
    const event = {
      eventId: 'WALL-1.1',
      caseId: 'WALL-1',
      type: 'submitted',
      occurredAt: day,
      itemCode: FIVE_DAY_ITEM,
      districtCode: '500118',
      townshipCode: '500118001',
      level: 'district',
      channel: 'window',
      applicant: APPLICANT,
    };
    const started = Date.now();
    const res = await server.post(event);
    expect(res.status).toBe(200);
    const card = page.locator('[data-testid="live-feed"] [data-event-id="WALL-1.1"]');
    await card.waitFor({ timeout: 3000 });
    const { arrivals } = await takeProbe(page);
    expect(arrivals['WALL-1.1']! - started).toBeLessThan(1000);

    await expect.poll(() => card.innerText(), { timeout: 5000 }).toContain('中山路街道');
    const text = await card.innerText();
    expect(text).toContain('永川区');
    expect(text).toContain('食品经营许可变更');
    expect(text).toContain('窗口');
    expect(text).toContain('李**');
    expect(text).toContain('139****5678');
    const html = await page.content();
    for (const secret of [APPLICANT.name, APPLICANT.idNumber, APPLICANT.phone, '晓梅']) expect(html).not.toContain(secret);
    await expect.poll(() => page.getByTestId('counter-submitted').innerText(), { timeout: 3000 }).toMatch(/^1\b/);
  });

  it('lists a case that turns red within a second of its warning', async (ctx) => {
    if (!hasSupervision) {
      await page.getByTestId('red-flags').getByTestId('empty-state').waitFor({ timeout: 3000 });
      ctx.skip('the server has no supervision engine yet (no `supervision` in the snapshot): the red list shows 暂无数据');
    }
    const listener = io(server.url, { transports: ['websocket'], auth: { token: 'dev-admin' } });
    const warned = new Promise<number>((resolve) =>
      listener.on('case:warning', (w: { caseId: string; warning: string }) => {
        if (w.caseId === 'WALL-LATE' && w.warning === 'red') resolve(Date.now());
      }),
    );
    await new Promise<void>((resolve) => listener.once('snapshot', () => resolve()));
    try {
      // Accepted 30 calendar days ago with a 5-working-day promise: overdue the moment it is known.
      const acceptedAt = Date.now() - 30 * 86_400_000;
      const res = await server.post([
        { eventId: 'WALL-LATE.1', caseId: 'WALL-LATE', type: 'submitted', occurredAt: shanghaiIso(acceptedAt - 3600_000), itemCode: FIVE_DAY_ITEM, districtCode: '500118', level: 'district', channel: 'window', applicant: APPLICANT },
        { eventId: 'WALL-LATE.2', caseId: 'WALL-LATE', type: 'accepted', occurredAt: shanghaiIso(acceptedAt), districtCode: '500118', level: 'district', departmentCode: 'SCJG', actorId: 'yc-scj-017' },
      ]);
      expect(res.status).toBe(200);
      const warnedAt = await Promise.race([warned, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no case:warning for WALL-LATE in 15 s')), 15_000))]);
      const row = page.locator('[data-testid="red-flag-list"] [data-case-id="WALL-LATE"]');
      await row.waitFor({ timeout: 3000 });
      const { arrivals } = await takeProbe(page);
      expect(arrivals['case:WALL-LATE']! - warnedAt).toBeLessThan(1000);
      const text = await row.innerText();
      expect(text).toMatch(/超期\d+天/);
      expect(text).toContain('永川区');
      expect(text).toContain('yc-scj-017');
    } finally {
      listener.disconnect();
    }
  }, 60_000);

  it('renders the district map with WebGL and writes a screenshot of the wall', async () => {
    const traffic = new CaseTraffic(7, 'SHOT');
    for (let i = 0; i < 6; i++) expect((await server.post(traffic.batch(100, Date.now()))).status).toBe(200);
    await page.getByTestId('map-legend').filter({ hasText: '今日办件' }).waitFor();
    await page.waitForTimeout(1500);
    const map = await page.getByTestId('district-map').screenshot();
    const pixels = await countForegroundPixels(page, map);
    expect(pixels.foreground / pixels.total).toBeGreaterThan(0.1);
    expect(pixels.colours).toBeGreaterThan(20);

    const shot = path.join(REPO_ROOT, 'artifacts', 'wall.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    // The README's copy is refreshed on request only, so a test run leaves the tree clean.
    if (process.env.UPDATE_WALL_SCREENSHOT === '1') copyFileSync(shot, path.join(REPO_ROOT, 'docs', 'wall.png'));
  }, 60_000);

  it('lets go of its socket, canvases and charts when the page changes, and comes back live', async (ctx) => {
    const liveClients = async () => (await server.get<{ liveClients: number }>('/healthz')).body.liveClients;
    expect(await liveClients()).toBe(1);
    await page.evaluate(() => (window.location.hash = '#/reports'));
    const left = await page
      .getByTestId('wall')
      .waitFor({ state: 'detached', timeout: 5000 })
      .then(() => true, () => false);
    if (!left) ctx.skip('no reports page in this build, so the wall never unmounts here');
    await expect.poll(liveClients, { timeout: 5000 }).toBe(0);
    expect(await page.locator('[data-testid="district-map"] canvas, .echart canvas').count()).toBe(0);
    await page.evaluate(() => (window.location.hash = ''));
    await page.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 15_000 });
    expect(await liveClients()).toBe(1);
  }, 60_000);

  it('runs for a minute at simulator pace with no console errors and a bounded heap, then reconnects after a restart', async () => {
    const traffic = new CaseTraffic(42, 'SOAK');
    const post = async (n: number) => expect((await server.post(traffic.batch(n, Date.now()))).status).toBe(200);
    const run = async (ms: number, perTick: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        await post(perTick);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    // Warm up (charts, fonts, the map's atlas) until the bounded lists are full (the red list fills within
    // seconds: a third of the catalogue is 即办), then measure what a further 40 s adds.
    await run(20_000, 8);
    const heapBefore = await heapAfterGc(page);
    const nodesBefore = await page.evaluate(() => document.getElementsByTagName('*').length);
    await run(40_000, 8);
    await page.waitForTimeout(1000);
    const heapAfter = await heapAfterGc(page);
    const nodesAfter = await page.evaluate(() => document.getElementsByTagName('*').length);
    const growthMb = (heapAfter - heapBefore) / 2 ** 20;
    console.info(`soak: heap ${(heapBefore / 2 ** 20).toFixed(1)} → ${(heapAfter / 2 ** 20).toFixed(1)} MB, DOM ${nodesBefore} → ${nodesAfter} elements`);
    // Measured over six minutes the heap levels off near 17 MB; a leak of even one object per event
    // (≈ 3,000 events here) with its closure would exceed this.
    expect(growthMb).toBeLessThan(6);
    // Everything the wall lists is bounded (5 cards, 40 ticker rows, 100 red flags shown twice to scroll).
    expect(nodesAfter).toBeLessThan(3500);
    expect(JSON.stringify(unexpected(consoleErrors), null, 1)).toBe("[]");
    const html = await page.content();
    for (const secret of traffic.personalData.filter((s) => /\d{11}/.test(s))) expect(html).not.toContain(secret);

    // The server goes away and comes back on the same port: the wall notices and catches up without a reload.
    await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
    await stopServer();
    await page.getByTestId('connection').filter({ hasText: '重连中' }).waitFor({ timeout: 10_000 });
    await server.restart();
    await page.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
    const after = traffic.submission(Date.now());
    expect((await server.post(after)).status).toBe(200);
    await page.locator(`[data-event-id="${after.eventId}"]`).first().waitFor({ timeout: 5000 });
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
  }, 150_000);
});
