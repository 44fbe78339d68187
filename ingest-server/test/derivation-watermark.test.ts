import { afterAll, describe, expect, it } from 'vitest';
import { ndjson } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/*
 * The derivation watermark (supervision/derivation-watermark.ts): a restart derives only the cases with an
 * event stored since the last derivation, never the whole log. Advanced here only at a clean stop
 * (DERIVATION_WATERMARK_SECONDS large), so what a SIGKILL leaves behind is known exactly.
 */
let server: ServerProcess;
afterAll(async () => server?.dispose());

const day = '2026-11-30';
const openCase = (caseId: string) => [
  { eventId: `${caseId}.1`, caseId, type: 'submitted', occurredAt: `${day}T09:00:00+08:00`, itemCode: 'SC-GTGSH-BG', districtCode: '500118', level: 'district', channel: 'window' },
  { eventId: `${caseId}.2`, caseId, type: 'accepted', occurredAt: `${day}T09:10:00+08:00`, districtCode: '500118', level: 'district', departmentCode: 'SCJGJ', actorId: 'yc-1' },
];
const completion = (caseId: string) => ({ eventId: `${caseId}.3`, caseId, type: 'completed', occurredAt: `${day}T15:00:00+08:00`, districtCode: '500118', level: 'district', departmentCode: 'SCJGJ', actorId: 'yc-1', visits: 1 });

type Derived = { cases: number; since: string };
const derivations = (s: ServerProcess): Derived[] =>
  s.output
    .split('\n')
    .filter((l) => l.includes('"derived the cases touched since the derivation watermark"'))
    .map((l) => JSON.parse(l) as Derived);
const openCount = async (s: ServerProcess) => (await s.get<{ supervision: { counts: { open: number } } | null }>('/api/v1/overview')).body.supervision?.counts.open;
const post = async (events: object[]) => expect(((await (await server.post(ndjson(events))).json()) as { accepted: number }).accepted).toBe(events.length);

describe('the derivation watermark', () => {
  it('after a restart derives exactly the cases touched since the last derivation', async () => {
    server = await ServerProcess.start({ DERIVATION_WATERMARK_SECONDS: '3600' });
    expect(server.output).toContain('no usable derivation watermark');
    const a = Array.from({ length: 10 }, (_, i) => `WM-A${i}`);
    await post(a.flatMap(openCase));
    await server.eventually(async () => ((await openCount(server)) === 10 ? true : undefined));
    expect(await server.stop('SIGTERM')).toBe(0); // the watermark advances at a clean stop

    await server.restart();
    expect(derivations(server).at(-1)).toMatchObject({ cases: 0 });
    expect(await openCount(server)).toBe(10);

    // Three new cases and one event of an old case, then a kill: the watermark stays where the stop left it.
    const b = ['WM-B0', 'WM-B1', 'WM-B2'];
    await post([...b.flatMap(openCase), completion('WM-A4')]);
    await server.eventually(async () => ((await openCount(server)) === 12 ? true : undefined));
    await server.stop('SIGKILL');

    await server.restart();
    expect(derivations(server).at(-1)).toMatchObject({ cases: 4 });
    expect(await openCount(server)).toBe(12);
    const done = await server.get<{ status: string }>('/api/v1/cases/WM-A4');
    expect(done.body.status).toBe('completed');
  });
});
