import { afterAll, beforeAll, expect, it } from 'vitest';
import { simulateEvents } from '@tongban/fixtures';
import { ServerProcess } from '@tongban/fixtures/server-process';
import type { CaseEvent } from '@tongban/shared';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { bottlenecksFromLog, type BottleneckDimension, type BottleneckRow } from '../src/supervision/bottlenecks.query.ts';

/*
 * GET /api/v1/bottlenecks on a real server fed live (embedded: the case projector writes the visits of the
 * cases it derives). The events of a simulated week arrive shuffled, in batches, so late events split stored
 * visits; the 堵点 is read between batches. Once everything is stored, a read that took no raw tail equals
 * the raw-log query on the data dir, for the route's default grouping and for all four dimensions, and so does
 * a read after the recent visits were folded into stage_dwells.
 */

let server: ServerProcess;
beforeAll(async () => {
  server = await ServerProcess.start();
}, 120_000);
afterAll(async () => server?.dispose());

const FROM = '2025-10-06';
const TO = '2025-10-10';
/** The route's default grouping; all four dimensions in one district (fewer groups than the route's limit of 500). */
const GROUPINGS: Array<{ by: BottleneckDimension[]; districtCode?: string }> = [
  { by: ['stage', 'department'] },
  { by: ['stage', 'department', 'item', 'district'], districtCode: '500118' },
];

/** A seeded shuffle (late events: a case's later events may arrive before its earlier ones). */
function shuffled<T>(list: T[], seed = 7): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const metric = async (name: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
};
const core = (rows: Array<BottleneckRow & { itemName?: string; districtName?: string }>) => rows.map(({ itemName: _i, districtName: _d, ...r }) => JSON.stringify(r)).sort();
const read = async ({ by, districtCode }: (typeof GROUPINGS)[number]) => {
  const r = await server.get<{ rows: BottleneckRow[] }>(`/api/v1/bottlenecks?from=${FROM}&to=${TO}&by=${by.join(',')}&limit=500${districtCode ? `&districtCode=${districtCode}` : ''}`);
  expect(r.status).toBe(200);
  return r.body.rows;
};

it("answers from the projector's visits under a live feed, exactly the raw log's answer once stored", async () => {
  const events: CaseEvent[] = shuffled([...simulateEvents({ seed: 'dwells-live', from: `${FROM}T00:00:00+08:00`, to: `${TO}T00:00:00+08:00`, until: `${TO}T18:00:00+08:00`, casesPerDay: 400 })]);
  expect(events.length).toBeGreaterThan(3_000);
  const batches = 8;
  const size = Math.ceil(events.length / batches);
  for (let b = 0; b < batches; b++) {
    const res = await server.post(events.slice(b * size, (b + 1) * size));
    expect(res.status).toBeLessThan(300);
    await read(GROUPINGS[b % 2]!);
    await new Promise((r) => setTimeout(r, 400));
  }
  // Everything stored and derived: reads without a raw tail (none from the raw log or every case stored since
  // the mark, counted on /metrics; "none" is remembered while nothing is stored) hold every event.
  const rawTails = async () => (await metric('tongban_bottleneck_tail_reads_total{tail="cases"}')) + (await metric('tongban_bottleneck_tail_reads_total{tail="all"}'));
  const answers = await server.eventually(async () => {
    if ((await metric('tongban_ingest_pending_rows')) !== 0) return undefined;
    const before = await rawTails();
    const rows = [];
    for (const g of GROUPINGS) rows.push(await read(g));
    return (await rawTails()) === before ? rows : undefined;
  }, 30_000);
  expect(await metric('tongban_bottleneck_tail_reads_total{tail="none"}')).toBeGreaterThan(0);
  expect(await metric('tongban_stage_visits_projected_total')).toBeGreaterThan(1_000);
  // Nothing written for a while: the recent table folded into stage_dwells, the same answers.
  await server.eventually(async () => ((await metric('tongban_stage_dwells_folds_total')) >= 1 ? true : undefined), 30_000);
  for (const [i, g] of GROUPINGS.entries()) expect(core(await read(g))).toEqual(core(answers[i]!));
  expect(answers[0]!.length).toBeGreaterThan(5);
  expect(answers[1]!.length).toBeGreaterThan(20);
  expect(answers[1]!.length).toBeLessThan(500);
  await server.stop();

  const ch = createClickhouse({ clickhouseUrl: undefined, dataDir: server.dataDir, clickhouseDatabase: 'tongban' });
  try {
    for (const [i, g] of GROUPINGS.entries()) {
      expect(core(answers[i]!)).toEqual(core(await bottlenecksFromLog(ch, 'tongban', { from: FROM, to: TO, limit: 500, ...g })));
    }
  } finally {
    await ch.close();
  }
}, 240_000);
