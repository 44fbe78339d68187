/**
 * The wall as a command center's kiosk, in Chromium against `pnpm start`'s own script on an empty data dir
 * (a small history, then the live simulator): red cases and 受理/办结 in the hour before now at any hour, level bars
 * that never collapse, cards that open their case, a display rotating through two screens, an alarm firing
 * once (the sound element played, muted), and a 6656×1792 spliced wall with every panel on screen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@tongban/fixtures/server-process';
import { REPO_ROOT, ensureDashboardBuilt, launchWallBrowser, openWall, type WallBrowser } from './browser-harness.ts';
import { shanghaiIso } from './wall-traffic.ts';

const FIVE_DAY_ITEM = 'SCJG-XK-D-93WJX';
const dataDir = mkdtempSync(path.join(tmpdir(), 'tongban-kiosk-'));
const displaysFile = path.join(dataDir, 'displays.json');
let url = '';
let start: ChildProcess;
let output = '';
let browser: WallBrowser;

async function healthy(timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`pnpm start did not become healthy:\n${output.slice(-3000)}`);
}

const post = (events: object[]) =>
  fetch(`${url}/api/v1/events`, { method: 'POST', headers: { authorization: 'Bearer dev-token', 'content-type': 'application/json' }, body: JSON.stringify(events) });

/** A case accepted 30 days ago on a 5-day item: red as soon as it is ingested. */
const lateCase = (id: string) => {
  const acceptedAt = Date.now() - 30 * 86_400_000;
  return [
    { eventId: `${id}.1`, caseId: id, type: 'submitted', occurredAt: shanghaiIso(acceptedAt - 3600_000), itemCode: FIVE_DAY_ITEM, districtCode: '500118', level: 'district', channel: 'window' },
    { eventId: `${id}.2`, caseId: id, type: 'accepted', occurredAt: shanghaiIso(acceptedAt), districtCode: '500118', level: 'district', departmentCode: 'SCJG', actorId: 'yc-scj-017' },
  ];
};

beforeAll(async () => {
  const dist = await ensureDashboardBuilt();
  writeFileSync(
    displaysFile,
    JSON.stringify({
      displays: {
        rotator: { screens: [{ kind: 'city', seconds: 6 }, { kind: 'supervision', seconds: 6 }] },
        // Scoped to a zone the simulator does not serve, so only this test's cases raise alarms.
        alarmer: { districtCode: '500118', alarms: { sound: true, volume: 0.2, quietHours: null, minIntervalSeconds: 600 } },
      },
    }),
  );
  url = `http://127.0.0.1:${await freePort()}`;
  // Two weeks of history, so it holds cases past their deadline on any weekday or holiday: three days laid down
  // on a Monday morning hold one working day, and no open case was late (the red count was 0).
  start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: new URL(url).port, DATA_DIR: dataDir, DASHBOARD_DIR: dist, DISPLAYS_FILE: displaysFile, DISPLAY_TOKENS: 'dev-wall:dev-wall,rotator:rotator-token,alarmer:alarmer-token:500118', DEMO_HISTORY_DAYS: '14', DEMO_CASES_PER_DAY: '1000', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  start.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await healthy(150_000);
  browser = await launchWallBrowser({ width: 1920, height: 1080 }, ['--autoplay-policy=no-user-gesture-required']);
}, 200_000);

