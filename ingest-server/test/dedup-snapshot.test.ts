import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseEvents, ndjson } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/*
 * The dedup filter is persisted in DATA_DIR (events/dedup-snapshot.ts): a restart loads the snapshot and the
 * keys stored since, not every key. What a user sees: a batch sent again after a restart is all duplicates
 * (were a stored key missing from the filter, its copy would be stored twice), and the server says where
 * its filter came from.
 */
let server: ServerProcess;
afterAll(async () => server?.dispose());

type Loaded = { source: string; tailKeys?: number; keys?: number; reason?: string };
/** The last "dedup filter loaded" line the server logged. */
const lastLoad = (s: ServerProcess): Loaded => {
  const lines = s.output.split('\n').filter((l) => l.includes('"dedup filter loaded"'));
  expect(lines.length).toBeGreaterThan(0);
  return JSON.parse(lines.at(-1)!) as Loaded;
};
const stored = async (s: ServerProcess, caseId: string) => {
  const r = await s.get<{ timeline: unknown[] }>(`/api/v1/cases/${caseId}`);
  return r.status === 200 ? r.body.timeline.length : 0;
};
const resend = async (events: object[]) => (await (await server.post(ndjson(events))).json()) as { accepted: number; duplicates: number };

describe('the dedup filter snapshot', () => {
  const a = Array.from({ length: 50 }, (_, i) => caseEvents(`SNAP-A${i}`)).flat();
  const b = Array.from({ length: 50 }, (_, i) => caseEvents(`SNAP-B${i}`)).flat();
  const file = () => path.join(server.dataDir, 'dedup', 'filter.bin');

  it('survives SIGKILL: the snapshot plus the keys stored after it hold every event', async () => {
    server = await ServerProcess.start({ DEDUP_SNAPSHOT_SECONDS: '1' });
    expect(lastLoad(server)).toMatchObject({ source: 'rebuild', keys: 0 });
    expect((await resend(a)).accepted).toBe(200);
    await server.eventually(async () => ((await stored(server, 'SNAP-A49')) === 4 ? true : undefined));
    // A snapshot written after A was stored.
    const after = Date.now();
    await server.eventually(async () => (existsSync(file()) && statSync(file()).mtimeMs > after ? true : undefined));
    // B lands after that snapshot, and the process is killed before the next one can be relied on.
    expect((await resend(b)).accepted).toBe(200);
    await server.eventually(async () => ((await stored(server, 'SNAP-B49')) === 4 ? true : undefined));
    await server.stop('SIGKILL');

    await server.restart();
    expect(lastLoad(server).source).toBe('snapshot');
    expect(await resend([...a, ...b])).toMatchObject({ accepted: 0, duplicates: 400 });
  });

  it('detects a torn snapshot and falls back to the previous one, then a corrupt pair to a rebuild', async () => {
    expect(await server.stop('SIGTERM')).toBe(0); // a clean stop writes a snapshot
    const size = statSync(file()).size;
    truncateSync(file(), Math.floor(size / 2));
    await server.restart();
    expect(lastLoad(server)).toMatchObject({ source: 'previous' });
    expect(server.output).toMatch(/filter\.bin.*torn|torn.*filter\.bin/);
    expect(await resend([...a, ...b])).toMatchObject({ accepted: 0, duplicates: 400 });

    expect(await server.stop('SIGTERM')).toBe(0);
    // One flipped byte in the bits of both files: same size, wrong checksum.
    for (const f of [file(), file().replace(/\.bin$/, '.prev.bin')]) {
      const bytes = readFileSync(f);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      writeFileSync(f, bytes);
    }
    await server.restart();
    const loaded = lastLoad(server);
    expect(loaded.source).toBe('rebuild');
    expect(loaded.reason).toMatch(/checksum mismatch/);
    expect(loaded.keys).toBe(400);
    expect(await resend([...a, ...b])).toMatchObject({ accepted: 0, duplicates: 400 });
  });
});

describe('a dedup filter past the size it was given', () => {
  let small: ServerProcess | undefined;
  afterAll(async () => small?.dispose());
  type Filter = { falsePositive: number; keys: number; sizedFor: number };
  const filter = async (s: ServerProcess) => (await s.get<{ dedupFilter: Filter }>('/healthz')).body.dedupFilter;

  it('says so at start, on /healthz and /metrics, with the size to set; sized again, it is rebuilt and answers well', async () => {
    small = await ServerProcess.start({ DEDUP_EXPECTED_EVENTS: '1000' });
    const events = Array.from({ length: 1250 }, (_, i) => caseEvents(`FILL-${i}`)).flat();
    for (let i = 0; i < events.length; i += 1000) expect((await (await small.post(ndjson(events.slice(i, i + 1000)))).json() as { accepted: number }).accepted).toBe(Math.min(1000, events.length - i));
    const live = await filter(small);
    expect(live.sizedFor).toBe(1000);
    expect(live.keys).toBeGreaterThan(4_000);
    expect(live.keys).toBeLessThan(6_000);
    expect(live.falsePositive).toBeGreaterThan(0.3);
    const metrics = await (await fetch(`${small.url}/metrics`)).text();
    expect(metrics).toMatch(/^tongban_dedup_filter_false_positive_ratio 0\.[3-9]/m);
    expect(metrics).toMatch(/^tongban_dedup_filter_ids\{kind="sized_for"\} 1000$/m);

    await small.stop('SIGTERM');
    await small.restart();
    const warning = small.output.split('\n').find((l) => l.includes('past the 1000 it is sized for'));
    expect(warning).toMatch(/Set DEDUP_EXPECTED_EVENTS to at least (\d+)/);
    const advised = Number(/at least (\d+)/.exec(warning!)![1]);
    expect(advised).toBeGreaterThan(8_000);

    await small.stop('SIGTERM');
    await small.restart({ DEDUP_EXPECTED_EVENTS: String(advised) });
    expect(lastLoad(small)).toMatchObject({ source: 'rebuild', keys: 5000 });
    expect(lastLoad(small).reason).toMatch(/another size/);
    const sized = await filter(small);
    expect(sized.falsePositive).toBeLessThan(0.01);
    expect(small.output.split('\n').filter((l) => l.includes('it is sized for'))).toHaveLength(1);
    expect(await (await small.post(ndjson(events.slice(0, 1000)))).json()).toMatchObject({ accepted: 0, duplicates: 1000 });
  });
});
