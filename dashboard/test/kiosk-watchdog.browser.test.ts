/**
 * The kiosk's watchdog in Chromium against the real server: a display whose feed stays silent longer than
 * its `watchdogSeconds` reloads itself, but only into a page the server answers. With the server stopped the
 * wall keeps its script (and says 重连中) instead of reloading into the browser's error page, and it is live
 * again by itself once the server is back on the same port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { ensureDashboardBuilt, launchWallBrowser, type WallBrowser } from './browser-harness.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tongban-watchdog-'));
const displaysFile = path.join(dir, 'displays.json');
/** The smallest silence a display may allow; the wall checks every 10 s. */
const WATCHDOG_SECONDS = 30;
let server: ServerProcess;
let browser: WallBrowser;
let page: Page;
let loads = 0;

const live = (timeout: number) => page.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout });
/** A mark in the page's window: gone only if the page was reloaded. */
const marked = () => page.evaluate(() => (window as unknown as { kioskMark?: number }).kioskMark === 1);

beforeAll(async () => {
  const dist = await ensureDashboardBuilt();
  // No simulator and no sources: after its snapshot the feed is silent.
  writeFileSync(displaysFile, JSON.stringify({ displays: { watch: { watchdogSeconds: WATCHDOG_SECONDS, reloadAt: null } } }));
  server = await ServerProcess.start({ DASHBOARD_DIR: dist, LOG_LEVEL: 'warn', DISPLAYS_FILE: displaysFile, DISPLAY_TOKENS: 'watch:watch-token' });
  browser = await launchWallBrowser();
  page = await browser.context.newPage();
  page.on('load', () => loads++);
  await page.goto(`${server.url}/?display=watch-token`);
  await live(90_000);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

it('reloads a silent wall into a served page, never into a stopped server, and is live again when it returns', async () => {
  // Silent for longer than the display allows, with the server up: the watchdog reloads the page.
  await page.evaluate(() => ((window as unknown as { kioskMark?: number }).kioskMark = 1));
  const before = loads;
  await expect.poll(() => loads, { timeout: (WATCHDOG_SECONDS + 60) * 1000, interval: 1000 }).toBeGreaterThan(before);
  await live(90_000);
  expect(await marked()).toBe(false);

  // The server stopped: silent again past the watchdog, but the page is not answered, so no reload.
  await page.evaluate(() => ((window as unknown as { kioskMark?: number }).kioskMark = 1));
  await server.stop('SIGTERM');
  const stoppedLoads = loads;
  await page.waitForTimeout((WATCHDOG_SECONDS + 25) * 1000);
  expect(loads).toBe(stoppedLoads);
  expect(await marked()).toBe(true);
  expect(await page.getByTestId('connection').textContent()).toContain('重连中');

  // Back on the same port: live again without a person (the socket's own reconnection, or the watchdog).
  await server.restart();
  await live(120_000);
}, 420_000);
