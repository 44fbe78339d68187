import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { REPO_ROOT, ensureDashboardBuilt, launchWallBrowser, type WallBrowser } from './browser-harness.ts';

/** In Chromium: an unsigned visitor gets the sign-in form, a person lands on their page and signs out; a display-token wall never asks. */
let server: ServerProcess;
let browser: WallBrowser;
beforeAll(async () => {
  const dist = await ensureDashboardBuilt();
  server = await ServerProcess.start({ DASHBOARD_DIR: dist, LOG_LEVEL: 'warn', REPORTS_SCHEDULE: 'off' });
  browser = await launchWallBrowser({ width: 1366, height: 768 });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('signing in', () => {
  it('shows the sign-in form to an unsigned visitor, refuses a wrong password, lands an analyst on the reports page and signs out', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/#/reports`);
    const form = page.getByRole('form', { name: '登录' });
    await form.waitFor({ timeout: 30_000 });
    await page.getByLabel('用户名').fill('analyst');
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(async () => page.getByTestId('sign-in-error').textContent()).toContain('用户名或密码错误');
    await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'sign-in.png') });

    await page.getByLabel('密码').fill('dev-password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('session-badge').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('session-badge').textContent()).toContain('分析员');
    expect(new URL(page.url()).hash).toBe('#/reports');

    // The session cookie is HttpOnly: the page cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('tongban_session');
    await page.getByRole('button', { name: '退出' }).click();
    await form.waitFor({ timeout: 30_000 });
    const after = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
    expect(after).toBe(401);
    await page.close();
  });

  it('lands a supervisor and a viewer on their pages', async () => {
    for (const [user, role] of [['viewer', '值班员'], ['yongchuan', '监察员']] as const) {
      const page = await browser.context.newPage();
      await page.goto(server.url);
      await page.getByLabel('用户名').fill(user);
      await page.getByLabel('密码').fill('dev-password');
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByTestId('session-badge').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('session-badge').textContent()).toContain(role);
      expect(new URL(page.url()).hash).toBe(user === 'viewer' ? '#/' : '#/supervise');
      await page.getByRole('button', { name: '退出' }).click();
      await page.getByRole('form', { name: '登录' }).waitFor({ timeout: 30_000 });
      await page.close();
    }
  });

  it('opens the wall with a display token and no sign-in, live', async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/?display=dev-wall`);
    await page.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('form', { name: '登录' }).count()).toBe(0);
    // A reload without the query keeps the token (a kiosk restarts on its own).
    await page.goto(server.url);
    await page.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
    await page.close();
  });
});
