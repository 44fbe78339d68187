/**
 * pnpm clickhouse:serve --port 8123 --data-dir ./ch-data [--host 127.0.0.1]
 *
 * The embedded chDB engine behind ClickHouse's HTTP interface: enough of it for @clickhouse/client
 * (and curl), so tests can run the server with CLICKHOUSE_URL against a ClickHouse that can be killed
 * and restarted. No ClickHouse server can be installed on this machine; this stands in for one.
 *
 * Supported: `GET /ping`; `GET|POST /` with the query in the body or the `query` parameter (then the
 * body is INSERT data), `database`, `query_id`, `param_*` query parameters, any other parameter as a
 * setting, FORMAT passed through; answers with X-ClickHouse-Query-Id / -Summary / -Format / -Timezone;
 * an error is a 500 with the engine's exception text and X-ClickHouse-Exception-Code.
 * Queries run one at a time (one chDB session; its SETs must not interleave).
 *
 * `--config-file <xml>` starts the engine with a server configuration, e.g. test/one-server-cluster.xml:
 * `remote_servers` and `macros` of a cluster of this one server, so Distributed tables and the server's
 * cluster settings run here. The embedded engine has no Keeper, no replication threads and no ON CLUSTER
 * queue, and serves no native TCP: Replicated tables stay read-only and a Distributed table reaches only
 * this server itself.
 *
 * With `--faults`, `POST /_fault` arms a fault for the next INSERT into a table (tests only; see
 * `Fault`), and `GET /_fault` tells how many armed faults have fired.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Session } from 'chdb';
import { createChdbConnection } from 'chdb/connection';

/** URL parameters of the HTTP interface that are not settings. */
const NOT_SETTINGS = new Set(['query', 'query_id', 'database', 'session_id', 'session_timeout', 'session_check', 'user', 'password', 'compress', 'decompress', 'default_format']);
/** Settings of the HTTP layer the embedded engine has no use for (compression is not offered). */
const HTTP_LAYER = new Set(['enable_http_compression', 'http_zlib_compression_level', 'wait_end_of_query', 'send_progress_in_http_headers', 'http_headers_progress_interval_ms']);

/** Undoes the TSV escaping the client applies to `param_*` values (chdb escapes them again when binding). */
export function tsvUnescape(s: string): string {
  const map: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f', "'": "'" };
  return s.replace(/\\(.)/g, (m, c: string) => map[c] ?? m);
}

