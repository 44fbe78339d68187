import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvents, ndjson } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/**
 * A table of hostile bodies and parameters against the real server: each row states the status, which
 * indexes are rejected and why, and for every 2xx that accepted + duplicates + conflicts + rejected = sent.
 */
let server: ServerProcess;
beforeAll(async () => {
  server = await ServerProcess.start();
});
afterAll(async () => server?.dispose());

type Answer = { accepted: number; duplicates: number; conflicts: number; rejected: Array<{ index: number; eventId?: string; errors: string[] }> };

interface Case {
  name: string;
  body: string | Buffer | ((tag: string) => string | Buffer);
  headers?: Record<string, string>;
  status: number;
  /** For a 2xx: how many elements were sent, and index → what its error must say. */
  sent?: number;
  rejected?: Record<number, RegExp>;
  accepted?: number;
  duplicates?: number;
  conflicts?: number;
  code?: string;
}

const NDJSON = { 'content-type': 'application/x-ndjson' };
const JSON_ = { 'content-type': 'application/json' };
const line = (o: unknown) => JSON.stringify(o);
const ev = (tag: string, over: Record<string, unknown> = {}) => ({ ...caseEvents(tag)[1]!, ...over });
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const withGood = (tag: string, bad: string | Buffer, position = 1): Buffer => {
  const [a, b] = caseEvents(tag);
  const parts: Array<string | Buffer> = [line(a), line(b)];
  parts.splice(position, 0, bad);
  return Buffer.concat(parts.flatMap((p) => [Buffer.from(p), Buffer.from('\n')]));
};
const badUtf8 = (tag: string) => Buffer.concat([Buffer.from(`{"eventId":"${tag}.u","note":"`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
const at = (occurredAt: string) => (tag: string) => withGood(tag, line(ev(tag, { eventId: `${tag}.t`, occurredAt })));
const field = (over: Record<string, unknown>) => (tag: string) => withGood(tag, line(ev(tag, { eventId: `${tag}.f`, ...over })));

const CASES: Case[] = [
  // Unreadable elements: rejected by index, the rest stored.
  { name: 'a non-JSON NDJSON line', body: (t) => withGood(t, '{"eventId": "x", oops'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /not JSON/ } },
  { name: 'a line nested 100,000 deep', body: (t) => withGood(t, deep(100_000)), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /nested deeper than/ } },
  { name: 'an object nested 100,000 deep in a field', body: (t) => withGood(t, `{"eventId":"${t}.d","x":${deep(100_000)}}`), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /nested deeper/ } },
  { name: 'a deep element of a JSON array', body: (t) => `[${line(caseEvents(t)[0])},${deep(100_000)},${line(caseEvents(t)[1])}]`, headers: JSON_, status: 200, sent: 3, rejected: { 1: /nested deeper/ } },
  { name: 'a __proto__ key', body: (t) => withGood(t, `{"eventId":"${t}.p","__proto__":{"admin":true}}`), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /"__proto__" is not allowed/ } },
  { name: 'a constructor key inside applicant', body: (t) => withGood(t, line({ ...caseEvents(t)[0], eventId: `${t}.c`, applicant: { type: 'person', constructor: { prototype: 1 } } })), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /"constructor" is not allowed/ } },
  { name: 'a __proto__ key in a JSON array element', body: (t) => `[${line(caseEvents(t)[0])},{"__proto__":{"x":1}},${line(caseEvents(t)[1])}]`, headers: JSON_, status: 200, sent: 3, rejected: { 1: /__proto__/ } },
  { name: 'a single object with a prototype key', body: (t) => `{"eventId":"${t}.1","prototype":1}`, headers: JSON_, status: 200, sent: 1, rejected: { 0: /"prototype" is not allowed/ } },
  { name: 'invalid UTF-8 in a line', body: (t) => withGood(t, badUtf8(t)), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /UTF-8/ } },
  { name: 'invalid UTF-8 in an array element', body: (t) => Buffer.concat([Buffer.from(`[${line(caseEvents(t)[0])},`), badUtf8(t), Buffer.from(']')]), headers: JSON_, status: 200, sent: 2, rejected: { 1: /UTF-8/ } },
  { name: 'an empty array element', body: (t) => `[${line(caseEvents(t)[0])},,${line(caseEvents(t)[1])}]`, headers: JSON_, status: 200, sent: 3, rejected: { 1: /empty element/ } },
  { name: 'a trailing comma', body: (t) => `[${line(caseEvents(t)[0])},]`, headers: JSON_, status: 200, sent: 2, rejected: { 1: /empty element/ } },
  { name: 'a number in an array', body: (t) => `[42,${line(caseEvents(t)[0])}]`, headers: JSON_, status: 200, sent: 2, rejected: { 0: /expected object/ } },
  { name: 'a string and a null in an array', body: (t) => `["x",null,${line(caseEvents(t)[0])}]`, headers: JSON_, status: 200, sent: 3, rejected: { 0: /expected object/, 1: /expected object/ } },
  { name: 'a nested array element', body: (t) => `[[${line(caseEvents(t)[0])}],${line(caseEvents(t)[1])}]`, headers: JSON_, status: 200, sent: 2, rejected: { 0: /expected object/ } },
  { name: 'a bare non-JSON line between blank lines', body: (t) => withGood(t, '\n\nhello\n\n'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /not JSON/ } },
  // Timestamps that are not instants.
  { name: '2025-02-30', body: at('2025-02-30T10:00:00+08:00'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /occurredAt: day 30 does not exist/ } },
  { name: 'T24:00', body: at('2025-08-24T24:00:00+08:00'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /occurredAt: time 24:00/ } },
  { name: 'minute 60', body: at('2025-08-24T10:60+08:00'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /occurredAt/ } },
  { name: 'an offset of +15:00', body: at('2025-08-24T10:00:00+15:00'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /occurredAt: offset/ } },
  { name: 'an offset of -14:30', body: at('2025-08-24T10:00:00-14:30'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /occurredAt: offset/ } },
  { name: 'the year 1999', body: at('1999-12-31T10:00:00+08:00'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /occurredAt: year 1999/ } },
  { name: 'the year 0001', body: at('0001-01-01T00:00:00Z'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /occurredAt/ } },
  { name: 'an expanded year +275760', body: at('+275760-09-13T00:00:00.000Z'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /occurredAt/ } },
  { name: 'a day in the far future', body: at('2099-01-01T00:00:00+08:00'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /future/ } },
  { name: 'no offset', body: at('2025-08-24T10:00:00'), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /occurredAt/ } },
  // Fields.
  { name: 'an eventId with spaces', body: field({ eventId: 'bad id' }), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /eventId/ } },
  { name: 'a 65-character eventId', body: field({ eventId: 'e'.repeat(65) }), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /eventId/ } },
  { name: 'an unknown type', body: field({ type: 'teleported' }), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /type/ } },
  { name: 'a rating of 6', body: field({ type: 'rated', rating: 6 }), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /rating/ } },
  { name: 'a 501-character note', body: field({ note: 'n'.repeat(501) }), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /note/ } },
  { name: 'a control character in caseId', body: field({ caseId: 'A\u0001B' }), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /caseId/ } },
  { name: 'a string where a number belongs', body: field({ visits: '3' }), headers: NDJSON, status: 200, sent: 3, rejected: { 1: /visits/ } },
  // Duplicates and conflicts within one batch.
  { name: 'the same event twice', body: (t) => ndjson([...caseEvents(t), caseEvents(t)[0]]), headers: NDJSON, status: 200, sent: 5, accepted: 4, duplicates: 1 },
  { name: 'the same instant with another offset', body: (t) => ndjson([caseEvents(t)[1], { ...caseEvents(t)[1], occurredAt: '2025-08-24T06:50:00Z' }]), headers: NDJSON, status: 200, sent: 2, accepted: 1, duplicates: 1 },
  { name: 'the same eventId with other content', body: (t) => ndjson([caseEvents(t)[1], { ...caseEvents(t)[1], actorId: 'someone-else' }]), headers: NDJSON, status: 200, sent: 2, accepted: 1, conflicts: 1 },
  // Encodings.
  { name: 'a gzip NDJSON body', body: (t) => gzipSync(ndjson(caseEvents(t))), headers: { ...NDJSON, 'content-encoding': 'gzip' }, status: 200, sent: 4, accepted: 4 },
  { name: 'a deflate JSON body', body: (t) => deflateSync(JSON.stringify(caseEvents(t))), headers: { ...JSON_, 'content-encoding': 'deflate' }, status: 200, sent: 4, accepted: 4 },
  { name: 'a gzip body with one bad line', body: (t) => gzipSync(withGood(t, 'nope')), headers: { ...NDJSON, 'content-encoding': 'gzip' }, status: 200, sent: 3, rejected: { 1: /not JSON/ } },
  { name: 'a zip bomb (20 MB of spaces in 20 KB)', body: () => gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)), headers: { ...NDJSON, 'content-encoding': 'gzip' }, status: 413, code: 'payload_too_large' },
  { name: 'a body that is not gzip', body: 'plainly not gzip', headers: { ...NDJSON, 'content-encoding': 'gzip' }, status: 400, code: 'unreadable_body' },
  { name: 'an unknown Content-Encoding', body: (t) => ndjson(caseEvents(t)), headers: { ...NDJSON, 'content-encoding': 'br' }, status: 415 },
  // Media types.
  { name: 'text/plain', body: (t) => ndjson(caseEvents(t)), headers: { 'content-type': 'text/plain' }, status: 415, code: 'unsupported_media_type' },
  { name: 'no Content-Type at all', body: (t) => Buffer.from(ndjson(caseEvents(t))), headers: {}, status: 415 },
  { name: 'application/xml', body: '<event/>', headers: { 'content-type': 'application/xml' }, status: 415 },
  { name: 'a form', body: 'eventId=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
  { name: 'JSON in Latin-1', body: (t) => JSON.stringify(caseEvents(t)), headers: { 'content-type': 'application/json; charset=iso-8859-1' }, status: 415 },
  { name: 'JSON with charset=utf-8', body: (t) => JSON.stringify(caseEvents(t)), headers: { 'content-type': 'application/json; charset=utf-8' }, status: 200, sent: 4, accepted: 4 },
  // Bodies that cannot be read as a whole.
  { name: 'a lone object that is not JSON', body: '{"not json', headers: JSON_, status: 400, code: 'unreadable_body' },
  { name: 'an unterminated array', body: (t) => `[${line(caseEvents(t)[0])}`, headers: JSON_, status: 400, code: 'unreadable_body' },
  { name: 'an unterminated string in an array', body: '[{"eventId":"x}]', headers: JSON_, status: 400 },
  { name: 'data after the array', body: (t) => `[${line(caseEvents(t)[0])}] trailing`, headers: JSON_, status: 400 },
  { name: 'an empty JSON body', body: '', headers: JSON_, status: 400 },
  { name: 'only blank lines', body: '\n \n\t\n', headers: NDJSON, status: 400 },
  { name: 'an empty array', body: '[]', headers: JSON_, status: 400 },
  { name: '10,001 events', body: (t) => Array.from({ length: 10_001 }, (_, i) => line(ev(`${t}-${i}`))).join('\n'), headers: NDJSON, status: 413, code: 'too_many_events' },
  { name: '10,001 elements in an array', body: `[${Array.from({ length: 10_001 }, () => '1').join(',')}]`, headers: JSON_, status: 413 },
];

