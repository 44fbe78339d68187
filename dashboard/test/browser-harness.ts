/**
 * The real wall in a real browser: builds the dashboard when its dist is missing or older than its sources,
 * starts Debian's Chromium (WebGL through SwiftShader) with a fresh profile, and installs a probe in the page
 * that records when each event or case first appears in the DOM, and the long tasks.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const DASHBOARD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(DASHBOARD_DIR, '..');
export const DIST_DIR = path.join(DASHBOARD_DIR, 'dist');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function newestMtime(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/** Builds dashboard/dist with Vite when it is missing or older than the sources; returns its path. */
export async function ensureDashboardBuilt(): Promise<string> {
  const index = path.join(DIST_DIR, 'index.html');
  let built = 0;
  try {
    built = statSync(index).mtimeMs;
  } catch {
    /* not built */
  }
  const sources = Math.max(
    newestMtime(path.join(DASHBOARD_DIR, 'src')),
    newestMtime(path.join(DASHBOARD_DIR, 'index.html')),
    newestMtime(path.join(DASHBOARD_DIR, 'vite.config.ts')),
  );
  if (built > sources) return DIST_DIR;
  const { build } = await import('vite');
  // The build people run: vitest sets NODE_ENV=test, with which Vite bundles React's development build
  // (StrictMode mounting every effect twice, so the wall's first socket was closed before it opened and
  // the second waited out a reconnection back-off). Afterwards NODE_ENV is put back: servers started after
  // the build would otherwise run in production mode (no development tokens).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: DASHBOARD_DIR, logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return DIST_DIR;
}

export interface WallBrowser {
  context: BrowserContext;
  /** The fresh profile directory (it names this browser's processes). */
  profile: string;
  close(): Promise<void>;
}

export async function launchWallBrowser(viewport = { width: 1920, height: 1080 }, extraArgs: string[] = []): Promise<WallBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'tongban-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    deviceScaleFactor: 1,
    args: [
      '--no-sandbox',
      // WebGL without a GPU: ANGLE on SwiftShader.
      '--use-gl=angle',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      // Compositing stays on (SwiftShader) GL: software compositing reads every WebGL frame back on the main
      // thread (measured: p99 640 ms and 48 s of long tasks a minute at 200 events/s, against 160–310 ms and 7 s).
      '--ignore-gpu-blocklist',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--enable-precise-memory-info',
      ...extraArgs,
    ],
  });
  return {
    context,
    profile,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Probe state in the page (window.__wallProbe). */
export interface ProbeReport {
  /** id → epoch ms (performance.timeOrigin + performance.now()) when it first appeared in the DOM. */
  arrivals: Record<string, number>;
  longTasks: number;
  longTaskMs: number;
}

/**
 * Runs in the page before its own scripts. A MutationObserver notes when each `data-event-id` and
 * `data-case-id` is first attached; a PerformanceObserver counts long tasks (> 50 ms). Plain JavaScript
 * text, so no transpiler helper leaks into the page.
 */
const PROBE = `(() => {
  const seen = new Map();
  const state = { longTasks: 0, longTaskMs: 0 };
  const note = (el, at) => {
    const id = el.getAttribute('data-event-id') ?? (el.hasAttribute('data-case-id') ? 'case:' + el.getAttribute('data-case-id') : null);
    if (id && !seen.has(id)) seen.set(id, at);
  };
  new MutationObserver((records) => {
    const at = performance.timeOrigin + performance.now();
    for (const r of records)
      for (const n of r.addedNodes) {
        if (!(n instanceof Element)) continue;
        note(n, at);
        for (const el of n.querySelectorAll('[data-event-id],[data-case-id]')) note(el, at);
      }
  }).observe(document, { childList: true, subtree: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        state.longTasks++;
        state.longTaskMs += e.duration;
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  window.__wallProbe = {
    take(reset) {
      const out = { arrivals: Object.fromEntries(seen), longTasks: state.longTasks, longTaskMs: state.longTaskMs };
      if (reset) {
        seen.clear();
        state.longTasks = 0;
        state.longTaskMs = 0;
      }
      return out;
    },
  };
})();`;

/** Opens the wall as a wall screen does: with the development display token (no sign-in). */
export async function openWall(context: BrowserContext, url: string, displayToken = 'dev-wall'): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript({ content: PROBE });
  await page.goto(`${url}/?display=${encodeURIComponent(displayToken)}`);
  return page;
}

export function takeProbe(page: Page, reset = false): Promise<ProbeReport> {
  return page.evaluate(`window.__wallProbe.take(${reset})`) as Promise<ProbeReport>;
}

/** JS heap in use after a full garbage collection, through the DevTools protocol. */
export async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  } finally {
    await cdp.detach();
  }
}

/** Pixels of a PNG that differ from its most common colour, counted in a blank page of the same browser. */
export async function countForegroundPixels(page: Page, png: Buffer): Promise<{ total: number; foreground: number; colours: number }> {
  const scratch = await page.context().newPage();
  try {
    return await scratch.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const counts = new Map<number, number>();
      for (let i = 0; i < data.length; i += 4) {
        const key = ((data[i]! >> 3) << 10) | ((data[i + 1]! >> 3) << 5) | (data[i + 2]! >> 3);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const [background] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      const total = data.length / 4;
      return { total, foreground: total - counts.get(background)!, colours: counts.size };
    }, png.toString('base64'));
  } finally {
    await scratch.close();
  }
}
