import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ndjson } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/*
 * The open-case index snapshot (supervision/open-case-snapshot.ts) on the real server: a clean stop writes it,
 * a restart loads it (the log says so) and shows the same overview and case list; after a SIGKILL the last
 * periodic snapshot plus the case states derived since give what a full rebuild gives (a server started with
 * the snapshot deleted). Days are derived from Date.now(), so the test holds at any hour in any TZ.
 */
let server: ServerProcess;
afterAll(async () => server?.dispose());

const DAY = 86_400_000;
/** The Shanghai date `k` days ago. */
const daysAgo = (k: number) => new Date(Date.now() + 8 * 3_600_000 - k * DAY).toISOString().slice(0, 10);
const districts = ['500118', '500101', '500103'];
const openCase = (caseId: string, k: number, i: number) => {
  const day = daysAgo(k);
  const districtCode = districts[i % districts.length]!;
  // A catalogue item (7 working days promised), and one in seven of an unknown item (a data-quality case).
  const itemCode = i % 7 === 3 ? 'XX-UNKNOWN' : 'SCJG-XK-D-CWLZL';
  return [
    { eventId: `${caseId}.1`, caseId, type: 'submitted', occurredAt: `${day}T09:00:00+08:00`, itemCode, districtCode, level: 'district', channel: 'window' },
    { eventId: `${caseId}.2`, caseId, type: 'accepted', occurredAt: `${day}T09:10:00+08:00`, districtCode, level: 'district', departmentCode: 'SCJG', actorId: `yc-${i % 4}` },
  ];
};
const completion = (x: { id: string; i: number }) => ({ eventId: `${x.id}.3`, caseId: x.id, type: 'completed', occurredAt: new Date(Date.now() - 60_000).toISOString(), districtCode: districts[x.i % districts.length]!, level: 'district', departmentCode: 'SCJG', actorId: 'yc-1', visits: 1 });
const cases = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, k: [1, 4, 9, 15, 30, 45][i % 6]!, i }));

type Loaded = { source: string; openCases: number; reason?: string; tailOpen?: number; tailClosed?: number };
const lastLoad = (s: ServerProcess): Loaded => {
  const lines = s.output.split('\n').filter((l) => l.includes('"open-case index loaded"'));
  expect(lines.length).toBeGreaterThan(0);
  return JSON.parse(lines.at(-1)!) as Loaded;
};
/**
 * Restarts, then waits for the lateness model's first read of that run: until then at_risk is judged with the
 * model the last run stored, which a rebuild compared with may not have (supervision/lateness.ts).
 */
async function restartAndReadModel(env?: Record<string, string>): Promise<void> {
  const from = server.output.length;
  await server.restart(env);
  await server.eventually(async () => (server.output.slice(from).includes('"lateness model refreshed"') ? true : undefined), 60_000);
}
const post = async (events: object[]) => expect(((await (await server.post(ndjson(events))).json()) as { accepted: number }).accepted).toBe(events.length);
type Overview = { supervision: ({ counts: { open: number }; redList: Array<Record<string, unknown>> } & Record<string, unknown>) | null };
const openCount = async () => (await server.get<Overview>('/api/v1/overview')).body.supervision?.counts.open;
/** What the walls and the case list show of the open cases (the instant a red-list entry was made aside). */
async function shown(s: ServerProcess) {
  const { redList, ...rest } = (await s.get<Overview>('/api/v1/overview')).body.supervision!;
  const pages = [];
  for (const sort of ['severity', 'deadline', 'submitted']) pages.push((await s.get(`/api/v1/cases?limit=500&sort=${sort}`)).body);
  const red = (await s.get('/api/v1/cases?limit=500&warning=red')).body;
  return { ...rest, redList: redList.map(({ at: _at, ...r }) => r), pages, red };
}

