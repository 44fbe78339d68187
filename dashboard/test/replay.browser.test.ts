/**
 * Replay in Chromium against the real server on a backfilled history (chDB): `/?at=…` shows the wall as it
 * was at that instant (the counters and red list the replay API gives for it), with the 回放 banner and no
 * live socket, and plays forward at ×600.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, parseReplayInstant, shanghaiDate, type ReplaySnapshot } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { REPO_ROOT, ensureDashboardBuilt, launchWallBrowser, type WallBrowser } from './browser-harness.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'tongban-replay-'));
let server: ServerProcess;
let browser: WallBrowser;
let page: Page;
const sockets: string[] = [];
// Yesterday 10:00 Shanghai: in the backfilled history whatever the time of the run.
const day = addCalendarDays(shanghaiDate(Date.now()), -1);
const at = `${day}T10:00`;

/** A few days of seeded history straight into ClickHouse, as `pnpm start` lays it down (smaller). */
async function backfill(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'ingest-server/src/cli/backfill.ts', '--days', '8', '--cases-per-day', '1500', '--seed', '11', '--round-the-clock', '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`backfill failed (${code}): ${err.slice(-2000)}`);
}

const counter = (key: string) => page.getByTestId(`counter-${key}`).locator('.tile-value');
const shown = (n: number) => n.toLocaleString('zh-CN');

beforeAll(async () => {
  const [dist] = await Promise.all([ensureDashboardBuilt(), backfill()]);
  server = await ServerProcess.start({ DATA_DIR: dataDir, DASHBOARD_DIR: dist, LOG_LEVEL: 'warn' });
  browser = await launchWallBrowser();
  page = await browser.context.newPage();
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(`${server.url}/?display=dev-wall&at=${at}`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the wall replayed at a past instant', () => {
  it('shows that instant’s counters and red list, as the replay API gives them, under a 回放 banner', async () => {
    const api = await server.get<ReplaySnapshot>(`/api/v1/replay?at=${at}`, 'dev-wall');
    expect(api.status).toBe(200);
    const snap = api.body;
    expect(snap.supervision.counts.red).toBeGreaterThan(0);
    await page.getByTestId('replay-bar').waitFor();
    expect(await page.getByTestId('replay-bar').textContent()).toContain('回放');
    // Paused at once, so the counters stay those of 10:00 while they are read.
    await page.getByTestId('replay-play').click();
    await expect.poll(async () => page.getByTestId('replay-at').textContent(), { timeout: 20_000 }).toMatch(new RegExp(`^${day} 10:00`));
    const paused = (await page.getByTestId('replay-at').textContent())!;
    const pausedSnap = paused === `${day} 10:00:00` ? snap : (await server.get<ReplaySnapshot>(`/api/v1/replay?at=${paused.replace(' ', 'T')}`, 'dev-wall')).body;
    await expect.poll(async () => counter('submitted').textContent(), { timeout: 20_000 }).toBe(shown(pausedSnap.today.totals.submitted ?? 0));
    await expect.poll(async () => counter('red').textContent(), { timeout: 20_000 }).toBe(shown(pausedSnap.supervision.counts.red));
    expect(await counter('accepted').textContent()).toBe(shown(pausedSnap.today.totals.accepted ?? 0));
    expect(await counter('in-progress').textContent()).toBe(shown(pausedSnap.supervision.counts.open));
    // The red list's first case is the API's most overdue.
    const first = pausedSnap.supervision.redList[0]!;
    await page.locator(`[data-testid="red-flag-list"] [data-case-id="${first.caseId}"]`).first().waitFor({ timeout: 10_000 });
    // The header's clock says the replayed time; nothing live was opened.
    expect(await page.getByTestId('connection').textContent()).toBe('回放');
    expect(await page.getByTestId('clock').textContent()).toContain(paused.slice(11, 16));
    expect(sockets).toEqual([]);

    await page.waitForTimeout(1500);
    const shot = path.join(REPO_ROOT, 'artifacts', 'wall-replay.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    if (process.env.UPDATE_WALL_SCREENSHOT === '1') copyFileSync(shot, path.join(REPO_ROOT, 'docs', 'wall-replay.png'));
  }, 120_000);

  it('plays forward at ×600: the replayed clock runs ten minutes a second and the feed brings that time’s events', async () => {
    await page.getByRole('button', { name: '×600' }).click();
    await page.getByTestId('replay-play').click();
    const before = Date.parse(`${(await page.getByTestId('replay-at').textContent())!.replace(' ', 'T')}+08:00`);
    await page.waitForTimeout(4_000);
    const after = Date.parse(`${(await page.getByTestId('replay-at').textContent())!.replace(' ', 'T')}+08:00`);
    // Four seconds at ×600 are forty minutes; allow for ticks still in flight.
    expect(after - before).toBeGreaterThan(15 * 60_000);
    expect(await page.getByTestId('replay-speed').textContent()).toBe('×600');
    // The feed shows events of the replayed time (the ticker's rows carry their event ids).
    const feed = await server.get<{ events: Array<{ eventId: string }> }>(`/api/v1/replay/feed?from=${encodeURIComponent(new Date(before + 8 * 3600_000).toISOString().slice(0, 19))}&to=${encodeURIComponent(new Date(after + 8 * 3600_000).toISOString().slice(0, 19))}`, 'dev-wall');
    const ids = new Set(feed.body.events.map((e) => e.eventId));
    const onPage = await page.locator('[data-event-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event-id')));
    expect(onPage.some((id) => id !== null && ids.has(id))).toBe(true);
    expect(sockets).toEqual([]);
  }, 60_000);

  it('is entered from the live wall: 回放 opens a time slider over the stored history and starts there at ×60', async () => {
    const live = await browser.context.newPage();
    try {
      await live.goto(`${server.url}/?display=dev-wall`);
      await live.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 45_000 });
      await live.getByTestId('replay-open').click();
      await live.getByTestId('replay-picker').getByRole('button', { name: '开始回放 ×60' }).click();
      await live.getByTestId('replay-bar').waitFor({ timeout: 45_000 });
      const q = new URL(live.url()).searchParams;
      expect(q.get('display')).toBe('dev-wall');
      expect(q.get('speed')).toBe('60');
      // Three hours back from now by default.
      expect(Date.now() - parseReplayInstant(q.get('at'))).toBeGreaterThan(2.5 * 3600_000);
      expect(await live.getByTestId('replay-speed').textContent()).toBe('×60');
      await live.getByTestId('replay-exit').click();
      await live.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 45_000 });
      expect(new URL(live.url()).searchParams.get('at')).toBeNull();
    } finally {
      await live.close();
    }
  }, 150_000);
});