describe('hostile input to POST /api/v1/events', () => {
  it('has at least 40 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const tag = `HOST-${i}`;
    const body = typeof c.body === 'function' ? c.body(tag) : c.body;
    const r = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { authorization: 'Bearer dev-token', ...c.headers }, body });
    const text = await r.text();
    expect(r.status, text.slice(0, 300)).toBe(c.status);
    const answer = JSON.parse(text) as Answer & { error?: { code: string } };
    if (c.status >= 400) {
      expect(answer.error?.code).toBeTypeOf('string');
      if (c.code) expect(answer.error?.code).toBe(c.code);
      return;
    }
    expect(answer.accepted + answer.duplicates + answer.conflicts + answer.rejected.length).toBe(c.sent);
    const expectedRejected = c.rejected ?? {};
    expect(answer.rejected.map((x) => x.index)).toEqual(Object.keys(expectedRejected).map(Number));
    for (const rej of answer.rejected) expect(rej.errors.join('; ')).toMatch(expectedRejected[rej.index]!);
    if (c.accepted !== undefined) expect(answer.accepted).toBe(c.accepted);
    else expect(answer.accepted).toBe(c.sent! - answer.rejected.length - answer.duplicates - answer.conflicts);
    expect(answer.duplicates).toBe(c.duplicates ?? 0);
    expect(answer.conflicts).toBe(c.conflicts ?? 0);
  });
});

