/**
 * pnpm bench:ingest — events/s through POST /api/v1/events (NDJSON batches of 1,000) into embedded
 * ClickHouse, beside raw @clickhouse/client inserts of the same rows into the same engine and schema,
 * in the same run, alternating rounds so machine noise hits both. Prints both rates and their ratio.
 *
 *   pnpm bench:ingest [--events 200000] [--rounds 3] [--concurrency 4] [--data-dir D] [--raw-data-dir R] [--continue-open] [--ready-timeout 60]
 *
 * `--data-dir`: the server runs on that data dir (a history, e.g. one `bench:scale --keep` left), not an empty
 * one; `--raw-data-dir`: the raw inserts go into that one (a copy of the same history: embedded ClickHouse
 * binds one data dir per process). Both are kept; the events posted stay in them. `--continue-open` (with both):
 * the events continue the history's open cases (their next steps, as a live feed sends them), not new cases whose
 * ids sort after every stored one, so the server's projector looks up each case's stored events. `--ready-timeout` (seconds): how long
 * the server's start may take (with DEDUP_EXPECTED_EVENTS changed it rebuilds its filter from every stored id once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { migrate } from '../src/clickhouse/migrations.ts';
import { toEventRow } from '../src/events/event-row.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { benchEvents, continuedEvents, ndjsonBodies, openCasesSql, type OpenCase } from './bench-events.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    'data-dir': { type: 'string' },
    'raw-data-dir': { type: 'string' },
    'ready-timeout': { type: 'string', default: '60' },
    'continue-open': { type: 'boolean', default: false },
  },
});
const N = Number(args.events);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const BATCH = 1_000;
let retries = 0;

async function fullPath(server: ServerProcess, events: readonly object[]): Promise<{ ackPerSec: number; storedPerSec: number }> {
  const bodies = ndjsonBodies(events, BATCH);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        for (;;) {
          const r = await server.post(body);
          const a = (await r.json()) as { accepted: number };
          // A source retries a 503 (overloaded, e.g. the event-loop guard on a machine shared with other work).
          if (r.status === 503) {
            retries++;
            await new Promise((res) => setTimeout(res, Math.min(1000, Number(r.headers.get('retry-after') ?? 1) * 1000)));
            continue;
          }
          if (r.status !== 200 || a.accepted !== BATCH) throw new Error(`unexpected answer ${r.status} ${JSON.stringify(a)}`);
          break;
        }
      }
    }),
  );
  const acked = performance.now() - t0;
  await server.eventually(async () => ((await server.get<{ pendingRows: number }>('/healthz')).body.pendingRows === 0 ? true : undefined), 120_000);
  const stored = performance.now() - t0;
  return { ackPerSec: N / (acked / 1000), storedPerSec: N / (stored / 1000) };
}

async function main() {
  const dir = args['raw-data-dir'] ?? mkdtempSync(path.join(tmpdir(), 'tongban-bench-raw-'));
  const ch = createClickhouse({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'tongban' });
  await migrate(ch, 'tongban');
  // LOG_LEVEL info: the server's "ingest ready" line (its dedup filter's size and fill) is printed below.
  const server = await ServerProcess.start({ LOG_LEVEL: 'info', ...(args['data-dir'] ? { DATA_DIR: path.resolve(args['data-dir']) } : {}) }, { readyTimeoutMs: Number(args['ready-timeout']) * 1000 });
  const ready = server.output.split('\n').find((l) => l.includes('"ingest ready"'));
  if (ready) {
    const { keysLoaded, dedupFilter, ms } = JSON.parse(ready) as { keysLoaded: number; dedupFilter: { falsePositive: number; keys: number }; ms: number };
    console.log(`server ready: ${fmt(keysLoaded)} dedup keys loaded in ${fmt(ms)} ms; filter holds about ${fmt(dedupFilter.keys)} ids, false positives ${(dedupFilter.falsePositive * 100).toFixed(1)}%`);
  }
  const history = async () => Number((await (await ch.query({ query: 'SELECT count() AS n FROM tongban.events', format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
  console.log(
    `bench:ingest — ${N.toLocaleString()} events per round, NDJSON batches of ${BATCH}, ${CONCURRENCY} concurrent requests, ${ROUNDS} rounds` +
      (args['data-dir'] ? `; server on ${args['data-dir']}, raw engine on ${dir} (${fmt(await history())} events before)` : ''),
  );
  const results: Array<{ raw: number; ack: number; stored: number }> = [];
  try {
    // Ids of this run only: a second run on the same kept data dir would otherwise post duplicates.
    const run = Date.now().toString(36);
    // With --continue-open: the same open cases on both sides (each side's dir is a copy of the same history).
    const open = args['continue-open'] ? await (await ch.query({ query: openCasesSql('tongban', 200_000), format: 'JSONEachRow' })).json<OpenCase>() : [];
    if (args['continue-open']) {
      if (!args['data-dir'] || !args['raw-data-dir']) throw new Error('--continue-open needs --data-dir and --raw-data-dir (copies of one history)');
      if (!open.length) throw new Error('--continue-open: no open case with an event in the history\'s last three days');
      console.log(`continuing ${fmt(open.length)} open cases of the history (their next steps)`);
    }
    const rawCases = open.map((c) => ({ ...c }));
    const fullCases = open.map((c) => ({ ...c }));
    const eventsOf = (side: 'raw' | 'full', round: number) =>
      args['continue-open'] ? continuedEvents(`${side}${run}-${round}`, N, side === 'raw' ? rawCases : fullCases) : benchEvents(`${side}${run}-${round}`, N);
    for (let round = 0; round < ROUNDS; round++) {
      const rows = eventsOf('raw', round).map((e) => toEventRow(e as never, 'bench', Date.now(), []));
      const t0 = performance.now();
      for (let i = 0; i < rows.length; i += BATCH) await ch.insert({ table: 'tongban.events', values: rows.slice(i, i + BATCH), format: 'JSONEachRow' });
      const raw = N / ((performance.now() - t0) / 1000);
      const full = await fullPath(server, eventsOf('full', round));
      results.push({ raw, ack: full.ackPerSec, stored: full.storedPerSec });
      console.log(
        `round ${round + 1}: raw insert ${fmt(raw)} ev/s | full path acknowledged ${fmt(full.ackPerSec)} ev/s, stored ${fmt(full.storedPerSec)} ev/s | ratio stored/raw ${(full.storedPerSec / raw).toFixed(2)}`,
      );
    }
  } finally {
    await server.dispose();
    await ch.close();
    if (!args['raw-data-dir']) rmSync(dir, { recursive: true, force: true });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratios = results.map((r) => r.stored / r.raw);
  console.log(
    `median: raw ${fmt(med(results.map((r) => r.raw)))} ev/s, full path ${fmt(med(results.map((r) => r.stored)))} ev/s stored (${fmt(med(results.map((r) => r.ack)))} acknowledged), ratio ${med(ratios).toFixed(2)} (goal ≥ 0.50); ${retries} requests answered 503 and retried`,
  );
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
await main();
