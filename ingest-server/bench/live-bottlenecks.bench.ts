/**
 * A month's 堵点 read through the server while events arrive (issue 16: the live tail), for this checkout and,
 * with `--vs`, another one side by side (rounds alternate, each server on a fresh copy of the same data dir).
 *
 *   node --import tsx ingest-server/bench/live-bottlenecks.bench.ts --data-dir D [--vs /other/checkout]
 *     [--rate 300] [--reads 40] [--rounds 2] [--from YYYY-MM-DD --to YYYY-MM-DD]
 *
 * D: a history, e.g. `node --import tsx ingest-server/src/cli/backfill.ts --events 3000000 --days 30 --data-dir D`
 * (kept as it is: each run copies it). Each run starts the server, waits for its rollups and 10 s more, then
 * posts `--rate` events a second (the next step of open cases of the history, as a live feed does) and reads
 * `GET /api/v1/bottlenecks?from&to` every 500 ms, `--reads` times; 30 s after the feed stops, 20 reads more.
 * Prints medians, p10 and p90, each variant's tail counts (`tongban_bottleneck_tail_reads_total`) and the server's
 * CPU (user + system of its process, the embedded engine included, in % of one core; one figure a round) over the
 * feed's first 10 s, before any read, and over the reads under the feed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { shanghaiDate } from '@tongban/shared';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    vs: { type: 'string' },
    rate: { type: 'string', default: '300' },
    reads: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '2' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
});
if (!args['data-dir']) throw new Error('--data-dir D: a history to copy for each run');
const SRC = path.resolve(args['data-dir']);
const RATE = Number(args.rate);
const READS = Number(args.reads);
const DAY = 86_400_000;
const TO = args.to ?? shanghaiDate(Date.now() - DAY);
const FROM = args.from ?? shanghaiDate(Date.parse(`${TO}T12:00:00+08:00`) - 28 * DAY);
const HERE = path.resolve(import.meta.dirname, '../..');
const variants: Array<[string, string]> = [['this', HERE], ...(args.vs ? [['vs', path.resolve(args.vs)] as [string, string]] : [])];

interface OpenCase { case_id: string; type: string; district: string; department: string; level: string }
/** The next step of a case at each stage (a live feed's events). */
const NEXT: Record<string, string> = { submitted: 'accepted', accepted: 'reviewed', reviewed: 'approved', approved: 'completed', supplement_requested: 'supplement_received', supplement_received: 'reviewed', suspended: 'resumed', resumed: 'reviewed', extended: 'approved' };

async function openCases(): Promise<OpenCase[]> {
  const ch = createClickhouse({ clickhouseUrl: undefined, dataDir: SRC, clickhouseDatabase: 'tongban' });
  try {
    const rs = await ch.query({
      query: `SELECT case_id, argMax(type, occurred_at) AS type, any(district_code) AS district, any(department_code) AS department, any(level) AS level
              FROM tongban.case_events WHERE case_id IN (SELECT case_id FROM tongban.case_events WHERE occurred_at >= now() - INTERVAL 3 DAY)
              GROUP BY case_id HAVING type IN ('${Object.keys(NEXT).join("', '")}') LIMIT 40000`,
      format: 'JSONEachRow',
    });
    return await rs.json<OpenCase>();
  } finally {
    await ch.close();
  }
}

