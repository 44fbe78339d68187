/**
 * pnpm start — the whole demo: the ingest server on embedded ClickHouse (SIMULATE=1, so the wall says the
 * data is simulated) and, once /healthz answers 200, the live simulator feeding it. SIGINT/SIGTERM go to
 * both; the simulator stops first, then the server flushes and exits.
 *
 * Environment: the server's own (PORT, HOST, DATA_DIR, …); SIMULATOR_TOKEN (default dev-token) and
 * SIMULATOR_ARGS (extra arguments for `simulate live`, e.g. "--cases-per-day 50000 --seed 7").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

let stopping = false;
let simulator: ChildProcess | undefined;
const server = run('server', ['src/server.ts'], path.join(root, 'ingest-server'), { ...process.env, SIMULATE: '1' });

async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping the simulator, then the server`);
  if (simulator && simulator.exitCode === null) {
    simulator.kill(signal);
    await exited(simulator);
  }
  if (server.exitCode === null) {
    server.kill(signal);
    await exited(server);
  }
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

async function main(): Promise<number> {
  if (!(await waitHealthy(server))) return exited(server);
  say(`server ready at ${url}; starting the live simulator`);
  const extra = (process.env.SIMULATOR_ARGS ?? '').split(/\s+/).filter(Boolean);
  simulator = run('simulator', ['fixtures/src/cli/simulate.ts', 'live', '--url', url, '--token', process.env.SIMULATOR_TOKEN ?? 'dev-token', ...extra], root, process.env);
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
