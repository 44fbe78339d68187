/**
 * The wall's soak (part of pnpm bench:wall): a simulated day of the city's traffic played at ×60 (the
 * simulator's `live --speed 60` from 24 hours ago: hall peaks, quiet nights, lifecycles going on), so 24
 * minutes of real time carry a day; every minute the page's JS heap after a full GC, its DOM node count, the
 * events shown and the long tasks of that minute. A wall that holds for weeks shows the same figures at the
 * end as at the start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '@tongban/fixtures/server-process';
import { REPO_ROOT, heapAfterGc, takeProbe } from '../test/browser-harness.ts';

export interface SoakMinute {
  minute: number;
  /** Events (and cases) that first appeared in the page's DOM in that minute. */
  shown: number;
  heapMiB: number;
  domNodes: number;
  longTasks: number;
  longTaskMs: number;
}

function simulator(server: ServerProcess, speed: number, casesPerDay: number): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'fixtures/src/cli/simulate.ts'), 'live', '--url', server.url, '--token', 'dev-token', '--seed', '24', '--speed', String(speed), '--cases-per-day', String(casesPerDay)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

export async function soak(server: ServerProcess, page: Page, o: { minutes: number; speed: number; casesPerDay: number; log: (line: string) => void }): Promise<SoakMinute[]> {
  const sim = simulator(server, o.speed, o.casesPerDay);
  const rows: SoakMinute[] = [];
  try {
    await takeProbe(page, true);
    for (let minute = 1; minute <= o.minutes; minute++) {
      await page.waitForTimeout(60_000);
      if (sim.exitCode !== null) throw new Error(`the simulator stopped (exit ${sim.exitCode})`);
      const probe = await takeProbe(page, true);
      const heap = await heapAfterGc(page);
      const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
      const row = { minute, shown: Object.keys(probe.arrivals).length, heapMiB: heap / 1048576, domNodes, longTasks: probe.longTasks, longTaskMs: probe.longTaskMs };
      rows.push(row);
      o.log(`soak minute ${minute}/${o.minutes}: ${row.shown} shown, heap ${row.heapMiB.toFixed(1)} MiB, ${domNodes} DOM nodes, ${row.longTasks} long tasks (${Math.round(row.longTaskMs)} ms)`);
    }
  } finally {
    sim.kill('SIGTERM');
  }
  return rows;
}

/** The soak's table: every minute, then the first and the last beside each other. */
export function soakReport(rows: SoakMinute[], speed: number): string {
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const lines = [
    `\nwall soak: a simulated day at ×${speed} (${rows.length} min real time = ${f((rows.length * speed) / 60, 1)} simulated hours)\n`,
    '| minute | shown in DOM | JS heap after GC MiB | DOM nodes | long tasks | long-task ms |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.minute} | ${r.shown} | ${f(r.heapMiB, 1)} | ${r.domNodes} | ${r.longTasks} | ${f(r.longTaskMs)} |`),
  ];
  const first = rows[0];
  const last = rows.at(-1);
  if (first && last) lines.push(`\nfirst minute → last minute: heap ${f(first.heapMiB, 1)} → ${f(last.heapMiB, 1)} MiB (×${f(last.heapMiB / first.heapMiB, 2)}), DOM nodes ${first.domNodes} → ${last.domNodes}, long tasks/min ${first.longTasks} → ${last.longTasks}`);
  return lines.join('\n');
}
