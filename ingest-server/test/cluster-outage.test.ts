import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { ClickhouseProcess } from '@tongban/fixtures/clickhouse-process';
import { RedisProcess } from '@tongban/fixtures/redis-process';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { caseEvents, recentToday } from './events.fixture.ts';

/**
 * The shared ClickHouse endpoint down for 30 s under two server nodes (A holds the engine's lease, B follows),
 * one `redis-server`, one `pnpm clickhouse:serve` on a fixed port and data dir: SIGKILLed, kept down 30 s,
 * restarted on the same port and data dir. Senders post to both nodes all along, some batches to both at once.
 */
type ClusterView = { self: string; leaseHolder: string | null; nodes: Array<{ id: string; engine: boolean }> };
type Health = { status: string; accepting: boolean; reasons: Array<{ reason: string }>; pendingRows: number };

const OUTAGE_MS = 30_000;

let redis: RedisProcess;
let clickhouse: ClickhouseProcess;
let a: ServerProcess;
let b: ServerProcess;
const sockets: Socket[] = [];
const env = (id: string) => ({ CLICKHOUSE_URL: clickhouse.url, REDIS_URL: redis.url, NODE_ID: id, FLUSH_MAX_AGE_MS: '300', LOG_LEVEL: 'info' });

beforeAll(async () => {
  redis = await RedisProcess.start();
  clickhouse = await ClickhouseProcess.start();
  a = await ServerProcess.start(env('node-a'));
  // A takes the lease before B exists: B is a follower.
  await a.eventually(async () => ((await a.get<ClusterView>('/api/v1/cluster')).body.leaseHolder === 'node-a' ? true : undefined), 20_000);
  b = await ServerProcess.start(env('node-b'));
}, 120_000);
afterEach(({ task }) => {
  if (task.result?.state === 'fail') {
    for (const [id, n] of [['node-a', a], ['node-b', b]] as const) console.log(`--- ${id}:\n${n?.output.slice(-6000)}`);
    console.log(`--- clickhouse:serve:\n${clickhouse?.output.slice(-3000)}`);
  }
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await a?.dispose();
  await b?.dispose();
  await clickhouse?.dispose();
  await redis?.stop();
});

const minuteAgo = () => recentToday(60_000);
/** One `submitted` event per case, a minute old (so a wall shows it live). */
const events = (ids: string[]) => ids.map((id) => ({ ...caseEvents(id)[0]!, occurredAt: minuteAgo() }));

type Sent = { node: string; ids: string[]; status: number; retryAfter: string | null; at: number };

/**
 * Senders to both nodes until stopped: distinct cases to A and to B, and every third round one batch posted
 * to A and B at once. A 503 is retried (as a client does after Retry-After) unless `retry` is false; every
 * answer is recorded.
 */
