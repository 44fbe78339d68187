import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateEvents } from '@tongban/fixtures';
import { shanghaiDate, type CaseEvent, type WuduResponse } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { commandDataDir } from './chdb-command.ts';
import { ndjson } from './events.fixture.ts';

/*
 * The rollups' safety-net check after a restart reads only the days that got events since the last
 * completed check (its watermark), not every day of history; an event that reached ClickHouse around the
 * server (written while it was stopped) into an old day is still caught and that day rebuilt.
 */

interface Rollups {
  ready: boolean;
  lastCheck: { kind: string; since: string | null; touchedDays: number; sweptDays: number; markedDays: number; stateDays: number } | null;
}

let server: ServerProcess;
let events: CaseEvent[];
let days: string[];

async function retrying<R extends { status: number; headers: Headers }>(send: () => Promise<R>): Promise<R> {
  let res = await send();
  for (let tries = 0; res.status === 503 && tries < 20; tries++) {
    await new Promise((r) => setTimeout(r, Math.min(5, Number(res.headers.get('retry-after') ?? 1)) * 1000));
    res = await send();
  }
  return res;
}
const get = async <T>(path: string) => {
  const r = await retrying(() => server.get<T>(path));
  expect(r.status).toBe(200);
  return r.body;
};
const refresh = async () => {
  const res = await retrying(() => fetch(`${server.url}/api/v1/metrics/rollups/refresh`, { method: 'POST', headers: { authorization: 'Bearer dev-admin' } }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { cutoff: string }).cutoff;
};
/** The check of a start has finished once the rollups are ready. */
const checkAfterStart = () => server.eventually(async () => {
  const r = await get<Rollups>('/api/v1/metrics/rollups');
  return r.ready && r.lastCheck ? r.lastCheck : undefined;
}, 60_000);
const restart = async () => {
  await server.stop();
  await server.restart();
  return checkAfterStart();
};
const submitted = async (period: string, source: string) => {
  const cutoff = source === 'raw' ? `&cutoff=${encodeURIComponent(await refresh())}` : '';
  return (await get<WuduResponse>(`/api/v1/metrics/wudu?period=${period}&source=${source}${cutoff}`)).headline.counts.submitted;
};

beforeAll(async () => {
  server = await ServerProcess.start();
  expect((await checkAfterStart()).kind).toBe('full'); // a new data dir: nothing built yet
  events = [...simulateEvents({ seed: 'metrics-check', from: '2025-10-01T00:00:00+08:00', to: '2025-10-15T00:00:00+08:00', until: '2025-10-25T00:00:00+08:00', casesPerDay: 30 })];
  days = [...new Set(events.map((e) => shanghaiDate(e.occurredAt)))];
  for (let i = 0; i < events.length; i += 5_000) {
    const res = await retrying(() => server.post(ndjson(events.slice(i, i + 5_000))));
    expect(res.status).toBe(200);
  }
  await server.eventually(async () => ((await submitted('2025-10', 'raw')) === events.filter((e) => e.type === 'submitted').length ? true : undefined));
  await refresh();
  // Past the watermark's margin and the ingest settle time: the next completed check lies after every event posted.
  await new Promise((r) => setTimeout(r, 20_000));
}, 180_000);
afterAll(async () => server?.dispose());

describe('the rollup safety-net check', () => {
  it('after a restart compares only the days that got events since the last completed check', async () => {
    // The last completed check was the first start's (before any event): every day posted since is compared…
    const first = await restart();
    expect(first.kind).toBe('since');
    expect(first.touchedDays).toBe(days.length);
    // …and those days were built by the live refreshes already, so none has events that differ from its build.
    expect(first.markedDays).toBe(0);
    // Nothing was stored since that check: the next start compares no touched day, only the sweep's slice.
    const second = await restart();
    expect(second.kind).toBe('since');
    expect(second.touchedDays).toBe(0);
    expect(second.sweptDays).toBeLessThanOrEqual(7);
  }, 120_000);

  it('catches an event written into an old day while the server was stopped and rebuilds that day', async () => {
    const before = await submitted('2025-10-08', 'rollup');
    expect(before).toBeGreaterThan(0);
    await server.stop();
    // As a replay around the server does: an event of a new case on 8 October, its received_at kept.
    commandDataDir(
      server.dataDir,
      `INSERT INTO tongban.events SELECT * REPLACE ('late-check-1' AS event_id, sipHash64('late-check-1') AS event_key, 'LATE-CHECK-CASE' AS case_id)
       FROM tongban.events WHERE type = 'submitted' AND toDate(occurred_at) = '2025-10-08' LIMIT 1`,
    );
    await server.restart();
    const check = await checkAfterStart();
    expect(check.touchedDays).toBe(1);
    expect(check.markedDays).toBeGreaterThanOrEqual(1);
    expect(await submitted('2025-10-08', 'rollup')).toBe(before + 1);
    expect(await submitted('2025-10-08', 'raw')).toBe(before + 1);
    expect(await submitted('2025-10', 'rollup')).toBe(await submitted('2025-10', 'raw'));
  }, 120_000);
});
