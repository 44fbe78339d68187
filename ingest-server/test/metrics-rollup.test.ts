import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateEvents } from '@tongban/fixtures';
import { shanghaiDate, type CaseEvent, type RankingResponse, type WuduResponse } from '@tongban/shared';
import { ndjson } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/*
 * The daily rollup against the raw-log reference on simulator data: four weeks of a seeded simulated city
 * (every district, the reference catalogue, 补正, late and too-fast cases, ratings), posted out of order so
 * late events reach days already built.
 */

let server: ServerProcess;
let events: CaseEvent[];
/** As a client does: a 503 (under-pressure while a rollup build holds the event loop on a loaded machine) is retried after Retry-After. */
async function retrying<R extends { status: number; headers: Headers }>(send: () => Promise<R>): Promise<R> {
  let res = await send();
  for (let tries = 0; res.status === 503 && tries < 20; tries++) {
    await new Promise((r) => setTimeout(r, Math.min(5, Number(res.headers.get('retry-after') ?? 1)) * 1000));
    res = await send();
  }
  return res;
}
const admin = (path: string) => retrying(() => fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer dev-admin' } }));
const get = async <T>(path: string) => {
  const r = await retrying(() => server.get<T>(path));
  expect(r.status).toBe(200);
  return r.body;
};

const SCOPES = ['', 'districtCode=500118', 'districtCode=500103', 'departmentCode=SCJG', 'departmentCode=GA&districtCode=500112'];
const PERIODS = ['2025-10', '2025-W40', '2025-10-09'];

/** Refreshes the rollup, then compares every scope and ranking with the raw log at the refresh's cut-off. */
async function compare(): Promise<string[]> {
  const { cutoff } = (await (await admin('/api/v1/metrics/rollups/refresh')).json()) as { cutoff: string };
  const c = encodeURIComponent(cutoff);
  const diffs: string[] = [];
  for (const period of PERIODS) {
    for (const scope of SCOPES) {
      const rollup = await get<WuduResponse>(`/api/v1/metrics/wudu?period=${period}&${scope}&source=rollup`);
      const raw = await get<WuduResponse>(`/api/v1/metrics/wudu?period=${period}&${scope}&source=raw&cutoff=${c}`);
      if (JSON.stringify({ ...rollup, source: '', cutoff: '' }) !== JSON.stringify({ ...raw, source: '', cutoff: '' })) diffs.push(`${period} ${scope}`);
    }
    for (const kind of ['district', 'department']) {
      const a = await get<RankingResponse>(`/api/v1/metrics/ranking?period=${period}&scope=${kind}&source=rollup`);
      const b = await get<RankingResponse>(`/api/v1/metrics/ranking?period=${period}&scope=${kind}&source=raw&cutoff=${c}`);
      if (JSON.stringify(a.rows) !== JSON.stringify(b.rows)) diffs.push(`${period} ranking ${kind}`);
    }
  }
  return diffs;
}

beforeAll(async () => {
  server = await ServerProcess.start();
  events = [...simulateEvents({ seed: 'metrics-rollup', from: '2025-09-22T00:00:00+08:00', to: '2025-10-20T00:00:00+08:00', until: '2025-11-05T00:00:00+08:00', casesPerDay: 120 })];
  // The second half first: the first half then arrives late, for days already in the rollup.
  const half = Math.floor(events.length / 2);
  const order = [...events.slice(half), ...events.slice(0, half)];
  for (let i = 0; i < order.length; i += 5_000) {
    // As a source does: a 503 (the rollup build after the first batch can hold the event loop) is retried after Retry-After.
    const res = await retrying(() => server.post(ndjson(order.slice(i, i + 5_000))));
    const r = (await res.json()) as { accepted: number; duplicates: number };
    expect(res.status).toBe(200);
    expect(r.accepted + r.duplicates).toBe(Math.min(5_000, order.length - i));
    if (i === 0) await admin('/api/v1/metrics/rollups/refresh');
  }
}, 180_000);
afterAll(async () => server?.dispose());

describe('the daily rollup on simulator data', () => {
  it('counts every simulated event of the month in the raw reference', async () => {
    const october = (type: string) => events.filter((e) => e.type === type && shanghaiDate(e.occurredAt).startsWith('2025-10')).length;
    expect(events.length).toBeGreaterThan(10_000);
    expect(october('submitted')).toBeGreaterThan(1_000);
    const w = await server.eventually(async () => {
      const r = await get<WuduResponse>('/api/v1/metrics/wudu?period=2025-10&source=raw');
      return r.headline.counts.submitted === october('submitted') ? r : undefined;
    });
    expect(w.headline.counts).toMatchObject({ completed: october('completed'), supplements: october('supplement_requested'), rated: october('rated'), rejected: october('rejected') });
    expect(w.headline.counts.completed).toBeGreaterThan(500);
  });

  it('equals the raw-log reference for every period, scope and ranking once the case states are derived', async () => {
    // The case projector derives clocks asynchronously; once it has caught up the two must agree exactly.
    const onTimeCases = async () =>
      (await get<WuduResponse>('/api/v1/metrics/wudu?period=2025-10&source=rollup')).subMeasures.find((s) => s.key === 'effectiveness.onTime')!.denominator ?? 0;
    const diffs = await server.eventually(async () => {
      const d = await compare();
      return d.length === 0 && (await onTimeCases()) > 500 ? d : undefined;
    }, 150_000);
    expect(diffs).toEqual([]);
    const w = await get<WuduResponse>('/api/v1/metrics/wudu?period=2025-10&source=rollup');
    expect(w.headline.onTimeRate).toBeGreaterThan(0.5);
    expect(w.headline.onTimeRate).toBeLessThan(1);
  }, 180_000);

  it('still equals it after a full rebuild (the backfill step)', async () => {
    const r = (await (await admin('/api/v1/metrics/rollups/rebuild')).json()) as { days: number };
    expect(r.days).toBeGreaterThanOrEqual(40);
    expect(await compare()).toEqual([]);
  }, 120_000);
});
