/**
 * pnpm bench:scale — what grows with history, measured side by side at two history sizes in one run
 * (issue 16). For each size: a backfill into a fresh data dir at the same density (events per day), so the
 * larger one is a longer history; then the real server (a child process, embedded ClickHouse):
 *   - start to /healthz 200: first start after the backfill, after a clean stop (SIGTERM), after a SIGKILL
 *     (with a tail of events accepted since the last snapshot and watermark);
 *   - backfill events/s end to end (events + case states + rollups), its write phase alone, and its case
 *     derivation pass (with the seconds it spent reading case_events, deriving, writing case_state);
 *   - start to "metric rollups ready" (until then 五度 and rankings read the raw log);
 *   - read latencies once the rollups are ready (median of 7 after a warm-up): overview, case list, one case,
 *     五度 (wudu), district ranking, a month's bottlenecks.
 * Then the ratio large ÷ small of each.
 *
 *   node --import tsx ingest-server/bench/scale.bench.ts [--sizes 10000000,100000000] [--per-day 100000] [--keep] [--root /tmp]
 *
 * The full default run (10M and 100M events) takes hours on this 2-core machine (docs/notes/scale.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { shanghaiIso } from '@tongban/shared';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000000,100000000' },
    'per-day': { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
    root: { type: 'string', default: '/tmp' },
  },
});
const sizes = args.sizes.split(',').map((s) => Number(s.replaceAll('_', '')));
if (sizes.length !== 2 || sizes.some((n) => !Number.isFinite(n) || n < 1000)) throw new Error('--sizes takes two event counts, e.g. 200000,2000000');
const perDay = Number(args['per-day']);
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DAY = 86_400_000;

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function run(cmd: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cmd, { cwd: serverDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d);
    });
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

class Server {
  child: ChildProcess | undefined;
  output = '';
  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }
  /** Spawns the server (with `env` added) and returns ms from spawn to /healthz 200. */
  async start(env: Record<string, string> = {}): Promise<number> {
    const started = performance.now();
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: serverDir,
      env: { ...process.env, PORT: String(this.port), DATA_DIR: this.dataDir, LOG_LEVEL: 'info', DASHBOARD_DIR: '/nonexistent', REPORTS_SCHEDULE: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    children.add(child);
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.on('exit', () => children.delete(child));
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited:\n${this.output.slice(-3000)}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).status === 200) return performance.now() - started;
      } catch {
        /* not yet listening */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
  /** ms from the last spawn until the metrics' first rollup check is done (until then 五度 and rankings read the raw log). */
  async rollupsReady(spawnedAt: number): Promise<number> {
    for (;;) {
      if (this.output.includes('"metric rollups ready"')) return performance.now() - spawnedAt;
      if (this.child?.exitCode !== null) throw new Error('server exited');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** What start-up logged: where the dedup filter came from, how many cases were derived. */
  startLog(): string {
    const pick = (msg: string) => this.output.split('\n').find((l) => l.includes(`"${msg}"`));
    const parse = (l: string | undefined) => (l ? (JSON.parse(l) as Record<string, unknown>) : undefined);
    const dedup = parse(pick('dedup filter loaded'));
    const derived = parse(pick('derived the cases touched since the derivation watermark'));
    const open = parse(pick('open-case index loaded'));
    return `dedup ${dedup?.source ?? '?'} (${dedup?.tailKeys ?? dedup?.keys ?? '?'} keys read, ${dedup?.ms ?? '?'} ms) · ${derived ? `${String(derived.cases)} cases derived` : 'no watermark'} · ${String(open?.openCases ?? '?')} open cases loaded (${String(open?.source ?? '?')}) in ${String(open?.ms ?? '?')} ms`;
  }
  async get<T>(p: string): Promise<T> {
    const r = await fetch(`${this.url}${p}`, { headers: { authorization: 'Bearer dev-admin' } });
    if (r.status !== 200) throw new Error(`${p}: ${r.status} ${(await r.text()).slice(0, 300)}`);
    return (await r.json()) as T;
  }
  async timed(p: string, rounds = 7): Promise<number> {
    await this.get(p);
    const ms: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await this.get(p);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    return ms[Math.floor(ms.length / 2)]!;
  }
}

/**
 * A tail for the SIGKILL start: cases submitted and accepted an hour ago, after the last snapshot and watermark.
 * Instants, not a fixed hour of the day: 09:00 of today's Shanghai date lies in the future before 09:00 there,
 * and the server rejects such events (every run in the UTC evening had an empty tail).
 */
function tailEvents(n: number, tag: string): string {
  const lines: string[] = [];
  const submitted = shanghaiIso(Date.now() - 3_600_000);
  const accepted = shanghaiIso(Date.now() - 3_000_000);
  for (let i = 0; i < n / 2; i++) {
    const caseId = `SCALE-${tag}-${i}`;
    lines.push(JSON.stringify({ eventId: `${caseId}.1`, caseId, type: 'submitted', occurredAt: submitted, itemCode: 'SC-GTGSH-BG', districtCode: '500118', level: 'district', channel: 'window' }));
    lines.push(JSON.stringify({ eventId: `${caseId}.2`, caseId, type: 'accepted', occurredAt: accepted, districtCode: '500118', level: 'district', departmentCode: 'SCJGJ', actorId: 'bench' }));
  }
  return lines.join('\n') + '\n';
}

type Row = Record<string, number>;
async function measure(events: number): Promise<{ row: Row; notes: string[] }> {
  const dataDir = mkdtempSync(path.join(args.root, `tongban-scale-${events}-`));
  const notes: string[] = [];
  const row: Row = {};
  try {
    const days = Math.max(2, Math.round(events / perDay));
    console.error(`\n== ${events.toLocaleString('en')} events over ${days} days (${perDay.toLocaleString('en')} a day) into ${dataDir}`);
    const t0 = performance.now();
    const bf = await run(['--import', 'tsx', 'src/cli/backfill.ts', '--events', String(events), '--days', String(days), '--data-dir', dataDir], {});
    if (bf.code !== 0) throw new Error(`backfill failed:\n${bf.stderr.slice(-2000)}`);
    const total = (performance.now() - t0) / 1000;
    const summary = JSON.parse(bf.stdout.trim().split('\n').at(-1)!) as { events: number; seconds: number };
    row.stored = summary.events;
    row['backfill end to end, events/s'] = summary.events / total;
    row['backfill write phase, events/s'] = summary.events / summary.seconds;
    row['backfill total, s'] = total;
    // The case derivation pass (supervision's afterBulkLoad prints its rate and phases).
    const derived = /case states: .*\(([\d,]+) events\/s; read ([\d.]+) s, derive ([\d.]+) s, write ([\d.]+) s/.exec(bf.stdout);
    if (derived) {
      row['backfill case derivation, events/s'] = Number(derived[1]!.replaceAll(',', ''));
      row['  of it reading case_events, s'] = Number(derived[2]);
      row['  deriving, s'] = Number(derived[3]);
      row['  writing case_state, s'] = Number(derived[4]);
    }

    const server = new Server(dataDir, await freePort());
    let spawned = performance.now();
    row['first start after backfill, ms'] = await server.start();
    notes.push(`first start: ${server.startLog()}`);
    row['first start to rollups ready, ms'] = await server.rollupsReady(spawned);

    // Reads, on the month in the middle of the history.
    const mid = Date.now() - (days / 2) * DAY;
    const month = shanghaiIso(mid).slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const list = await server.get<{ cases: Array<{ caseId: string }> }>('/api/v1/cases?limit=50');
    const oneCase = list.cases[0]?.caseId;
    row['overview, ms'] = await server.timed('/api/v1/overview');
    row['case list (50), ms'] = await server.timed('/api/v1/cases?limit=50');
    if (oneCase) row['one case, ms'] = await server.timed(`/api/v1/cases/${encodeURIComponent(oneCase)}`);
    row['wudu month, ms'] = await server.timed(`/api/v1/metrics/wudu?period=${month}`);
    row['ranking month, ms'] = await server.timed(`/api/v1/metrics/ranking?period=${month}`);
    row['bottlenecks month, ms'] = await server.timed(`/api/v1/bottlenecks?from=${month}-01&to=${month}-${String(last).padStart(2, '0')}`);
    notes.push(`reads on ${month}; one case ${oneCase ?? '(no open case)'}`);

    await server.stop('SIGTERM');
    spawned = performance.now();
    // This run takes the tail and is then killed: its derivation watermark must not advance past the tail
    // (every 5 s by default), or the start after SIGKILL has nothing to derive and measures the quiet case.
    row['start after clean stop, ms'] = await server.start({ DERIVATION_WATERMARK_SECONDS: '3600' });
    notes.push(`after clean stop: ${server.startLog()}`);
    row['clean stop: start to rollups ready, ms'] = await server.rollupsReady(spawned);

    const tail = tailEvents(2_000, String(events));
    const r = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: 'Bearer dev-token' }, body: tail });
    const answer = (await r.json()) as { accepted?: number; rejected?: unknown[] };
    if (r.status !== 200 || answer.accepted !== 2_000) throw new Error(`tail: ${r.status} ${JSON.stringify(answer).slice(0, 500)}`);
    await new Promise((res) => setTimeout(res, 1_500));
    await server.stop('SIGKILL');
    spawned = performance.now();
    row['start after SIGKILL, ms'] = await server.start();
    row['SIGKILL: start to rollups ready, ms'] = await server.rollupsReady(spawned);
    notes.push(`after SIGKILL (2,000 events since the snapshot): ${server.startLog()}`);
    await server.stop('SIGTERM');
    return { row, notes };
  } finally {
    if (!args.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

const started = performance.now();
const [small, large] = [await measure(sizes[0]!), await measure(sizes[1]!)];
const fmt = (v: number | undefined) => (v === undefined ? '无数据' : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(1));
const keys = [...new Set([...Object.keys(small.row), ...Object.keys(large.row)])];
const head = `| measure | ${sizes[0]!.toLocaleString('en')} events | ${sizes[1]!.toLocaleString('en')} events | ratio large ÷ small |`;
console.log(`\n${head}\n|---|---|---|---|`);
for (const k of keys) {
  const a = small.row[k];
  const b = large.row[k];
  console.log(`| ${k} | ${fmt(a)} | ${fmt(b)} | ${a && b ? (b / a).toFixed(2) : '无数据'} |`);
}
console.log(`\nsmall: ${small.notes.join('\n       ')}\nlarge: ${large.notes.join('\n       ')}`);
console.log(`\nrun took ${((performance.now() - started) / 60_000).toFixed(1)} min (${perDay.toLocaleString('en')} events a day)`);
process.exit(0);
