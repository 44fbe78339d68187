/**
 * Replay in Chromium against the real server on a backfilled history (chDB): `/?at=…` shows the wall as it
 * was at that instant (the counters, level bars and red list the replay API gives for it), with the 回放
 * banner and no live socket, and plays forward at ×600. On the same history, a display confined to one
 * district shows its district screen: the map zoomed to it and a tile per township with the API's counts.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, parseReplayInstant, shanghaiDate, type AreaOverview, type ReplaySnapshot } from '@tongban/shared';
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
/** A display of 渝北区 (a busy district of the simulated city) pinned to its district screen. */
const DISTRICT = '500112';
const displaysFile = path.join(dataDir, 'displays.json');

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
  writeFileSync(displaysFile, JSON.stringify({ displays: { yubei: { districtCode: DISTRICT, screens: [{ kind: 'district', districtCode: DISTRICT, seconds: 3600 }] } } }));
  server = await ServerProcess.start({ DATA_DIR: dataDir, DASHBOARD_DIR: dist, LOG_LEVEL: 'warn', DISPLAYS_FILE: displaysFile, DISPLAY_TOKENS: `dev-wall:dev-wall,yubei:yubei-wall:${DISTRICT}` });
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
    // 办件所在层级 as it stood: the bars are drawn with the API's figures.
    const levels = page.getByTestId('case-level-chart');
    await levels.waitFor({ timeout: 10_000 });
    await page.getByTestId('case-levels').locator('canvas').waitFor();
    const drawn = await levels.evaluate((el) => Object.fromEntries(['city', 'district', 'township', 'village'].map((l) => [l, Number(el.getAttribute(`data-${l}`))])));
    expect(drawn).toEqual(pausedSnap.supervision.byLevel);
    expect(Object.values(drawn).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
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
    // Paused again: a replay left playing at ×600 would load the machine for the tests after it.
    await page.getByTestId('replay-play').click();
    // Paused between two of the player's reads of the counters: they are read again at the banner's instant (a
    // whole second, the end of the last window), so they are exactly the API's for it.
    await page.waitForTimeout(500);
    const stopped = (await page.getByTestId('replay-at').textContent())!;
    const atStop = (await server.get<ReplaySnapshot>(`/api/v1/replay?at=${stopped.replace(' ', 'T')}`, 'dev-wall')).body;
    await expect.poll(async () => counter('submitted').textContent(), { timeout: 10_000 }).toBe(shown(atStop.today.totals.submitted ?? 0));
    expect(await counter('accepted').textContent()).toBe(shown(atStop.today.totals.accepted ?? 0));
    expect(await page.getByTestId('replay-at').textContent()).toBe(stopped);
  }, 60_000);

  it('is entered from the live wall: 回放 opens a time slider over the stored history and starts there at ×60', async () => {
    const live = await browser.context.newPage();
    // What the page was answered, so a wall that never goes 实时 says why (a 503, a socket refused).
    const failures: string[] = [];
    live.on('response', (r) => void (r.status() >= 400 && failures.push(`${r.status()} ${r.url()}`)));
    live.on('websocket', (ws) => ws.on('socketerror', (e) => failures.push(`socket ${e}`)));
    const isLive = async (what: string) => {
      try {
        // Generous: under a loaded CI machine the wall's first page load and socket take tens of seconds.
        await live.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 90_000 });
      } catch (e) {
        throw new Error(`${what}: the wall never showed 实时 (${(await live.getByTestId('connection').textContent().catch(() => null)) ?? 'no header'}); answers: ${failures.join('; ') || 'none failed'}`, { cause: e });
      }
    };
    try {
      await live.goto(`${server.url}/?display=dev-wall`);
      await isLive('the live wall');
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
      await isLive('back from the replay');
      expect(new URL(live.url()).searchParams.get('at')).toBeNull();
    } finally {
      await live.close();
    }
  }, 240_000);
});

