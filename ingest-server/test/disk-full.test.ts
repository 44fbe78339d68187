import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseEvents, ndjson } from './events.fixture.ts';
import { queryDataDir } from './chdb-query.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/**
 * The disk fills up under the real server: a small tmpfs is mounted as DATA_DIR (needs root; CI runs
 * as root), batches keep coming while a filler takes every free byte, the server is SIGKILLed, the space
 * freed, the server restarted. Every acknowledged event must be stored exactly once, every other
 * answer must have been a 503 with Retry-After, and /healthz must have said the disk was the reason.
 */
const mountPoint = mkdtempSync(path.join(tmpdir(), 'tongban-tmpfs-'));
let mounted = false;
let why = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (e) {
  why = String((e as { stderr?: Buffer }).stderr ?? e).trim();
  console.warn(`disk-full test SKIPPED: cannot mount a tmpfs here (${why || 'not root'}); CI runs it as root`);
}

let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

type Health = { status: string; accepting: boolean; reasons: Array<{ reason: string; message: string }>; pendingRows: number };

describe.skipIf(!mounted)('a full disk under the real server (tmpfs)', () => {
  it('acknowledges only what it stored, answers 503 for the rest, says why, and loses nothing across a SIGKILL', { timeout: 240_000 }, async () => {
    const dataDir = path.join(mountPoint, 'data');
    mkdirSync(dataDir);
    server = await ServerProcess.start({ DATA_DIR: dataDir, DISK_FREE_FLOOR_BYTES: '1', LOG_LEVEL: 'warn' });
    const s = server;
    const t0 = Date.now();

    const batches: Array<{ cases: string[]; body: string; status?: number }> = [];
    let next = 0;
    const makeBatch = () => {
      const cases = Array.from({ length: 10 }, () => `FULL-${next++}`);
      const b = { cases, body: ndjson(cases.flatMap((c) => caseEvents(c))) };
      batches.push(b);
      return b;
    };
    let sending = true;
    const statuses = new Map<number, number>();
    const send = async (b: { body: string; status?: number }) => {
      const r = await s.post(b.body);
      b.status = r.status;
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      await r.arrayBuffer();
      if (r.status === 503) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    const senders = Array.from({ length: 3 }, async () => {
      while (sending) await send(makeBatch());
    });

    await new Promise((r) => setTimeout(r, 1_500));
    // Take every free byte but the last 256 KiB while the batches keep coming: the server's own writes
    // then run into ENOSPC (a floor of 1 byte leaves the real write failure to happen first).
    const filler = path.join(mountPoint, 'filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(256 * 1024, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    try {
      for (;;) writeSync(fd, chunk.subarray(0, 512));
    } catch {
      /* the last bytes */
    }
    closeSync(fd);
    truncateSync(filler, statSync(filler).size - 256 * 1024);
    const healths: Health[] = [];
    for (let i = 0; i < 15; i++) {
      healths.push((await s.get<Health>('/healthz')).body);
      await new Promise((r) => setTimeout(r, 200));
    }
    sending = false;
    await Promise.all(senders);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    console.log(`[disk-full] ${batches.length} batches, statuses ${JSON.stringify([...statuses])}, ${/tongban_ingest_log_write_errors_total \d+/.exec(metrics)?.[0]}, ${/tongban_ingest_refused_total \d+/.exec(metrics)?.[0]}, t=${Date.now() - t0}`);
    expect(await s.stop('SIGKILL')).toBeNull();

    // Only 200 and 503, and both happened.
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    const full = healths.filter((h) => h.status === 'degraded' && h.reasons.some((r) => r.reason === 'disk'));
    expect(full.length).toBeGreaterThan(0);
    expect(full.some((h) => !h.accepting)).toBe(true);

    rmSync(filler);
    await s.restart();
    const acked = batches.filter((b) => b.status === 200);
    const refused = batches.filter((b) => b.status === 503);
    expect(acked.length).toBeGreaterThan(0);
    // Sending the refused batches again stores them (once: some may have reached the log before their write failed).
    for (const b of refused) {
      const r = await s.post(b.body);
      expect(r.status).toBe(200);
      const a = (await r.json()) as { accepted: number; duplicates: number };
      expect(a.accepted + a.duplicates).toBe(40);
    }
    await s.eventually(async () => ((await s.get<Health>('/healthz')).body.pendingRows === 0 ? true : undefined), 30_000);
    expect((await s.get<Health>('/healthz')).body.status).toBe('ok');
    expect(await s.stop('SIGTERM')).toBe(0);

    // Every acknowledged event exactly once; every event of every batch (the refused ones resent) exactly once.
    const counts = new Map(
      queryDataDir<{ event_id: string; n: number }>(dataDir, "SELECT event_id, count() AS n FROM tongban.events WHERE startsWith(event_id, 'FULL-') GROUP BY event_id").map((r) => [r.event_id, Number(r.n)]),
    );
    const ids = (b: { cases: string[] }) => b.cases.flatMap((c) => [1, 2, 3, 4].map((n) => `${c}.${n}`));
    for (const b of acked) for (const id of ids(b)) expect(counts.get(id), id).toBe(1);
    for (const b of batches) for (const id of ids(b)) expect(counts.get(id), id).toBe(1);
    expect(counts.size).toBe(batches.length * 40);
    const caseCopies = queryDataDir<{ n: number }>(dataDir, "SELECT count() AS n FROM tongban.case_events WHERE startsWith(event_id, 'FULL-')");
    expect(Number(caseCopies[0]!.n)).toBe(batches.length * 40);
    // The server's own log writes ran out of space (not only the guard refusing before trying).
    expect(Number(/tongban_ingest_log_write_errors_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
