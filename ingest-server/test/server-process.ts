import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The real ingest server as a child process (real chDB in its own data dir, real HTTP, real signals).
 * libchdb binds one data directory per process, so every test server is its own process.
 */
export class ServerProcess {
  child: ChildProcess | undefined;
  output = '';
  readonly url: string;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(env: Record<string, string> = {}): Promise<ServerProcess> {
    const s = new ServerProcess(await freePort(), mkdtempSync(path.join(tmpdir(), 'tongban-test-')), env);
    await s.restart();
    return s;
  }

  /** Starts (again) on the same data dir; `env` adds to (or overrides) the environment given at start. */
  async restart(env: Record<string, string> = {}): Promise<void> {
    // `node --import tsx`, not the tsx CLI: one process, so SIGKILL really kills the server.
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: serverDir,
      env: { ...process.env, PORT: String(this.port), DATA_DIR: this.dataDir, LOG_LEVEL: 'info', DASHBOARD_DIR: '/nonexistent', ...this.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    await this.waitReady();
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.child?.exitCode !== null) throw new Error(`server exited (${this.child?.exitCode}):\n${this.output}`);
      try {
        const r = await fetch(`${this.url}/healthz`);
        if (r.status === 200) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server not ready in ${timeoutMs} ms:\n${this.output}`);
  }

  /** Sends a signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  post(body: string | object, opts: { token?: string | null; contentType?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {
      'content-type': opts.contentType ?? (typeof body === 'string' ? 'application/x-ndjson' : 'application/json'),
    };
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? 'dev-token'}`;
    return fetch(`${this.url}/api/v1/events`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  }

  /**
   * POSTs over a raw socket and resolves with the status line the server sent, even when it answered
   * before reading the whole body (an early 413: Node's HTTP clients then fail with EPIPE, curl does not).
   */
  postRaw(body: string, contentType = 'application/json'): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (d: Buffer) => {
        answer += d.toString('latin1');
        const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
        if (m) {
          resolve(Number(m[1]));
          socket.destroy();
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => reject(new Error(`closed without an answer: ${answer.slice(0, 200)}`)));
      socket.write(
        `POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer dev-token\r\n` +
          `Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      );
      socket.end(body);
    });
  }

  async get<T = unknown>(pathname: string, token?: string): Promise<{ status: number; body: T }> {
    const r = await fetch(`${this.url}${pathname}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: r.status, body: (await r.json()) as T };
  }

  /** Polls until `check` returns a value other than undefined (stored events appear after the next flush). */
  async eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
