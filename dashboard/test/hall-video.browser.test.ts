/**
 * The hall video panel in Chromium: the test makes an HLS stream itself (ffmpeg's test pattern, H.264 in
 * MPEG-TS segments, as hall cameras' gateways serve them) and serves it from this machine; the 大厅实况 screen
 * plays it (the video element's currentTime advances), then rotates to a hall whose stream is missing and
 * shows that hall's name and 视频信号中断.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess, freePort } from '@tongban/fixtures/server-process';
import { REPO_ROOT, ensureDashboardBuilt, launchWallBrowser, type WallBrowser } from './browser-harness.ts';

const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
const dir = mkdtempSync(path.join(tmpdir(), 'tongban-hls-'));
let streams: Server;
let server: ServerProcess;
let browser: WallBrowser;
let page: Page;
const HALL_SECONDS = 10;

/** 30 s of ffmpeg's test pattern as HLS: 2-second H.264 segments in MPEG-TS, a VOD playlist. */
async function makeStream(out: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-t', '30', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '50', '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_filename', path.join(out, 'seg%03d.ts'), path.join(out, 'index.m3u8')];
  const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`ffmpeg failed (${code}): ${err}`);
}

const TYPES: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t' };

beforeAll(async () => {
  const [dist] = await Promise.all([ensureDashboardBuilt(), makeStream(path.join(dir, 'yongchuan'))]);
  // The camera gateway: static files with CORS, as a hall's streaming server on another port.
  streams = createServer((req, res) => {
    const file = path.join(dir, path.normalize(new URL(req.url ?? '/', 'http://x').pathname));
    res.setHeader('access-control-allow-origin', '*');
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => streams.listen(port, '127.0.0.1', resolve));
  const displays = path.join(dir, 'displays.json');
  writeFileSync(
    displays,
    JSON.stringify({
      displays: {
        lobby: {
          screens: [{ kind: 'halls', seconds: 3600 }],
          halls: [
            { name: '永川区政务服务中心', url: `http://127.0.0.1:${port}/yongchuan/index.m3u8` },
            { name: '万州区政务服务中心', url: `http://127.0.0.1:${port}/wanzhou/index.m3u8` },
          ],
          hallSeconds: HALL_SECONDS,
        },
      },
    }),
  );
  server = await ServerProcess.start({ DASHBOARD_DIR: dist, DISPLAYS_FILE: displays, DISPLAY_TOKENS: 'lobby:lobby-token', LOG_LEVEL: 'warn' });
  browser = await launchWallBrowser();
  page = await browser.context.newPage();
  await page.goto(`${server.url}/?display=lobby-token`);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await new Promise((r) => streams?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('大厅实况: the halls’ cameras', () => {
  it('plays the generated stream: the video element’s currentTime advances', async () => {
    const video = page.locator('[data-testid="hall-video"][data-hall="永川区政务服务中心"] video');
    await video.waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="hall-video"][data-state="playing"]').waitFor({ timeout: 20_000 });
    const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.waitForTimeout(2_000);
    const t1 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    expect(t1 - t0).toBeGreaterThan(1);
    expect(await video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([640, 360]);
    expect(await page.getByTestId('screen-title').textContent()).toBe('大厅实况');

    const shot = path.join(REPO_ROOT, 'artifacts', 'wall-halls.png');
    mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    if (process.env.UPDATE_WALL_SCREENSHOT === '1') copyFileSync(shot, path.join(REPO_ROOT, 'docs', 'wall-halls.png'));
  }, 60_000);

  it('rotates to the next hall, whose stream is missing: its name and 视频信号中断, no frozen picture', async () => {
    const down = page.getByTestId('hall-down');
    await down.waitFor({ timeout: (HALL_SECONDS + 20) * 1000 });
    const text = await down.textContent();
    expect(text).toContain('万州区政务服务中心');
    expect(text).toContain('视频信号中断');
    expect(await page.locator('[data-testid="hall-video"]').getAttribute('data-state')).toBe('failed');
    expect(await page.getByTestId('hall-list').textContent()).toContain('视频信号中断');
  }, 60_000);
});
