/**
 * From the wall to the workspace, in Chromium against the real server (real chDB, HTTP, Socket.IO): a click
 * on a red-list row, a pop-up card or a ticker row opens the case page in a side panel on the wall; a wall
 * screen (display token) reads the case only (no 倒查, no 督办 forms, and a district display nothing beyond
 * its district); a signed-in supervisor gets the whole page there, and a click on a district of the map
 * opens that district's workspace page.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { REPO_ROOT, ensureDashboardBuilt, launchWallBrowser, openWall, type WallBrowser } from './browser-harness.ts';
import { shanghaiIso } from './wall-traffic.ts';

const ITEM = {
  itemCode: 'TEST-WALL-PANEL', name: '大屏侧栏测试事项', powerType: '行政许可', department: '市场监管局', departmentCode: 'SCJG', level: 'district',
  statutoryLimitDays: 15, promisedLimitDays: 5, onlineDepth: 4, channels: ['window'], crossDistrict: false, guide: { basis: true },
};

let server: ServerProcess;
let browser: WallBrowser;

function oldCase(caseId: string, districtCode: string) {
  const day = shanghaiIso(Date.now() - 42 * 86_400_000).slice(0, 10);
  const base = { caseId, districtCode, level: 'district', departmentCode: 'SCJG', townshipCode: `${districtCode}001` };
  return [
    { ...base, eventId: `${caseId}.s`, type: 'submitted', occurredAt: `${day}T09:30:00+08:00`, itemCode: ITEM.itemCode, channel: 'window' },
    { ...base, eventId: `${caseId}.a`, type: 'accepted', occurredAt: `${day}T10:00:00+08:00`, actorId: 'yc-scj-017' },
  ];
}

/** A step of the case a minute ago: it arrives live, as a pop-up card and a ticker row. */
const step = (caseId: string, districtCode: string, n: number) => ({
  caseId, districtCode, level: 'district', departmentCode: 'SCJG', townshipCode: `${districtCode}001`,
  eventId: `${caseId}.r${n}`, type: 'reviewed', occurredAt: new Date(Date.now() - 60_000).toISOString(), actorId: 'yc-scj-018',
});

const panel = (page: Page) => page.getByTestId('case-side-panel');