describe('the open-case index snapshot', () => {
  const file = () => path.join(server.dataDir, 'supervision', 'open-cases.bin');
  const a = cases('IXS-A', 60);
  const b = cases('IXS-B', 25);
  const c = cases('IXS-C', 10);

  /** /metrics as a map of series (with their labels) to values. */
  const series = async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))] as const));
  };

  it('is written at a clean stop and loaded at the next start, which shows the same cases', async () => {
    // The lateness model refreshed every second: the cases' at_risk judgement is part of what must survive.
    server = await ServerProcess.start({ INDEX_SNAPSHOT_SECONDS: '3600', AT_RISK_REFRESH_SECONDS: '1' });
    expect(lastLoad(server)).toMatchObject({ source: 'rebuild', reason: 'no snapshot' });
    await post([...a.flatMap((x) => openCase(x.id, x.k, x.i)), ...a.filter((x) => x.i % 5 === 0).map((x) => completion(x))]);
    await server.eventually(async () => ((await openCount()) === 48 ? true : undefined), 30_000);
    // Once the model has learnt from the 12 completed cases (as a start would, reading them).
    const atRisk = async () => (await server.get<{ supervision: { counts: { atRisk: number | null } } }>('/api/v1/overview')).body.supervision.counts.atRisk;
    await server.eventually(async () => ((await atRisk()) !== null ? true : undefined), 30_000);
    const before = await shown(server);
    expect((before.pages[0] as { total: number }).total).toBe(48);
    // Some red, some not: the warnings a load must judge anew are there to get wrong.
    expect((before.red as { total: number }).total).toBeGreaterThan(0);
    expect((before.red as { total: number }).total).toBeLessThan(48);
    expect((before.counts as { open: number; red: number; yellow: number }).open).toBe(48);
    expect(((before as Record<string, unknown>).dataQuality as { total: number }).total).toBeGreaterThan(0);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(existsSync(file())).toBe(true);

    await restartAndReadModel();
    expect(lastLoad(server)).toMatchObject({ source: 'snapshot', openCases: 48 });
    expect(await shown(server)).toEqual(before);
    // …and /metrics says so.
    const metrics = await series();
    expect(metrics.get('tongban_open_cases')).toBe(48);
    expect(metrics.get('tongban_index_load_ms{source="snapshot"}')).toBeGreaterThanOrEqual(0);
    expect(metrics.get('tongban_index_snapshot_writes_total')).toBe(0);
  });

  it('after a SIGKILL, the last periodic snapshot and the states derived since equal a full rebuild', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    await server.restart({ INDEX_SNAPSHOT_SECONDS: '1' });
    expect(lastLoad(server).source).toBe('snapshot');
    // B (new cases, and completions of A's) lands before a periodic snapshot; C after it, then the kill.
    await post([...b.flatMap((x) => openCase(x.id, x.k, x.i)), ...a.filter((x) => x.i % 5 === 1).map((x) => completion(x))]);
    await server.eventually(async () => ((await openCount()) === 48 + 25 - 12 ? true : undefined), 30_000);
    const written = Date.now();
    await server.eventually(async () => (existsSync(file()) && statSync(file()).mtimeMs > written ? true : undefined), 30_000);
    // A periodic write, shown in /metrics: its size and the longest step of its copy.
    const metrics = await series();
    expect(metrics.get('tongban_index_snapshot_writes_total')).toBeGreaterThan(0);
    expect(metrics.get('tongban_index_snapshot_write_errors_total')).toBe(0);
    expect(metrics.get('tongban_index_snapshot_bytes')).toBeGreaterThan(1000);
    expect(metrics.get('tongban_index_snapshot_hold_ms')).toBeGreaterThanOrEqual(0);
    await post([...c.flatMap((x) => openCase(x.id, x.k, x.i)), ...b.filter((x) => x.i % 5 === 2).map((x) => completion(x))]);
    await server.eventually(async () => ((await openCount()) === 61 + 10 - 5 ? true : undefined), 30_000);
    await server.stop('SIGKILL');

    await restartAndReadModel({ INDEX_SNAPSHOT_SECONDS: '3600' });
    const loaded = lastLoad(server);
    expect(loaded.source).toBe('snapshot');
    expect((loaded.tailOpen ?? 0) + (loaded.tailClosed ?? 0)).toBeGreaterThan(0);
    const fromSnapshot = await shown(server);
    expect(fromSnapshot.counts).toMatchObject({ open: 66 });

    // The latest snapshot gone: the one before it, with its longer tail, gives the same.
    await server.stop('SIGKILL');
    rmSync(file());
    await restartAndReadModel({ INDEX_SNAPSHOT_SECONDS: '3600' });
    expect(lastLoad(server)).toMatchObject({ source: 'snapshot', from: 'previous' });
    expect(await shown(server)).toEqual(fromSnapshot);

    // Both gone: every open case read from case_state.
    await server.stop('SIGKILL');
    rmSync(file(), { force: true });
    rmSync(file().replace(/\.bin$/, '.prev.bin'));
    await restartAndReadModel({ INDEX_SNAPSHOT_SECONDS: '3600' });
    expect(lastLoad(server)).toMatchObject({ source: 'rebuild', reason: 'no snapshot', openCases: 66 });
    expect(await shown(server)).toEqual(fromSnapshot);
  });
});