const sortedCopy = (xs: number[]) => [...xs].sort((a, b) => a - b);
const at = (xs: number[], p: number) => sortedCopy(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** CPU seconds a process has used (user + system, all its threads: the embedded engine's too), from /proc. */
const cpuSeconds = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

const open = await openCases();
if (!open.length) throw new Error('no open case with an event in the last 3 days: backfill up to now');
let cursor = 0;
let serial = 0;
const results: Record<string, number[]> = {};
let port = 18_700;

async function run(name: string, root: string): Promise<void> {
  const dir = `${SRC}.live-${name}`;
  rmSync(dir, { recursive: true, force: true });
  cpSync(SRC, dir, { recursive: true });
  const url = `http://127.0.0.1:${++port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: path.join(root, 'ingest-server'),
    env: { ...process.env, PORT: String(port), DATA_DIR: dir, LOG_LEVEL: 'info', DASHBOARD_DIR: '/nonexistent', REPORTS_SCHEDULE: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    while (!out.includes('"metric rollups ready"')) {
      if (child.exitCode !== null) throw new Error(`${name}: the server exited\n${out.slice(-2000)}`);
      await sleep(100);
    }
    await sleep(10_000);
    const cpuBefore = cpuSeconds(child.pid!);
    const feedStarted = performance.now();
    let feeding = true;
    const perTick = Math.max(1, Math.round(RATE / 10));
    const feed = (async () => {
      while (feeding) {
        const started = Date.now();
        const batch = Array.from({ length: perTick }, () => {
          const c = open[cursor++ % open.length]!;
          c.type = NEXT[c.type] ?? 'reviewed';
          return { eventId: `LIVE.${process.pid}.${serial++}`, caseId: c.case_id, type: c.type, occurredAt: new Date(Date.now() - 2_000).toISOString(), districtCode: c.district, level: c.level, ...(c.department ? { departmentCode: c.department } : {}) };
        });
        const r = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer dev-token' }, body: JSON.stringify(batch) });
        if (r.status >= 300) throw new Error(`${name}: POST ${r.status} ${(await r.text()).slice(0, 300)}`);
        await sleep(Math.max(0, 100 - (Date.now() - started)));
      }
    })();
    const read = async () => {
      const started = performance.now();
      const r = await fetch(`${url}/api/v1/bottlenecks?from=${FROM}&to=${TO}`, { headers: { authorization: 'Bearer dev-admin' } });
      if (r.status !== 200) throw new Error(`${name}: ${r.status} ${await r.text()}`);
      await r.json();
      return performance.now() - started;
    };
    await sleep(10_000);
    // The feed alone (no read yet): what ingesting it costs the server.
    (results[`${name} server CPU % of a core, the feed alone (10 s)`] ??= []).push(((cpuSeconds(child.pid!) - cpuBefore) / ((performance.now() - feedStarted) / 1000)) * 100);
    const cpuReads = cpuSeconds(child.pid!);
    const readsStarted = performance.now();
    await read();
    for (let i = 0; i < READS; i++) {
      (results[`${name} live`] ??= []).push(await read());
      await sleep(500);
    }
    feeding = false;
    await feed;
    (results[`${name} server CPU % of a core, the feed and the reads`] ??= []).push(((cpuSeconds(child.pid!) - cpuReads) / ((performance.now() - readsStarted) / 1000)) * 100);
    await sleep(30_000);
    await read();
    for (let i = 0; i < 20; i++) (results[`${name} after`] ??= []).push(await read());
    const tails = (await (await fetch(`${url}/metrics`)).text()).split('\n').filter((l) => l.startsWith('tongban_bottleneck_tail_reads_total'));
    console.log(`${name}: ${tails.join(', ') || 'no tail counts (no projected visits)'}`);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`a month's 堵点 ${FROM}..${TO}, ${RATE} events/s, ${open.length} open cases to advance; ${variants.map(([n, r]) => `${n} = ${r}`).join(', ')}`);
for (let r = 0; r < Number(args.rounds); r++) for (const [name, root] of variants) await run(name, root);
for (const [key, xs] of Object.entries(results)) {
  const other = key.replace(/^\S+/, 'this');
  const ratio = key.startsWith('vs') && results[other] ? `; this ÷ vs ${(at(results[other]!, 0.5) / at(xs, 0.5)).toFixed(2)}` : '';
  console.log(`${key}: median ${at(xs, 0.5).toFixed(1)}${key.includes('CPU') ? '' : ' ms'} (p10 ${at(xs, 0.1).toFixed(1)}, p90 ${at(xs, 0.9).toFixed(1)}, n = ${xs.length})${ratio}`);
}