function feed(prefix: string, opts: { retry: boolean } = { retry: true }) {
  const sent: Sent[] = [];
  let n = 0;
  let running = true;
  const post = async (s: ServerProcess, name: string, ids: string[]) => {
    for (;;) {
      const at = Date.now();
      const r = await s.post(events(ids)).catch(() => undefined);
      const answer: Sent = { node: name, ids, status: r?.status ?? 0, retryAfter: r?.headers.get('retry-after') ?? null, at };
      await r?.arrayBuffer();
      sent.push(answer);
      if (answer.status === 200 || !running || !opts.retry) return;
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  const batch = () => Array.from({ length: 10 }, () => `${prefix}-${n++}`);
  const loop = (async () => {
    for (let round = 0; running; round++) {
      const both = round % 3 === 2 ? batch() : undefined;
      await Promise.all([post(a, 'node-a', batch()), post(b, 'node-b', batch()), ...(both ? [post(a, 'node-a', both), post(b, 'node-b', both)] : [])]);
      await new Promise((res) => setTimeout(res, 30));
    }
  })();
  return {
    sent,
    async stop() {
      running = false;
      await loop;
    },
  };
}

const health = async (s: ServerProcess) => (await s.get<Health>('/healthz')).body;

async function storedCounts(prefix: string): Promise<Map<string, number>> {
  const rows = await clickhouse.query<{ event_id: string; n: string | number }>(`SELECT event_id, count() AS n FROM tongban.events WHERE startsWith(event_id, '${prefix}-') GROUP BY event_id`);
  return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
}

describe('the ClickHouse endpoint down for 30 s under two nodes', () => {
  it('acknowledges on both nodes into their logs, stores every acknowledged event once, and walls keep receiving', { timeout: 240_000 }, async () => {
    const view = (await b.get<ClusterView>('/api/v1/cluster')).body;
    expect(view.self).toBe('node-b');
    expect(view.leaseHolder).toBe('node-a');

    const onB = io(b.url, { auth: { token: 'dev-wall' }, transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 1_000 });
    sockets.push(onB);
    const seen: string[] = [];
    onB.on('case:event', (e: { eventId: string }) => seen.push(e.eventId));
    await new Promise<void>((resolve, reject) => {
      onB.once('snapshot', () => resolve());
      onB.once('connect_error', reject);
    });

    const f = feed('CO');
    // Before: both nodes acknowledge and store.
    await a.eventually(async () => ((await storedCounts('CO')).size >= 60 ? true : undefined), 30_000);

    await clickhouse.stop(); // SIGKILL
    const downAt = Date.now();
    // While it is down both nodes say so, and still take events.
    for (const s of [a, b]) {
      await s.eventually(async () => {
        const h = await health(s);
        return h.status === 'degraded' && h.reasons.some((r) => r.reason === 'clickhouse') ? true : undefined;
      }, 20_000);
    }
    const ackedBeforeDown = f.sent.filter((x) => x.status === 200).length;
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    const during = await Promise.all([health(a), health(b)]);
    for (const h of during) {
      expect(h.status, JSON.stringify(h)).toBe('degraded');
      expect(h.reasons.map((r) => r.reason)).toContain('clickhouse');
      // Each node holds what it acknowledged in its own log.
      expect(h.pendingRows).toBeGreaterThan(0);
    }
    const upAt = Date.now();
    const ackedDuring = f.sent.filter((x) => x.status === 200).length - ackedBeforeDown;

    await clickhouse.restart(); // same port, same data dir
    // After: both nodes drain their logs and say ok; the senders go on a little more.
    for (const s of [a, b]) await s.eventually(async () => ((await health(s)).status === 'ok' ? true : undefined), 60_000);
    const afterFrom = f.sent.length;
    await a.eventually(async () => (f.sent.slice(afterFrom).filter((x) => x.status === 200).length >= 6 ? true : undefined), 30_000);
    await f.stop();
    for (const s of [a, b]) await s.eventually(async () => ((await health(s)).pendingRows === 0 ? true : undefined), 60_000);
    for (const s of [a, b]) expect((await health(s)).status).toBe('ok');

    // Both nodes acknowledged while ClickHouse was down (into their own logs).
    expect(ackedDuring).toBeGreaterThan(0);
    // A 503 (a bound reached, or the same id's write unknown on the other node) says when to come back.
    for (const x of f.sent.filter((y) => y.status === 503)) expect(Number(x.retryAfter), JSON.stringify(x)).toBeGreaterThan(0);
    expect(f.sent.filter((x) => x.status !== 200 && x.status !== 503)).toEqual([]);

    // Every acknowledged event stored exactly once; nothing stored twice (the batches sent to both nodes included).
    const acked = new Set(f.sent.filter((x) => x.status === 200).flatMap((x) => x.ids));
    const counts = await storedCounts('CO');
    expect([...acked].filter((id) => counts.get(`${id}.1`) !== 1)).toEqual([]);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    const sharedIds = [...new Set(f.sent.filter((x) => x.status === 200 && f.sent.some((y) => y.node !== x.node && y.ids[0] === x.ids[0])).flatMap((x) => x.ids))];
    expect(sharedIds.length).toBeGreaterThan(0);
    // Some of them were acknowledged by both nodes while ClickHouse was away (only Redis between the nodes).
    const sharedDuring = f.sent.filter((x) => x.status === 200 && x.node === 'node-a' && x.at > downAt && x.at < upAt && f.sent.some((y) => y.node === 'node-b' && y.status === 200 && y.ids[0] === x.ids[0]));
    expect(sharedDuring.length).toBeGreaterThan(0);
    for (const id of sharedIds) expect(counts.get(`${id}.1`), id).toBe(1);

    // The wall on B keeps receiving after ClickHouse is back: an event posted to A now reaches it.
    const last = events(['CO-LAST'])[0]!;
    expect((await a.post(last)).status).toBe(200);
    await b.eventually(async () => (seen.includes('CO-LAST.1') ? true : undefined), 15_000);
    console.log(`outage ${OUTAGE_MS} ms: ${acked.size} cases acknowledged (${ackedDuring} batches during the outage), ${f.sent.filter((x) => x.status === 503).length} answers 503, ${sharedIds.length} ids sent to both nodes (${sharedDuring.length * 10} acknowledged by both during the outage)`);
  });

  it('answers 503 with Retry-After on a node whose log reaches its bound, and loses none it acknowledged', { timeout: 180_000 }, async () => {
    // B again, with a small log bound; A keeps the default.
    await b.stop('SIGTERM');
    await b.restart({ MAX_LOG_BYTES: String(300 * 1024) });
    await clickhouse.stop();
    // Refused batches are not retried here, so the senders go on at the same pace on both nodes.
    const f = feed('CB', { retry: false });
    await b.eventually(async () => (f.sent.some((x) => x.node === 'node-b' && x.status === 503) ? true : undefined), 60_000);
    const full = await health(b);
    expect(full.accepting).toBe(false);
    expect(full.reasons.map((r) => r.reason)).toEqual(expect.arrayContaining(['clickhouse', 'backlog']));
    // A, with room left in its log, still acknowledges.
    const aFrom = f.sent.length;
    await a.eventually(async () => (f.sent.slice(aFrom).some((x) => x.node === 'node-a' && x.status === 200) ? true : undefined), 20_000);
    await clickhouse.restart();
    for (const s of [a, b]) await s.eventually(async () => ((await health(s)).status === 'ok' ? true : undefined), 60_000);
    await f.stop();
    for (const s of [a, b]) await s.eventually(async () => ((await health(s)).pendingRows === 0 ? true : undefined), 60_000);

    const refused = f.sent.filter((x) => x.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const x of refused) expect(Number(x.retryAfter), JSON.stringify(x)).toBeGreaterThan(0);
    expect(f.sent.filter((x) => x.status !== 200 && x.status !== 503)).toEqual([]);
    // Every acknowledged event stored once; one refused by B and acknowledged by no node is not stored.
    const acked = new Set(f.sent.filter((x) => x.status === 200).flatMap((x) => x.ids));
    const counts = await storedCounts('CB');
    expect([...acked].filter((id) => counts.get(`${id}.1`) !== 1)).toEqual([]);
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    const refusedOnly = refused.flatMap((x) => x.ids).filter((id) => !acked.has(id));
    expect(refusedOnly.length).toBeGreaterThan(0);
    expect(refusedOnly.filter((id) => counts.has(`${id}.1`))).toEqual([]);
    console.log(`bound on B: ${refused.length} answers 503 with Retry-After, ${acked.size} cases acknowledged and stored once`);
  });
});
