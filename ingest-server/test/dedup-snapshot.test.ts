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
