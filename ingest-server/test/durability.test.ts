import { afterEach, describe, expect, it } from 'vitest';
import { caseEvents, ndjson } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

type CaseBody = { timeline: Array<{ eventId: string }> };
let server: ServerProcess | undefined;
afterEach(async () => server?.dispose());

async function storedIds(s: ServerProcess, caseId: string): Promise<string[]> {
  const r = await s.get<CaseBody>(`/api/v1/cases/${caseId}`);
  return r.status === 200 ? r.body.timeline.map((t) => t.eventId) : [];
}

describe('durable acknowledgement', () => {
  it('keeps every acknowledged event when the process is killed with SIGKILL right after the 2xx', async () => {
    // A long flush age: nothing reaches ClickHouse before the kill, so only the ingest log can save the events.
    server = await ServerProcess.start({ FLUSH_MAX_AGE_MS: '600000' });
    const cases = Array.from({ length: 50 }, (_, i) => `KILL-${i}`);
    const events = cases.flatMap((c) => caseEvents(c));
    const r = await server.post(ndjson(events));
    expect(r.status).toBe(200);
    expect(((await r.json()) as { accepted: number }).accepted).toBe(200);
    await server.stop('SIGKILL');

    await server.restart();
    for (const c of cases) expect(await storedIds(server, c)).toHaveLength(4);
    // Replayed once only: a second restart does not store them again.
    await server.stop('SIGKILL');
    await server.restart();
    expect(await storedIds(server, 'KILL-7')).toEqual(['KILL-7.1', 'KILL-7.2', 'KILL-7.3', 'KILL-7.4']);
  });

  it('stores the same events once when they are sent again after a restart', async () => {
    server = await ServerProcess.start();
    const events = caseEvents('RESTART-1');
    expect(((await (await server.post(events)).json()) as { accepted: number }).accepted).toBe(4);
    expect(await server.stop('SIGTERM')).toBe(0); // graceful: flushes to ClickHouse
    await server.restart();
    const again = (await (await server.post(ndjson(events))).json()) as { accepted: number; duplicates: number };
    expect(again).toEqual({ accepted: 0, duplicates: 4, conflicts: 0, rejected: [] });
    expect(await storedIds(server, 'RESTART-1')).toHaveLength(4);
    // And a second, different batch still lands (chdb keeps per-query settings: a leaked dedup token would swallow it).
    const other = caseEvents('RESTART-2');
    expect(((await (await server.post(other)).json()) as { accepted: number }).accepted).toBe(4);
    await server.eventually(async () => ((await storedIds(server!, 'RESTART-2')).length === 4 ? true : undefined));
  });
});

describe('overload', () => {
  it('answers 503 with Retry-After while too many events wait for ClickHouse, and loses none it acknowledged', async () => {
    server = await ServerProcess.start({ MAX_PENDING_ROWS: '4', FLUSH_MAX_AGE_MS: '600000', FLUSH_MAX_ROWS: '1000000' });
    const first = await server.post(caseEvents('BUSY-1'));
    expect(first.status).toBe(200);
    const second = await server.post(caseEvents('BUSY-2'));
    expect(second.status).toBe(503);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('overloaded');
    // A graceful stop flushes the backlog; the acknowledged case is there after the restart.
    await server.stop('SIGTERM');
    await server.restart();
    expect(await storedIds(server, 'BUSY-1')).toHaveLength(4);
    expect(await storedIds(server, 'BUSY-2')).toHaveLength(0);
  });
});
