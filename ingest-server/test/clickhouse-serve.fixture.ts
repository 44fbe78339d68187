import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@clickhouse/client';
import { freePort } from '@tongban/fixtures/server-process';
import { QUERY_SETTINGS, type Clickhouse } from '../src/clickhouse/clickhouse-client.ts';

export const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `pnpm clickhouse:serve` as a child process on a free port with a throw-away data directory, and a real HTTP client to it. */
export class ClickhouseServe {
  output = '';
  readonly client: Clickhouse;
  private constructor(
    readonly url: string,
    readonly dataDir: string,
    private readonly child: ChildProcess,
  ) {
    this.client = createClient({ url, clickhouse_settings: QUERY_SETTINGS });
  }

  /** `configFile`: a server configuration for the engine (test/one-server-cluster.xml). */
  static async start(opts: { configFile?: string } = {}): Promise<ClickhouseServe> {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tongban-ch-'));
    const args = ['--import', 'tsx', 'src/cli/clickhouse-serve.ts', '--port', String(port), '--data-dir', dataDir, ...(opts.configFile ? ['--config-file', opts.configFile] : [])];
    const child = spawn(process.execPath, args, { cwd: serverDir, stdio: ['ignore', 'pipe', 'pipe'] });
    const c = new ClickhouseServe(`http://127.0.0.1:${port}`, dataDir, child);
    child.stdout!.on('data', (d: Buffer) => (c.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (c.output += d.toString()));
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`clickhouse:serve exited:\n${c.output}`);
      if (await fetch(`${c.url}/ping`).then((r) => r.ok, () => false)) return c;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`clickhouse:serve not up:\n${c.output}`);
  }

  async rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const rs = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
    return rs.json<T>();
  }

  /** Every table and view of a database as SHOW CREATE TABLE prints it, the database name replaced by `<db>`. */
  async schema(db: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const { name } of await this.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name`, { db })) {
      const [row] = await this.rows<{ statement: string }>(`SHOW CREATE TABLE ${db}.${name}`);
      out.set(name, row!.statement.replaceAll(`${db}.`, '<db>.'));
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