describe('a district’s wall on the same history', () => {
  it('shows a tile per township of its district with the counts the API gives, and only its district', async () => {
    const api = await server.get<AreaOverview>(`/api/v1/wall/townships?districtCode=${DISTRICT}`, 'yubei-wall');
    expect(api.status).toBe(200);
    // A display of one district is refused another's townships, and gets its own without asking.
    expect((await server.get(`/api/v1/wall/townships?districtCode=500101`, 'yubei-wall')).status).toBe(403);
    expect((await server.get<AreaOverview>('/api/v1/wall/townships', 'yubei-wall')).body.district?.code).toBe(DISTRICT);
    const rows = api.body.rows.filter((r) => r.code !== null);
    expect(rows.length).toBeGreaterThan(10);
    expect(api.body.totals.open).toBeGreaterThan(0);
    // A case of one township accepted 30 days ago on a 5-working-day item: red as soon as it is ingested.
    const township = rows[3]!.code!;
    const acceptedAt = Date.now() - 30 * 86_400_000;
    const iso = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00');
    const late = { caseId: 'TOWN-LATE', itemCode: 'SCJG-XK-D-93WJX', districtCode: DISTRICT, townshipCode: township, level: 'township' };
    expect((await server.post([
      { ...late, eventId: 'TOWN-LATE.1', type: 'submitted', occurredAt: iso(acceptedAt - 3600_000), channel: 'window' },
      { ...late, eventId: 'TOWN-LATE.2', type: 'accepted', occurredAt: iso(acceptedAt), departmentCode: 'SCJG', actorId: 'yb-scj-001' },
    ])).status).toBe(200);
    await server.eventually(async () => {
      const r = await server.get<AreaOverview>(`/api/v1/wall/townships?districtCode=${DISTRICT}`, 'yubei-wall');
      return (r.body.rows.find((x) => x.code === township)?.red ?? 0) >= 1 ? true : undefined;
    }, 30_000);

    const wall = await browser.context.newPage();
    try {
      await wall.goto(`${server.url}/?display=yubei-wall`);
      await wall.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 45_000 });
      expect(await wall.getByTestId('wall').getAttribute('data-screen')).toBe('district');
      await wall.locator('[data-testid="townships"] .township-tile').first().waitFor({ timeout: 30_000 });
      expect(await wall.getByTestId('township-legend').textContent()).toContain('按乡镇（街道）· 示意，非地理边界');
      // Every township of the district, and nothing else; each tile's name and figures are the API's.
      const read = () =>
        wall.locator('[data-testid="townships"] .township-tile').evaluateAll((els) =>
          els.map((e) => ({
            code: e.getAttribute('data-township-code'),
            name: e.querySelector('.township-name')!.textContent,
            figures: [...e.querySelectorAll('.township-figures span')].map((x) => x.textContent),
          })),
        );
      const expected = (o: AreaOverview) =>
        o.rows.filter((r) => r.code !== null || r.open > 0).map((r) => ({ code: r.code ?? '', name: r.code === null ? '未记录乡镇' : r.name, figures: [r.open, r.yellow, r.red].map(shown) }));
      // The page polls; the server has no live traffic here, so the two agree once the page has its answer.
      await expect.poll(async () => JSON.stringify(await read()), { timeout: 20_000 }).toBe(JSON.stringify(expected((await server.get<AreaOverview>(`/api/v1/wall/townships?districtCode=${DISTRICT}`, 'yubei-wall')).body)));
      for (const t of await read()) expect(t.code === '' || t.code!.startsWith(DISTRICT)).toBe(true);
      // Red townships stand out: a tile with overdue cases has another colour than one without.
      const colours = await wall.locator('.township-tile').evaluateAll((els) => [...new Set(els.map((e) => (e as HTMLElement).style.background))]);
      expect(colours.length).toBeGreaterThan(1);
      // A display opens nothing from a tile (no workspace for a wall screen).
      expect(await wall.locator('.township-tile.opens').count()).toBe(0);
      // 办件所在层级 of the district's own open cases: the bars are drawn with the district-scoped overview's figures.
      const levels = wall.getByTestId('case-level-chart');
      await levels.waitFor({ timeout: 10_000 });
      const drawnLevels = () => levels.evaluate((el) => Object.fromEntries(['city', 'district', 'township', 'village'].map((l) => [l, Number(el.getAttribute(`data-${l}`))])));
      const own = (await server.get<{ supervision: { byLevel: Record<string, number>; counts: { open: number } } }>('/api/v1/overview', 'yubei-wall')).body.supervision;
      await expect.poll(async () => JSON.stringify(await drawnLevels()), { timeout: 10_000 }).toBe(JSON.stringify(own.byLevel));
      expect(Object.values(own.byLevel).reduce((a, b) => a + b, 0)).toBe(own.counts.open);
      expect(own.byLevel.township).toBeGreaterThanOrEqual(1);
      // The map beside the tiles: zoomed to the district, drawn.
      await wall.getByTestId('district-map').locator('canvas').first().waitFor();
      await wall.waitForTimeout(2000);
      const shot = path.join(REPO_ROOT, 'artifacts', 'wall-district.png');
      mkdirSync(path.dirname(shot), { recursive: true });
      await wall.screenshot({ path: shot });
      if (process.env.UPDATE_WALL_SCREENSHOT === '1') copyFileSync(shot, path.join(REPO_ROOT, 'docs', 'wall-district.png'));
    } finally {
      await wall.close();
    }
  }, 120_000);
});