afterAll(async () => {
  await browser?.close();
  if (start && start.exitCode === null) {
    start.kill('SIGTERM');
    await new Promise((r) => start.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** The wall as the display of this token opens it (`/?display=<token>`). */
async function wall(token = 'dev-wall'): Promise<Page> {
  const page = await openWall(browser.context, url, token);
  await page.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 40_000 });
  return page;
}

describe('pnpm start on an empty data dir', () => {
  it('lays down history first: red cases, 受理 and 办结 in the hour before now whatever the hour, and the 演示数据 badge from the data', async () => {
    expect(output).toMatch(/backfill .*100%/);
    const overview = (await (await fetch(`${url}/api/v1/overview`, { headers: { authorization: 'Bearer dev-admin' } })).json()) as { supervision: { counts: { red: number } } };
    expect(overview.supervision.counts.red).toBeGreaterThan(0);
    const page = await wall();
    try {
      await page.locator('[data-testid="red-flag-list"] .flag-red').first().waitFor({ timeout: 15_000 });
      await page.getByTestId('simulated').waitFor();
      // The history and then the live simulator go on round the clock: acceptances and completions in the
      // hour before now, at any hour. (The hour, not today's counters: just after midnight those are rightly
      // 0 for a minute or two at this rate.)
      const until = Date.now() + 60_000;
      let types = new Set<string>();
      while (Date.now() < until) {
        const to = Date.now();
        const q = new URLSearchParams({ from: shanghaiIso(to - 3_600_000), to: shanghaiIso(to) });
        const res = await fetch(`${url}/api/v1/replay/feed?${q}`, { headers: { authorization: 'Bearer dev-admin' } });
        expect(res.status).toBe(200);
        types = new Set(((await res.json()) as { events: Array<{ type: string }> }).events.map((e) => e.type));
        if (types.has('accepted') && types.has('completed')) break;
        await new Promise((r) => setTimeout(r, 2000));
      }
      expect([...types]).toEqual(expect.arrayContaining(['accepted', 'completed']));
    } finally {
      await page.close();
    }
  }, 120_000);
});

describe('the wall screen', () => {
  it('keeps the level bars in place: 20 samples, none collapses', async () => {
    const page = await wall();
    await page.getByTestId('case-levels').locator('canvas').waitFor();
    // Bar pixels (the four level colours are saturated; text and grid are grey) in the chart's canvas,
    // sampled 20 times 300 ms apart inside the page.
    const counts = await page.evaluate(async () => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="case-levels"] canvas')!;
      const bars = () => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let p = 0; p < data.length; p += 4) {
          const hi = Math.max(data[p]!, data[p + 1]!, data[p + 2]!);
          const lo = Math.min(data[p]!, data[p + 1]!, data[p + 2]!);
          if (data[p + 3]! > 200 && hi - lo > 80) n++;
        }
        return n;
      };
      // The first drawing (and its entry animation) first; then the updates.
      for (let t = 0; t < 100 && bars() === 0; t++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
      const out: number[] = [];
      for (let i = 0; i < 20; i++) {
        out.push(bars());
        await new Promise((r) => setTimeout(r, 300));
      }
      return out;
    });
    console.log("level bar samples", counts.join(","));
    const max = Math.max(...counts);
    expect(max).toBeGreaterThan(0);
    for (const c of counts) expect(c).toBeGreaterThan(max * 0.7);
    await page.close();
  }, 60_000);

  it('opens the case of a pop-up card and of a ticker row', async () => {
    const page = await wall();
    try {
      await page.locator('.feed-card').first().waitFor({ timeout: 20_000 });
      // The live feed moves on while the test reads it: click the card of one case id, found again by that id.
      const caseId = await page.locator('.feed-card').first().getAttribute('data-case-id');
      // Cards animate in and out (never "stable" for Playwright's click): the click is dispatched to the card itself.
      await page.locator(`.feed-card[data-case-id="${caseId}"]`).first().dispatchEvent('click');
      await page.getByTestId('case-detail').waitFor();
      expect(await page.getByTestId('case-detail').getAttribute('aria-label')).toContain(caseId!);
      await page.getByTestId('case-detail').click({ position: { x: 5, y: 5 } });
      await page.getByTestId('case-detail').waitFor({ state: 'detached' });
      await page.locator('.ticker-row').first().dispatchEvent('click');
      await page.getByTestId('case-detail').waitFor();
    } finally {
      await page.close();
    }
  }, 60_000);

  it('rotates through the screens of its display', async () => {
    const page = await wall('rotator-token');
    const wallEl = page.getByTestId('wall');
    await page.waitForFunction(() => document.querySelector('[data-testid="wall"]')?.getAttribute('data-screen') === 'supervision', null, { timeout: 20_000 });
    await page.getByTestId('supervision-figures').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="wall"]')?.getAttribute('data-screen') === 'city', null, { timeout: 20_000 });
    expect(await wallEl.getAttribute('data-screen')).toBe('city');
    // The token is kept: a reload without it is still the same display.
    expect(await page.evaluate(() => localStorage.getItem('tongban.display'))).toBe('rotator-token');
    await page.close();
  }, 100_000);

  it('fires an alarm once for cases of its scope turned red: the sound played (muted), both listed', async () => {
    const page = await wall('alarmer-token');
    await page.evaluate(() => {
      const audio = document.querySelector<HTMLAudioElement>('[data-testid="alarm-sound"]')!;
      audio.muted = true;
      (window as unknown as { plays: number }).plays = 0;
      audio.addEventListener('play', () => (window as unknown as { plays: number }).plays++);
    });
    const first = `KIOSK-ALARM-${Date.now()}`;
    expect((await post(lateCase(first))).status).toBe(200);
    await page.locator(`[data-testid="alarm-panel"] li[data-case-id="${first}"]`).waitFor({ timeout: 20_000 });
    expect((await post(lateCase(`${first}-B`))).status).toBe(200);
    await page.locator(`[data-testid="alarm-panel"] li[data-case-id="${first}-B"]`).waitFor({ timeout: 20_000 });
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { plays: number }).plays)).toBe(1);
    await page.getByTestId('alarm-ack-all').click();
    await page.getByTestId('alarm-panel').waitFor({ state: 'detached' });
    await page.close();
  }, 60_000);

  it('lays a 6656×1792 spliced wall out without stretching: every panel inside the viewport', async () => {
    const wide = await launchWallBrowser({ width: 6656, height: 1792 });
    try {
      const page = await openWall(wide.context, url);
      await page.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 40_000 });
      await page.waitForTimeout(3000);
      const boxes = await page.locator('.panel').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
      expect(boxes.length).toBeGreaterThanOrEqual(8);
      for (const b of boxes) {
        expect(b.left).toBeGreaterThanOrEqual(0);
        expect(b.top).toBeGreaterThanOrEqual(0);
        expect(b.right).toBeLessThanOrEqual(6656 + 1);
        expect(b.bottom).toBeLessThanOrEqual(1792 + 1);
      }
      // The canvas fills the width: panels reach both ends of the wall (no letterbox strip).
      expect(Math.min(...boxes.map((b) => b.left))).toBeLessThan(100);
      expect(Math.max(...boxes.map((b) => b.right))).toBeGreaterThan(6556);
      // 12 million pixels drawn by SwiftShader and encoded as PNG: seconds when quiet, past the default 30 s under
      // CI load (it failed there once). The layout assertions above are the test; the screenshot is for the README.
      await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'wall-6656x1792.png'), timeout: 180_000 });
    } finally {
      await wide.close();
    }
  }, 300_000);
});