/** GET parameters that cannot name anything: a 4xx with our error shape, never a 500. */
const PARAMS: Array<[string, number]> = [
  ['/api/v1/metrics/wudu?period=0001', 400],
  ['/api/v1/metrics/wudu?period=1999-12', 400],
  ['/api/v1/metrics/wudu?period=2025-13', 400],
  ['/api/v1/metrics/wudu?period=%00', 400],
  ['/api/v1/metrics/ranking?period=2025-W99', 400],
  ['/api/v1/metrics/ranking?period=9999', 400],
  ['/api/v1/reports/monthly?period=0001-01', 400],
  ['/api/v1/reports/monthly?cutoff=%2B275760-09-13T00:00:00.000Z', 400],
  ['/api/v1/reports/monthly?cutoff=2025-02-30T10:00:00%2B08:00', 400],
  ['/api/v1/reports/quarterly?period=2025-Q5', 400],
  ['/api/v1/bottlenecks?from=%2B275760-09-13&to=2025-01-01', 400],
  ['/api/v1/bottlenecks?from=0001-01-01&to=0001-12-31', 400],
  ['/api/v1/bottlenecks?from=2025-02-30&to=2025-03-01', 400],
  ['/api/v1/cases?limit=-1', 400],
  ['/api/v1/cases?minDaysOverdue=abc', 400],
];