function exceptionCode(message: string): string {
  return /Code: (\d+)/.exec(message)?.[1] ?? '1000';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/**
 * What the next INSERT into `table` suffers (ClickHouse's own failure modes, made to happen on cue):
 * - `answer_lost_after_commit`: the insert is stored completely, then the answer never arrives.
 * - `torn_views`: the insert reaches the table and its other views but not `views` (a crash between the
 *   parts of one insert: ClickHouse commits a table's part and each view's part separately), then the
 *   answer never arrives.
 * `then`: `drop` closes the connection without an answer; `kill` SIGKILLs this process (a crash).
 */
export interface Fault {
  point: 'answer_lost_after_commit' | 'torn_views';
  table: string;
  views?: string[];
  then: 'drop' | 'kill';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

export function parseFault(value: unknown): Fault {
  const f = value as Partial<Fault> | null;
  if (!f || (f.point !== 'answer_lost_after_commit' && f.point !== 'torn_views')) throw new Error('point: answer_lost_after_commit or torn_views');
  if (typeof f.table !== 'string' || !NAME.test(f.table)) throw new Error('table: a table name');
  const views = f.views ?? [];
  if (!Array.isArray(views) || !views.every((v) => typeof v === 'string' && NAME.test(v))) throw new Error('views: table names');
  if (f.point === 'torn_views' && !views.length) throw new Error('views: at least one for torn_views');
  if (f.then !== 'drop' && f.then !== 'kill') throw new Error('then: drop or kill');
  return { point: f.point, table: f.table, views, then: f.then };
}

/** Whether `query` inserts into `table` (`db.table`, or `table` under a `USE db`). */
export function insertsInto(query: string, table: string): boolean {
  const m = /^\s*INSERT\s+INTO\s+([A-Za-z0-9_.`"]+)/i.exec(query);
  return !!m && m[1]!.replace(/[`"]/g, '') === table;
}

export function startClickhouseServe(opts: { port: number; host: string; dataDir: string; faults?: boolean; configFile?: string }) {
  mkdirSync(opts.dataDir, { recursive: true });
  // The engine is started by the first session on the directory; later connections to it share it, config and all.
  const configured = opts.configFile ? new Session(opts.dataDir, { connectionArgs: [`--config-file=${opts.configFile}`] }) : undefined;
  const faults: Fault[] = [];
  let faultsFired = 0;
  const connection = createChdbConnection({ path: opts.dataDir });
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://clickhouse');
    if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (opts.faults && url.pathname === '/_fault') {
      if (req.method === 'POST') {
        try {
          faults.push(parseFault(JSON.parse((await readBody(req)).toString('utf8'))));
        } catch (err) {
          res.writeHead(400, { 'content-type': 'text/plain; charset=UTF-8' }).end(`${(err as Error).message}\n`);
          return;
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ armed: faults.length, fired: faultsFired }));
      return;
    }
    if (url.pathname !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=UTF-8' }).end(`There is no handle ${url.pathname}\n`);
      return;
    }
    const queryId = url.searchParams.get('query_id') ?? randomUUID();
    const body = await readBody(req);
    const settings: Record<string, string> = {};
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) {
      if (k.startsWith('param_')) params[k.slice(6)] = tsvUnescape(v);
      else if (!NOT_SETTINGS.has(k) && !HTTP_LAYER.has(k)) settings[k] = v;
    }
    const inUrl = url.searchParams.get('query');
    let query = inUrl ?? body.toString('utf8');
    const values = inUrl !== null && body.length ? body.toString('utf8') : undefined;
    const database = url.searchParams.get('database');
    if (database && database !== 'default') {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`Code: 81. DB::Exception: Database ${database} does not exist. (UNKNOWN_DATABASE)`);
      query = `USE ${database}; ${query}`;
    }
    const format = /\bFORMAT\s+(\w+)\s*$/i.exec(query)?.[1] ?? url.searchParams.get('default_format') ?? 'TabSeparated';
    const statement = inUrl ?? body.toString('utf8');
    const table = (t: string) => (t.includes('.') || !database ? t : `${database}.${t}`);
    const faultAt = faults.findIndex((f) => insertsInto(statement, table(f.table)) || insertsInto(statement, f.table));
    const fault = faultAt === -1 ? undefined : faults.splice(faultAt, 1)[0];
    const exec = () =>
      connection.exec({
        query,
        ...(values === undefined ? {} : { values }),
        ...(Object.keys(params).length ? { query_params: params } : {}),
        clickhouse_settings: settings,
        query_id: queryId,
      } as never);
    if (fault) {
      await serial(async () => {
        const views = fault.point === 'torn_views' ? fault.views! : [];
        for (const v of views) await connection.command({ query: `DETACH TABLE ${v}` } as never);
        try {
          await exec();
        } finally {
          for (const v of views) await connection.command({ query: `ATTACH TABLE ${v}` } as never);
        }
      });
      faultsFired++;
      console.error(`clickhouse:serve: fault ${fault.point} on ${fault.table}: committed, the answer is lost (${fault.then})`);
      if (fault.then === 'kill') process.kill(process.pid, 'SIGKILL');
      req.socket.destroy();
      return;
    }
    const result = await serial(exec);
    const chunks: Buffer[] = [];
    for await (const c of result.stream as AsyncIterable<Buffer>) chunks.push(c);
    res.writeHead(200, {
      'content-type': 'text/plain; charset=UTF-8',
      'x-clickhouse-query-id': queryId,
      'x-clickhouse-format': format,
      'x-clickhouse-timezone': 'UTC',
      'x-clickhouse-summary': JSON.stringify(result.summary ?? {}),
    });
    res.end(Buffer.concat(chunks));
  };

  // Query parameters travel in the URL (5,000 ids make a long one); ClickHouse accepts 1 MiB URIs, Node 16 KiB headers by default.
  const server = createServer({ maxHeaderSize: 16 * 1024 * 1024 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const raw = err instanceof Error ? err.message : String(err);
      const known = (err as { code?: unknown }).code;
      const code = typeof known === 'string' && /^\d+$/.test(known) ? known : exceptionCode(raw);
      // The text @clickhouse/client parses into a ClickHouseError (code, type, message).
      const message = /^Code: \d+/.test(raw) ? raw : `Code: ${code}. DB::Exception: ${raw}`;
      console.error(`clickhouse:serve: query failed: ${message.slice(0, 500)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=UTF-8', 'x-clickhouse-exception-code': code });
      res.end(message.endsWith('\n') ? message : `${message}\n`);
    });
  });
  server.listen(opts.port, opts.host);
  return {
    server,
    async close() {
      await new Promise((r) => server.close(r));
      await chain;
      await connection.close();
      configured?.close();
    },
  };
}

/** The command line (not when imported, e.g. by a test of the pure parts above). */
function main(): void {
  const { values: args } = parseArgs({
    options: { port: { type: 'string', default: '8123' }, host: { type: 'string', default: '127.0.0.1' }, 'data-dir': { type: 'string' }, faults: { type: 'boolean', default: false }, 'config-file': { type: 'string' } },
    strict: true,
  });
  if (!args['data-dir']) {
    console.error('usage: pnpm clickhouse:serve --port <port> --data-dir <dir> [--host 127.0.0.1] [--faults] [--config-file <xml>]');
    process.exit(2);
  }
  const running = startClickhouseServe({ port: Number(args.port), host: args.host!, dataDir: args['data-dir'], faults: args.faults!, ...(args['config-file'] ? { configFile: path.resolve(args['config-file']) } : {}) });
  running.server.once('listening', () => console.log(`clickhouse:serve: chDB over HTTP at http://${args.host}:${args.port}, data in ${args['data-dir']}`));
  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
