/**
 * pnpm bench:wall — how fast an event reaches the wall, end to end, in a real browser against the real
 * server: the time from the POST's acknowledgement to the event's first appearance in the page's DOM
 * (a MutationObserver stamps performance.timeOrigin + performance.now(); same machine, same clock), and
 * long tasks per minute (PerformanceObserver 'longtask'), at 200 and 2,000 events/s.
 *
 *   pnpm bench:wall [--seconds 20] [--rates 200,2000] [--soak-minutes 24] [--soak-speed 60] [--soak-cases-per-day 20000]
 *
 * Then the soak (wall-soak.ts): a simulated day at ×60, heap, DOM nodes and long tasks every minute
 * (`--soak-minutes 0` skips it; `--rates ''` skips the latency phases).
 *
 * Chromium renders WebGL and composites with SwiftShader here (no GPU): frames cost far more
 * than on a wall with a GPU, and the machine's other load shows in the figures (the load average is printed).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { ensureDashboardBuilt, launchWallBrowser, openWall, takeProbe } from '../test/browser-harness.ts';
import { CaseTraffic } from '../test/wall-traffic.ts';
import { soak, soakReport } from './wall-soak.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    rates: { type: 'string', default: '200,2000' },
    'soak-minutes': { type: 'string', default: '24' },
    'soak-speed': { type: 'string', default: '60' },
    'soak-cases-per-day': { type: 'string', default: '20000' },
  },
});
const SECONDS = Number(values.seconds);
const RATES = values.rates!.split(',').filter(Boolean).map(Number);
const SOAK_MINUTES = Number(values['soak-minutes']);
const SOAK_SPEED = Number(values['soak-speed']);
const SOAK_CASES_PER_DAY = Number(values['soak-cases-per-day']);
const TICK_MS = 50;
const MAX_IN_FLIGHT = 16;

const now = () => performance.timeOrigin + performance.now();
const quantile = (xs: number[], q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN);

interface Row {
  rate: number;
  posted: number;
  achieved: number;
  shown: number;
  p50: number;
  p99: number;
  max: number;
  sentP50: number;
  earlyShare: number;
  longTasksPerMin: number;
  longTaskMsPerMin: number;
  retries: number;
}

async function phase(server: ServerProcess, page: Awaited<ReturnType<typeof openWall>>, rate: number, traffic: CaseTraffic): Promise<Row> {
  await takeProbe(page, true);
  const acks = new Map<string, { sent: number; ack: number }>();
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const started = now();
  const until = started + SECONDS * 1000;
  let inFlight = 0;
  let retries = 0;
  let next = started;
  const pending: Promise<void>[] = [];
  while (now() < until) {
    if (inFlight < MAX_IN_FLIGHT) {
      const batch = traffic.batch(perTick, Date.now());
      inFlight++;
      const sent = now();
      pending.push(
        (async () => {
          // As a source system would: on 503 wait as told (at most a second) and send the same batch again
          // (same eventIds, so nothing is stored twice).
          for (;;) {
            const r = await server.post(batch);
            if (r.status === 503) {
              retries++;
              await r.text();
              await new Promise((res) => setTimeout(res, Math.min(1000, Number(r.headers.get('retry-after') ?? 1) * 1000)));
              continue;
            }
            const ack = now();
            inFlight--;
            if (r.status !== 200) throw new Error(`POST answered ${r.status}: ${await r.text()}`);
            for (const e of batch) acks.set(e.eventId, { sent, ack });
            return;
          }
        })(),
      );
    }
    next += TICK_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, next - now())));
  }
  await Promise.all(pending);
  const elapsed = (now() - started) / 1000;
  await page.waitForTimeout(2000);
  const probe = await takeProbe(page, true);
  const fromAck: number[] = [];
  const fromSend: number[] = [];
  for (const [id, t] of acks) {
    const at = probe.arrivals[id];
    if (at === undefined) continue;
    fromAck.push(at - t.ack);
    fromSend.push(at - t.sent);
  }
  fromAck.sort((a, b) => a - b);
  fromSend.sort((a, b) => a - b);
  const minutes = elapsed / 60;
  return {
    rate,
    posted: acks.size,
    achieved: acks.size / elapsed,
    shown: fromAck.length / acks.size,
    p50: quantile(fromAck, 0.5),
    p99: quantile(fromAck, 0.99),
    max: fromAck.at(-1) ?? NaN,
    sentP50: quantile(fromSend, 0.5),
    earlyShare: fromAck.filter((x) => x < 0).length / Math.max(1, fromAck.length),
    longTasksPerMin: probe.longTasks / minutes,
    longTaskMsPerMin: probe.longTaskMs / minutes,
    retries,
  };
}

async function main() {
  const dist = await ensureDashboardBuilt();
  const server = await ServerProcess.start({ DASHBOARD_DIR: dist, LOG_LEVEL: 'warn' });
  const browser = await launchWallBrowser();
  try {
    const page = await openWall(browser.context, server.url);
    await page.getByTestId('connection').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
    const traffic = new CaseTraffic(2025, 'BENCH');
    // Warm-up: shaders compiled, fonts rasterised, charts drawn, JIT warm.
    for (let i = 0; i < 20; i++) {
      await server.post(traffic.batch(20, Date.now()));
      await page.waitForTimeout(100);
    }
    await page.waitForTimeout(5000);
    const rows: Row[] = [];
    for (const rate of RATES) {
      rows.push(await phase(server, page, rate, traffic));
      await page.waitForTimeout(3000);
    }
    const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');
    if (rows.length) console.log(`\nwall: POST acknowledged → event in the page's DOM (${SECONDS} s per rate; Chromium on SwiftShader (WebGL and compositing, no GPU); ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
    if (rows.length) console.log('| target ev/s | achieved ev/s | events | shown in DOM | p50 ms | p99 ms | max ms | p50 from send ms | shown before ack | long tasks/min | long-task ms/min | 503 retries |');
    if (rows.length) console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows)
      console.log(
        `| ${r.rate} | ${f(r.achieved)} | ${r.posted} | ${f(r.shown * 100, 1)}% | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.sentP50)} | ${f(r.earlyShare * 100, 1)}% | ${f(r.longTasksPerMin, 1)} | ${f(r.longTaskMsPerMin)} | ${r.retries} |`,
      );
    const at200 = rows.find((r) => r.rate === 200);
    if (at200) console.log(`\ngoal p99 < 250 ms at 200 events/s: ${at200.p99 < 250 ? 'met' : 'NOT met'} (${f(at200.p99)} ms)`);
    if (SOAK_MINUTES > 0) {
      const minutes = await soak(server, page, { minutes: SOAK_MINUTES, speed: SOAK_SPEED, casesPerDay: SOAK_CASES_PER_DAY, log: (l) => console.error(l) });
      console.log(soakReport(minutes, SOAK_SPEED));
      console.log(`(${cpus().length} CPUs, load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    }
  } finally {
    await browser.close();
    await server.dispose();
  }
}

await main();