async function signIn(p: Page, username: string) {
  await p.goto(server.url);
  await p.getByLabel('用户名').fill(username);
  await p.getByLabel('密码').fill('dev-password');
  await p.getByRole('button', { name: '登录' }).click();
  await p.getByTestId('session-badge').waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  const dist = await ensureDashboardBuilt();
  server = await ServerProcess.start({ DASHBOARD_DIR: dist, FLUSH_MAX_AGE_MS: '200', LOG_LEVEL: 'warn', DISPLAY_TOKENS: 'dev-wall:dev-wall,yc-hall:yc-hall-token:500118' });
  const admin = { 'content-type': 'application/json', authorization: 'Bearer dev-admin' };
  expect((await fetch(`${server.url}/api/v1/items/${ITEM.itemCode}`, { method: 'PUT', headers: admin, body: JSON.stringify(ITEM) })).status).toBe(200);
  expect((await server.post([...oldCase('PANEL-1', '500118'), ...oldCase('PANEL-W', '500101')])).status).toBe(200);
  await server.eventually(async () => ((await server.get<{ total: number }>('/api/v1/cases?warning=red&limit=1')).body.total === 2 ? true : undefined), 30_000);
  const dueOn = shanghaiIso(Date.now() + 5 * 86_400_000).slice(0, 10);
  const issued = await fetch(`${server.url}/api/v1/cases/PANEL-1/supervision`, { method: 'POST', headers: admin, body: JSON.stringify({ reason: '超期未办结，请说明原因', dueOn }) });
  expect(issued.status).toBe(201);
  browser = await launchWallBrowser({ width: 1920, height: 1080 });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('a case opened from the wall', () => {
  it('opens from a red-list row, a pop-up card and a ticker row in a side panel; a wall screen reads the case only', async () => {
    const page = await openWall(browser.context, server.url, 'dev-wall');
    try {
      const row = page.locator('.red-flags li.flag[data-case-id="PANEL-1"]');
      await row.waitFor({ timeout: 30_000 });
      await row.dispatchEvent('click');
      await expect.poll(() => panel(page).getByTestId('case-warning').innerText(), { timeout: 20_000 }).toBe('红色超期');
      expect(await page.getByTestId('case-detail').getAttribute('aria-label')).toBe('办件 PANEL-1');
      await expect.poll(() => panel(page).getByTestId('orders').innerText()).toContain('超期未办结，请说明原因');
      expect(await panel(page).getByTestId('trace').innerText()).toContain('此屏无权查看倒查');
      expect(await panel(page).getByRole('button', { name: '下达督办' }).count()).toBe(0);
      expect(await panel(page).getByRole('button', { name: '办结督办' }).count()).toBe(0);
      // The wall stays behind it, live.
      expect(await page.getByTestId('wall').isVisible()).toBe(true);
      await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'wall-case-panel.png') });
      await panel(page).getByTestId('case-panel-close').click();
      await page.getByTestId('case-detail').waitFor({ state: 'detached' });

      // A live step of the case: its pop-up card and its ticker row open it too.
      expect((await server.post([step('PANEL-1', '500118', 1)])).status).toBe(200);
      const card = page.locator('.feed-card[data-case-id="PANEL-1"]').first();
      await card.waitFor({ timeout: 20_000 });
      await card.dispatchEvent('click');
      await expect.poll(() => panel(page).getByTestId('case-warning').innerText(), { timeout: 20_000 }).toBe('红色超期');
      // A click beside the panel closes it.
      await page.getByTestId('case-detail').click({ position: { x: 5, y: 5 } });
      await page.getByTestId('case-detail').waitFor({ state: 'detached' });
      const ticker = page.locator('.ticker-row[data-case-id="PANEL-1"]').first();
      await ticker.waitFor({ timeout: 20_000 });
      await ticker.dispatchEvent('click');
      await expect.poll(() => page.getByTestId('case-detail').getAttribute('aria-label')).toBe('办件 PANEL-1');
      await expect.poll(() => panel(page).getByTestId('case-warning').innerText(), { timeout: 20_000 }).toBe('红色超期');
      await page.keyboard.press('Escape');
      await page.getByTestId('case-detail').waitFor({ state: 'detached' });
    } finally {
      await page.close();
    }
  }, 120_000);

  it('shows a district display its own district only', async () => {
    // The server refuses the other district's case to this display (the panel would say 未找到).
    expect((await server.get('/api/v1/cases/PANEL-W', 'yc-hall-token')).status).toBe(404);
    const page = await openWall(browser.context, server.url, 'yc-hall-token');
    try {
      const row = page.locator('.red-flags li.flag[data-case-id="PANEL-1"]');
      await row.waitFor({ timeout: 30_000 });
      expect(await page.locator('.red-flags li.flag[data-case-id="PANEL-W"]').count()).toBe(0);
      await row.dispatchEvent('click');
      await expect.poll(() => panel(page).getByTestId('case-warning').innerText(), { timeout: 20_000 }).toBe('红色超期');
    } finally {
      await page.evaluate(() => localStorage.clear());
      await page.close();
    }
  }, 90_000);

  it('gives a signed-in supervisor the whole case page in the panel, and opens a district’s workspace from the map', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(server.url);
      await page.evaluate(() => localStorage.clear());
      await signIn(page, 'supervisor');
      await page.goto(`${server.url}/#/`);
      const row = page.locator('.red-flags li.flag[data-case-id="PANEL-1"]');
      await row.waitFor({ timeout: 30_000 });
      await row.dispatchEvent('click');
      await expect.poll(() => panel(page).getByTestId('trace-actors').innerText(), { timeout: 20_000 }).toContain('yc-scj-017');
      expect(await panel(page).getByRole('button', { name: '下达督办' }).count()).toBe(1);
      await page.keyboard.press('Escape');
      await page.getByTestId('case-detail').waitFor({ state: 'detached' });

      // Hover the map until a district is under the pointer (its name in the tooltip), then click it.
      const canvas = page.locator('canvas.district-map-canvas');
      const box = (await canvas.boundingBox())!;
      let name: string | null = null;
      let at = { x: 0, y: 0 };
      for (let fy = 0.3; fy <= 0.7 && !name; fy += 0.1) {
        for (let fx = 0.3; fx <= 0.7 && !name; fx += 0.1) {
          at = { x: box.width * fx, y: box.height * fy };
          await page.mouse.move(box.x + at.x, box.y + at.y);
          const tip = page.locator('.map-tooltip .figures-name');
          if (await tip.waitFor({ timeout: 1_500 }).then(() => true, () => false)) name = await tip.innerText();
        }
      }
      expect(name).not.toBeNull();
      await page.mouse.click(box.x + at.x, box.y + at.y);
      await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#\/supervise\/district\/\d{6}$/);
      await expect.poll(() => page.locator('.sv-crumbs').innerText()).toContain(name!);
    } finally {
      await page.close();
    }
  }, 120_000);
});
