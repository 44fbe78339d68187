/**
 * pnpm bench:cluster — events/s through POST /api/v1/events into one shared engine (`pnpm clickhouse:serve`)
 * via one node, then via two nodes (REDIS_URL, one redis-server), in the same run, alternating rounds so
 * machine noise hits both. Counts to "stored": every event of a round is in ClickHouse. Prints both rates
 * and their ratio.
 *
 *   pnpm bench:cluster [--events 40000] [--rounds 2] [--concurrency 4]
 *
 * On one machine both nodes and the engine share its cores: the ratio says what a second node costs or
 * gains on the same hardware, not what a second machine would bring.
 */
import { parseArgs } from 'node:util';
import { ClickhouseProcess } from '@tongban/fixtures/clickhouse-process';
import { RedisProcess } from '@tongban/fixtures/redis-process';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { benchBodies } from './bench-events.ts';

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '40000' }, rounds: { type: 'string', default: '2' }, concurrency: { type: 'string', default: '4' } },
});
const N = Number(args.events);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const BATCH = 1_000;
let retries = 0;

async function stored(ch: ClickhouseProcess, round: string): Promise<number> {
  return Number((await ch.query<{ n: string }>(`SELECT count() AS n FROM tongban.events WHERE case_id LIKE '${round}-%'`))[0]!.n);
}

/** Posts a round's batches spread over `through` (batch i to node i mod n), waits until ClickHouse holds them all. */
async function round(ch: ClickhouseProcess, through: ServerProcess[], name: string): Promise<number> {
  const bodies = benchBodies(name, N, BATCH);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY * through.length }, async () => {
      while (next < bodies.length) {
        const i = next++;
        for (;;) {
          const r = await through[i % through.length]!.post(bodies[i]!);
          await r.arrayBuffer();
          if (r.status === 200) break;
          retries++;
          await new Promise((res) => setTimeout(res, 100));
        }
      }
    }),
  );
  while ((await stored(ch, name)) < N) await new Promise((r) => setTimeout(r, 100));
  return N / ((performance.now() - t0) / 1000);
}

const redis = await RedisProcess.start();
const clickhouse = await ClickhouseProcess.start();
const env = (id: string) => ({ CLICKHOUSE_URL: clickhouse.url, REDIS_URL: redis.url, NODE_ID: id, LOG_LEVEL: 'warn' });
const nodes: ServerProcess[] = [];
try {
  nodes.push(await ServerProcess.start(env('bench-a')));
  nodes.push(await ServerProcess.start(env('bench-b')));
  const one: number[] = [];
  const two: number[] = [];
  // Beside them, a node without REDIS_URL on the same engine: what the cluster machinery costs one node.
  const alone = await ServerProcess.start({ CLICKHOUSE_URL: clickhouse.url, LOG_LEVEL: 'warn' });
  nodes.push(alone);
  const solo: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    solo.push(await round(clickhouse, [alone], `solo${r}`));
    one.push(await round(clickhouse, [nodes[0]!], `one${r}`));
    two.push(await round(clickhouse, nodes, `two${r}`));
    console.log(`round ${r + 1}: one node ${one.at(-1)!.toFixed(0)} events/s, two nodes ${two.at(-1)!.toFixed(0)} events/s, one node without Redis ${solo.at(-1)!.toFixed(0)} events/s`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const a = median(one);
  const b = median(two);
  console.log(`\n${N.toLocaleString('en-US')} events a round, ${ROUNDS} rounds, batches of ${BATCH}, ${CONCURRENCY} senders per node, one clickhouse:serve engine, one redis-server`);
  console.log(`one node:  ${a.toFixed(0)} events/s (acknowledged and stored)`);
  console.log(`two nodes: ${b.toFixed(0)} events/s`);
  console.log(`one node without REDIS_URL: ${median(solo).toFixed(0)} events/s`);
  console.log(`ratio two/one: ${(b / a).toFixed(2)}; one clustered node / one without Redis: ${(a / median(solo)).toFixed(2)}  (503 retries: ${retries})`);
} finally {
  for (const n of nodes) await n.dispose();
  await clickhouse.dispose();
  await redis.stop();
}
