import { afterEach, describe, expect, it } from 'vitest';
import { caseEvents, ndjson } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { ClickhouseProcess } from '@tongban/fixtures/clickhouse-process';
import type { Fault } from '../src/cli/clickhouse-serve.ts';

type Health = { status: string; accepting: boolean; reasons: Array<{ reason: string }>; pendingRows: number };

let clickhouse: ClickhouseProcess | undefined;
let server: ServerProcess | undefined;
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') console.log(`--- server output:\n${server?.output.slice(-6000)}\n--- clickhouse:serve output:\n${clickhouse?.output.slice(-4000)}`);
  await server?.dispose();
  await clickhouse?.dispose();
  server = clickhouse = undefined;
});

/** Senders posting batches of 10 cases (40 events) until stopped; every answer recorded. */
function feed(s: ServerProcess, prefix: string, concurrency = 2) {
  const batches: Array<{ ids: string[]; status?: number; retryAfter?: string | null }> = [];
  let n = 0;
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const cases = Array.from({ length: 10 }, () => `${prefix}-${n++}`);
      const events = cases.flatMap((c) => caseEvents(c));
      const b: (typeof batches)[number] = { ids: events.map((e) => e.eventId) };
      batches.push(b);
      const r = await s.post(ndjson(events));
      b.status = r.status;
      b.retryAfter = r.headers.get('retry-after');
      await r.arrayBuffer();
      await new Promise((res) => setTimeout(res, r.status === 503 ? 100 : 20));
    }
  });
  return {
    batches,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storedCounts(ch: ClickhouseProcess, table: string, prefix: string): Promise<Map<string, number>> {
  const rows = await ch.query<{ event_id: string; n: string | number }>(`SELECT event_id, count() AS n FROM tongban.${table} WHERE startsWith(event_id, '${prefix}-') GROUP BY event_id`);
  return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
}

describe('ClickHouse going away and coming back (CLICKHOUSE_URL)', () => {
  it('keeps acknowledging into the local log, writes everything once when ClickHouse returns', { timeout: 180_000 }, async () => {
    clickhouse = await ClickhouseProcess.start();
    server = await ServerProcess.start({ CLICKHOUSE_URL: clickhouse.url, FLUSH_MAX_AGE_MS: '200', LOG_LEVEL: 'warn' });
    const s = server;
    const f = feed(s, 'OUT');
    await sleep(1_500);
    await clickhouse.stop();
    await sleep(3_000);
    const during = (await s.get<Health>('/healthz')).body;
    await clickhouse.restart();
    await sleep(1_000);
    await f.stop();

    expect(during.status).toBe('degraded');
    expect(during.reasons.map((r) => r.reason)).toContain('clickhouse');
    expect(during.accepting).toBe(true);
    expect(during.pendingRows).toBeGreaterThan(0);
    // The log had room: nothing was refused.
    expect(new Set(f.batches.map((b) => b.status))).toEqual(new Set([200]));

    await s.eventually(async () => ((await s.get<Health>('/healthz')).body.pendingRows === 0 ? true : undefined), 60_000);
    const h = (await s.get<Health>('/healthz')).body;
    expect(h.status, JSON.stringify(h)).toBe('ok');
    for (const table of ['events', 'case_events']) {
      const counts = await storedCounts(clickhouse, table, 'OUT');
      for (const b of f.batches) for (const id of b.ids) expect(counts.get(id), `${table} ${id}`).toBe(1);
      expect(counts.size).toBe(f.batches.length * 40);
    }
    // After the outage a second, different batch still lands (no dedup token left behind in a session).
    const after = caseEvents('OUT-after');
    expect((await s.post(after)).status).toBe(200);
    await s.eventually(async () => ((await storedCounts(clickhouse!, 'events', 'OUT')).has('OUT-after.4') ? true : undefined), 15_000);
  });

  it('answers 503 with Retry-After only once the log bound is reached, and loses none it acknowledged', { timeout: 180_000 }, async () => {
    clickhouse = await ClickhouseProcess.start();
    server = await ServerProcess.start({ CLICKHOUSE_URL: clickhouse.url, FLUSH_MAX_AGE_MS: '200', MAX_LOG_BYTES: String(300 * 1024), LOG_LEVEL: 'warn' });
    const s = server;
    await clickhouse.stop();
    const f = feed(s, 'BOUND', 1);
    await s.eventually(async () => (f.batches.some((b) => b.status === 503) ? true : undefined), 30_000);
    const full = (await s.get<Health>('/healthz')).body;
    await f.stop();
    expect(full.accepting).toBe(false);
    expect(full.reasons.map((r) => r.reason)).toEqual(expect.arrayContaining(['clickhouse', 'backlog']));
    const acked = f.batches.filter((b) => b.status === 200);
    const refused = f.batches.filter((b) => b.status === 503);
    expect(acked.length).toBeGreaterThan(3);
    // Acknowledged until the bound, refused after it: no acknowledgement after the first 503.
    expect(f.batches.findIndex((b) => b.status === 503)).toBe(acked.length);
    for (const b of refused) expect(Number(b.retryAfter)).toBeGreaterThan(0);

    await clickhouse.restart();
    await s.eventually(async () => ((await s.get<Health>('/healthz')).body.pendingRows === 0 ? true : undefined), 60_000);
    expect((await s.post(caseEvents('BOUND-later'))).status).toBe(200);
    await s.eventually(async () => ((await s.get<Health>('/healthz')).body.pendingRows === 0 ? true : undefined), 30_000);
    const counts = await storedCounts(clickhouse, 'events', 'BOUND');
    for (const b of acked) for (const id of b.ids) expect(counts.get(id), id).toBe(1);
    for (const b of refused) for (const id of b.ids) expect(counts.has(id), id).toBe(false);
  });
});

/**
 * An insert into `events` is not atomic across its views: ClickHouse commits the `events` part, then
 * `event_ids`, then `case_events`. These faults make the crash land exactly there (or after the whole
 * commit), every time, while senders keep adding events so the retry has newer rows to mix in.
 */
describe('a block whose answer was lost is never written twice', () => {
  const cases: Array<{ name: string; fault: Omit<Fault, 'then'>; serverCrash: boolean }> = [
    { name: 'answer lost after commit', fault: { point: 'answer_lost_after_commit', table: 'tongban.events' }, serverCrash: false },
    { name: 'events committed, event_ids and case_events not', fault: { point: 'torn_views', table: 'tongban.events', views: ['tongban.event_ids_mv', 'tongban.case_events_mv'] }, serverCrash: false },
    { name: 'events and case_events committed, event_ids not', fault: { point: 'torn_views', table: 'tongban.events', views: ['tongban.event_ids_mv'] }, serverCrash: false },
    { name: 'torn insert, then the ingest server is SIGKILLed and replays its log', fault: { point: 'torn_views', table: 'tongban.events', views: ['tongban.event_ids_mv', 'tongban.case_events_mv'] }, serverCrash: true },
  ];
  it.each(cases)('$name: ClickHouse SIGKILLed there and restarted, every acknowledged event is stored once in every table', { timeout: 180_000 }, async ({ fault, serverCrash }) => {
    clickhouse = await ClickhouseProcess.start({ faults: true });
    server = await ServerProcess.start({ CLICKHOUSE_URL: clickhouse.url, FLUSH_MAX_AGE_MS: '200', LOG_LEVEL: 'warn' });
    const s = server;
    const f = feed(s, 'TORN');
    await sleep(800);
    await clickhouse.arm({ ...fault, then: 'kill' } satisfies Fault);
    await clickhouse.exited();
    // Senders go on while ClickHouse is down: the retry has more rows pending than the lost block.
    await sleep(1_500);
    if (serverCrash) {
      await f.stop();
      await s.stop('SIGKILL');
      await clickhouse.restart();
      await s.restart();
    } else {
      await clickhouse.restart();
      await sleep(1_000);
      await f.stop();
    }
    expect(clickhouse.output).toContain(`fault ${fault.point}`);
    await s.eventually(async () => ((await s.get<Health>('/healthz')).body.pendingRows === 0 ? true : undefined), 60_000);
    const acked = f.batches.filter((b) => b.status === 200);
    expect(acked.length).toBeGreaterThan(5);
    for (const table of ['events', 'case_events', 'event_ids']) {
      const counts = await storedCounts(clickhouse, table, 'TORN');
      const doubled = [...counts].filter(([, n]) => n !== 1);
      expect(doubled, `${table}: stored more than once`).toEqual([]);
      const missing = acked.flatMap((b) => b.ids).filter((id) => !counts.has(id));
      expect(missing, `${table}: acknowledged, not stored`).toEqual([]);
    }
    // The engine's own memory is on /metrics beside the process's (here the ClickHouse endpoint's).
    expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(/tongban_clickhouse_memory_bytes\{kind="tracked"\} \d+/);
  });
});
