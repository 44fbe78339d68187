/**
 * pnpm start — the whole demo: on an empty data dir first a few weeks of seeded history (the backfill, with
 * its progress bar), then the ingest server on embedded ClickHouse (SIMULATE=1) and, once /healthz answers
 * 200, the live simulator continuing that history: the same seed and rate, so the history's open cases go on
 * with their lives (受理, 审核, 办结, 好差评 …), with a back office working round the clock so every counter
 * moves at any hour. SIGINT/SIGTERM go to both; the simulator stops first, then the server flushes and exits.
 *
 * The plan of the run (seed, history start, resume instant, rate) is kept in DATA_DIR/demo-plan.json, so a
 * restart continues the same run from where it stopped.
 *
 * Environment: the server's own (PORT, HOST, DATA_DIR, …); SIMULATOR_TOKEN (default dev-token),
 * SIMULATOR_ARGS (extra arguments for `simulate live`), DEMO_HISTORY_DAYS (default 21, 0 = none),
 * DEMO_CASES_PER_DAY (default 10000), DEMO_SEED (default 1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAUNCH_JE_MALLOC_CONF, serverHeapMiB } from '../ingest-server/src/config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const host = process.env.HOST && process.env.HOST !== '0.0.0.0' ? process.env.HOST : '127.0.0.1';
const url = `http://${host}:${process.env.PORT ?? '3000'}`;
const say = (message: string) => console.error(`[start] ${message}`);

function run(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  // `node --import tsx`, not the tsx CLI: one process each, so signals reach the program itself.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd, env, stdio: 'inherit' });
  child.on('error', (err) => say(`${name} failed to start: ${err.message}`));
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? 1);
    else child.once('exit', (code) => resolve(code ?? 1));
  });

async function waitHealthy(server: ChildProcess): Promise<boolean> {
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null || stopping) return false;
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(root, 'data'));
const planFile = path.join(dataDir, 'demo-plan.json');
const numberEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number ≥ 0`);
  return v;
};

/** The demo run: what the history was made with, so the live simulator continues the same cases. */
interface DemoPlan {
  seed: string;
  from: string;
  resumeAt: string;
  casesPerDay: number;
  /** Last moment the live simulator was known to run (a restart skips what was posted before it). */
  runningAt?: string;
}
const readPlan = (): DemoPlan | undefined => (existsSync(planFile) ? (JSON.parse(readFileSync(planFile, 'utf8')) as DemoPlan) : undefined);
const writePlan = (plan: DemoPlan) => writeFileSync(planFile, JSON.stringify(plan, null, 2) + '\n');
const shanghaiIso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';

/** The history on an empty data dir (the backfill, its progress on stderr); the plan of the run. */
async function layDownHistory(): Promise<DemoPlan | undefined> {
  const days = numberEnv('DEMO_HISTORY_DAYS', 21);
  if (days === 0) return readPlan();
  const seed = process.env.DEMO_SEED ?? '1';
  const casesPerDay = numberEnv('DEMO_CASES_PER_DAY', 10_000);
  const to = shanghaiIso(Date.now());
  const args = ['src/cli/backfill.ts', '--if-empty', '--round-the-clock', '--days', String(days), '--cases-per-day', String(casesPerDay), '--seed', seed, '--to', to, '--data-dir', dataDir];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: path.join(root, 'ingest-server'), env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  backfill = child;
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await exited(child);
  backfill = undefined;
  if (code !== 0) throw new Error(`the backfill failed (exit ${code})`);
  const summary = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { skipped?: boolean; from?: string; to?: string };
  if (summary.skipped) return readPlan();
  const plan: DemoPlan = { seed, from: summary.from!, resumeAt: summary.to!, casesPerDay };
  writePlan(plan);
  say(`history laid down (${summary.from} → ${summary.to}); the live simulator continues it`);
  return plan;
}

let stopping = false;
let simulator: ChildProcess | undefined;
let server: ChildProcess | undefined;
let backfill: ChildProcess | undefined;
let heartbeat: ReturnType<typeof setInterval> | undefined;

async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping the simulator, then the server`);
  clearInterval(heartbeat);
  if (backfill && backfill.exitCode === null) {
    backfill.kill(signal);
    await exited(backfill);
  }
  if (simulator && simulator.exitCode === null) {
    simulator.kill(signal);
    await exited(simulator);
  }
  if (server && server.exitCode === null) {
    server.kill(signal);
    await exited(server);
  }
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

async function main(): Promise<number> {
  const plan = await layDownHistory();
  if (stopping) return 0;
  // The server's heap is sized to the backlog it may hold (serverHeapMiB), unless NODE_OPTIONS already says.
  const heap = /max-old-space-size/.test(process.env.NODE_OPTIONS ?? '') ? [] : [`--max-old-space-size=${serverHeapMiB()}`];
  // chDB's jemalloc keeps freed pages 5 s by default; 1 s returns them sooner (it reads JE_MALLOC_CONF at load; docs/notes/soak-rss.md).
  const jemalloc = { JE_MALLOC_CONF: process.env.JE_MALLOC_CONF ?? LAUNCH_JE_MALLOC_CONF };
  server = run('server', [...heap, 'src/server.ts'], path.join(root, 'ingest-server'), { ...process.env, ...jemalloc, SIMULATE: '1' });
  if (!(await waitHealthy(server))) return exited(server);
  say(`server ready at ${url}; starting the live simulator`);
  const extra = (process.env.SIMULATOR_ARGS ?? '').split(/\s+/).filter(Boolean);
  const continued = plan
    ? ['--seed', plan.seed, '--cases-per-day', String(plan.casesPerDay), '--round-the-clock', '--history-from', plan.from, '--resume-at', plan.resumeAt, '--skip-before', plan.runningAt ?? plan.resumeAt]
    : [];
  simulator = run('simulator', ['fixtures/src/cli/simulate.ts', 'live', '--url', url, '--token', process.env.SIMULATOR_TOKEN ?? 'dev-token', ...continued, ...extra], root, process.env);
  if (plan) {
    // A restart skips what was posted before the last heartbeat; events after it are posted again (stored once).
    heartbeat = setInterval(() => writePlan({ ...plan, runningAt: shanghaiIso(Date.now() - 60_000) }), 60_000);
    heartbeat.unref();
  }
  const first = await Promise.race([exited(server).then((code) => ({ who: 'server', code })), exited(simulator).then((code) => ({ who: 'simulator', code }))]);
  const unexpected = !stopping;
  if (unexpected) {
    say(`the ${first.who} exited (${first.code}); stopping the other`);
    await stop('SIGTERM');
  }
  const code = await exited(server);
  return unexpected ? first.code || 1 : code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(String(err));
    process.exit(1);
  },
);
