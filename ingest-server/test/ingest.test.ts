import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, caseEvents, ndjson } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

type CaseBody = { timeline: Array<{ eventId: string; type: string }>; applicant: { name?: string; idNumber?: string; phone?: string } };
type RejectedBody = { rejected: Array<{ index: number; eventId: string; raw: string; errors: string[] }> };

let server: ServerProcess;
beforeAll(async () => {
  server = await ServerProcess.start();
});
afterAll(async () => server?.dispose());

const timelineOf = (caseId: string, expected: number) =>
  server.eventually(async () => {
    const r = await server.get<CaseBody>(`/api/v1/cases/${caseId}`);
    return r.status === 200 && r.body.timeline.length >= expected ? r.body : undefined;
  });

describe('POST /api/v1/events', () => {
  it('stores the good lines of an NDJSON batch and reports and keeps the malformed one by index', async () => {
    const events = caseEvents('NDJ-1');
    const lines = ndjson(events).split('\n');
    lines.splice(2, 0, '{"eventId": "NDJ-1.bad", "caseId": "NDJ-1", "type": "reviewed", oops');
    const r = await server.post(lines.join('\n'));
    expect(r.status).toBe(200);
    const body = (await r.json()) as { accepted: number; duplicates: number; rejected: Array<{ index: number; errors: string[] }> };
    expect(body.accepted).toBe(4);
    expect(body.duplicates).toBe(0);
    expect(body.rejected).toHaveLength(1);
    expect(body.rejected[0]!.index).toBe(2);
    expect(body.rejected[0]!.errors[0]).toMatch(/not JSON/);

    const stored = await timelineOf('NDJ-1', 4);
    expect(stored.timeline.map((t) => t.type)).toEqual(['submitted', 'accepted', 'reviewed', 'completed']);

    const kept = await server.eventually(async () => {
      const k = await server.get<RejectedBody>('/api/v1/rejected-events', 'dev-admin');
      return k.body.rejected.find((x) => x.raw.includes('NDJ-1.bad'));
    });
    expect(kept.index).toBe(2);
    expect(kept.raw).toContain('oops');
  });

  it('accepts the valid events of a JSON array and names every problem of the invalid ones', async () => {
    const [submitted, accepted] = caseEvents('ARR-1');
    const bad = { ...accepted, eventId: 'ARR-1.x', occurredAt: 'yesterday', level: 'province' };
    const r = await server.post([submitted, bad, accepted]);
    const body = (await r.json()) as { accepted: number; rejected: Array<{ index: number; eventId: string; errors: string[] }> };
    expect(r.status).toBe(200);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([{ index: 1, eventId: 'ARR-1.x', errors: [expect.stringMatching(/^occurredAt:/), expect.stringMatching(/^level:/)] }]);
  });

  it('accepts a single event object', async () => {
    const r = await server.post(caseEvents('ONE-1')[0]!);
    expect(await r.json()).toEqual({ accepted: 1, duplicates: 0, conflicts: 0, rejected: [] });
  });

  it('stores an event of an unknown district rather than dropping it', async () => {
    const [submitted] = caseEvents('UNK-1', '509999');
    const r = await server.post(submitted!);
    expect(((await r.json()) as { accepted: number }).accepted).toBe(1);
    await timelineOf('UNK-1', 1);
  });

  it('masks the applicant when a case is read back', async () => {
    await server.post(caseEvents('MASK-1'));
    const c = await timelineOf('MASK-1', 4);
    expect(JSON.stringify(c)).not.toContain(APPLICANT.idNumber);
    expect(JSON.stringify(c)).not.toContain(APPLICANT.phone);
    expect(JSON.stringify(c)).not.toContain(APPLICANT.name);
    expect(c.applicant.name).toMatch(/^李\*+$/);
  });

  it('refuses a missing or wrong token with 401', async () => {
    expect((await server.post(caseEvents('AUTH-1'), { token: null })).status).toBe(401);
    expect((await server.post(caseEvents('AUTH-1'), { token: 'guess' })).status).toBe(401);
    expect((await server.get('/api/v1/rejected-events', 'dev-token')).status).toBe(403);
  });

  it('answers 400 for a body that cannot be read at all', async () => {
    const r = await server.post('{"not json', { contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('unreadable_body');
    expect((await server.post('\n\n')).status).toBe(400);
    expect((await server.post('[]', { contentType: 'application/json' })).status).toBe(400);
  });

  it('answers 413 beyond 10,000 events or 10 MB', async () => {
    const many = Array.from({ length: 10_001 }, (_, i) => ({ ...caseEvents(`BIG-${i}`)[0] }));
    const r1 = await server.post(ndjson(many));
    expect(r1.status).toBe(413);
    const huge = JSON.stringify({ ...caseEvents('HUGE-1')[0], note: 'x'.repeat(11 * 1024 * 1024) });
    expect(await server.postRaw(huge)).toBe(413);
  });

  it('counts the same eventId sent twice as a duplicate, within a batch and across batches', async () => {
    const events = caseEvents('DUP-1');
    const first = (await (await server.post([...events, events[0]])).json()) as { accepted: number; duplicates: number };
    expect(first).toMatchObject({ accepted: 4, duplicates: 1 });
    const again = (await (await server.post(ndjson(events))).json()) as { accepted: number; duplicates: number };
    expect(again).toMatchObject({ accepted: 0, duplicates: 4 });
  });

  it('stores concurrent copies of the same events once', async () => {
    const events = caseEvents('RACE-1');
    const answers = await Promise.all([1, 2, 3, 4].map(() => server.post(events).then((r) => r.json() as Promise<{ accepted: number; duplicates: number }>)));
    expect(answers.reduce((n, a) => n + a.accepted, 0)).toBe(4);
    expect(answers.reduce((n, a) => n + a.duplicates, 0)).toBe(12);
  });

  it('answers /healthz with 200 once ready and lists the districts', async () => {
    expect((await server.get('/healthz')).status).toBe(200);
    const d = await server.get<{ districts: Array<{ code: string; name: string }> }>('/api/v1/districts');
    expect(d.body.districts.find((x) => x.code === '500118')?.name).toBe('永川区');
  });
});