describe('hostile GET parameters', () => {
  it.each(PARAMS)('%s', async (url, status) => {
    const r = await fetch(`${server.url}${url}`, { headers: { authorization: 'Bearer dev-admin' } });
    const body = (await r.json()) as { error?: { code: string } };
    expect(r.status, JSON.stringify(body)).toBe(status);
    expect(body.error?.code).toBeTypeOf('string');
  });
});

type Kept = { rejected: Array<{ index: number; eventId: string; raw: string; rawBase64: string; errors: string[] }> };
const kept = (match: (k: Kept['rejected'][number]) => boolean) =>
  server.eventually(async () => (await server.get<Kept>('/api/v1/rejected-events?limit=1000', 'dev-admin')).body.rejected.find(match), 15_000);

describe('what is kept of hostile input', () => {
  it('keeps a rejected line exactly as received, invalid UTF-8 as bytes', async () => {
    const bad = Buffer.concat([Buffer.from('{"eventId":"KEEP-1.u","note":"'), Buffer.from([0xc3, 0x28, 0xff, 0x00]), Buffer.from('"}')]);
    const r = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { authorization: 'Bearer dev-token', ...NDJSON }, body: withGood('KEEP-1', bad) });
    expect(((await r.json()) as Answer).rejected).toEqual([{ index: 1, eventId: 'KEEP-1.u', errors: ['not valid UTF-8'] }]);
    const k = await kept((x) => x.eventId === 'KEEP-1.u');
    expect(Buffer.from(k.rawBase64, 'base64').equals(bad)).toBe(true);
  });

  it('keeps a 100,000-deep line whole and stores the rest of its batch', async () => {
    const r = await server.post(withGood('KEEP-2', deep(100_000)).toString());
    expect(((await r.json()) as Answer).accepted).toBe(2);
    const k = await kept((x) => x.raw.length === 200_000);
    expect(k.raw).toBe(deep(100_000));
    const c = await server.eventually(async () => {
      const got = await server.get<{ timeline: unknown[] }>('/api/v1/cases/KEEP-2');
      return got.status === 200 && got.body.timeline.length === 2 ? got.body : undefined;
    });
    expect(c.timeline).toHaveLength(2);
  });

  it('counts a changed copy of a stored event as a conflict, keeps that copy and leaves the first version', async () => {
    const [submitted, accepted] = caseEvents('CONF-1');
    expect(((await (await server.post([submitted, accepted])).json()) as Answer).accepted).toBe(2);
    await server.eventually(async () => ((await server.get<{ pendingRows: number }>('/healthz')).body.pendingRows === 0 ? true : undefined));
    const changed = { ...accepted, actorId: 'not-the-same' };
    const again = (await (await server.post([submitted, changed])).json()) as Answer;
    expect(again).toEqual({ accepted: 0, duplicates: 1, conflicts: 1, rejected: [] });
    const k = await kept((x) => x.eventId === 'CONF-1.2');
    expect(k.errors[0]).toMatch(/^conflict/);
    expect(JSON.parse(k.raw)).toEqual(changed);
    const c = await server.get<{ timeline: Array<{ eventId: string; actorId?: string }> }>('/api/v1/cases/CONF-1');
    expect(c.body.timeline.find((t) => t.eventId === 'CONF-1.2')?.actorId).toBe(accepted!.actorId);
    // While the first version is still waiting for ClickHouse, a changed copy is a conflict too.
    const [, second] = caseEvents('CONF-2');
    const both = await Promise.all([server.post([second]), server.post([{ ...second, note: 'changed' }])]);
    const answers = (await Promise.all(both.map((b) => b.json()))) as Answer[];
    expect(answers.map((a) => a.accepted + a.conflicts)).toEqual([1, 1]);
  });
});
