import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '@tongban/fixtures/server-process';

/*
 * Personal data through the real server (real chDB, real HTTP, real Socket.IO) with PII_KEY set: every
 * answer and live message masked, the stored rows encrypted, and a rotated key still opening old rows.
 */

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEY_A = `a2025:${randomBytes(32).toString('base64')}`;
const KEY_B = `b2026:${randomBytes(32).toString('base64')}`;

const NAME = '欧阳娜娜';
const ID = '500118199003154327';
const PHONE = '13912345678';
const SECOND = { type: 'person' as const, name: '买买提·艾力', idNumber: '650102198507086411', phone: '023-6385-1234' };
/** What must never appear in an output, nor in a stored row: the data as written and as bare digits. */
const RAW = [NAME, ID, PHONE, '139.1234.5678', '500118.19900315.4327', SECOND.name, '买买提艾力', SECOND.idNumber, '63851234', '6385-1234'];

function caseOf(caseId: string, applicant: object, note: string) {
  const base = { caseId, districtCode: '500118', level: 'district' };
  return [
    { ...base, eventId: `${caseId}.1`, type: 'submitted', occurredAt: '2025-08-24T14:37:00+08:00', itemCode: 'SC-GTGSH-BG', channel: 'window', applicant },
    { ...base, eventId: `${caseId}.2`, type: 'accepted', occurredAt: '2025-08-24T14:50:00+08:00', departmentCode: 'SCJGJ', actorId: 'yc-scj-017', note },
  ];
}

/** Runs test/chdb-dump.ts on the stopped server's data dir. */
function readDataDir(server: ServerProcess, args: string[], piiKey?: string): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/chdb-dump.ts', ...args], {
    cwd: serverDir,
    env: { ...process.env, DATA_DIR: server.dataDir, LOG_LEVEL: 'silent', ...(piiKey ? { PII_KEY: piiKey } : {}) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`chdb-dump failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const expectNoPersonalData = (what: string, text: string) => {
  for (const raw of RAW) expect(text, `${what} holds ${raw}`).not.toContain(raw);
};

let server: ServerProcess;
let socket: Socket | undefined;
beforeAll(async () => {
  server = await ServerProcess.start({ PII_KEY: KEY_A });
});
afterAll(async () => {
  socket?.disconnect();
  await server?.dispose();
});

describe('personal data with PII_KEY set', () => {
  const outputs: string[] = [];

  it('masks the applicant, and its name, ID and phone written any way in a note, in the API and on the live feed', async () => {
    socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token: 'dev-admin' } });
    const live: unknown[] = [];
    socket.on('case:event', (e: unknown) => live.push(e));
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', resolve);
      socket!.once('connect_error', reject);
    });

    const note = `请${NAME}补交材料，联系电话139.1234.5678，身份证500118.19900315.4327`;
    // A rejected event is kept as received: its raw text, holding the applicant too, is stored encrypted.
    const bad = { eventId: 'PII-1.bad', caseId: 'PII-1', type: 'accepted', occurredAt: 'yesterday', note: `${NAME} ${ID}` };
    const r = await server.post([...caseOf('PII-1', { type: 'person', name: NAME, idNumber: ID, phone: PHONE }, note), bad]);
    expect((await r.json()) as object).toMatchObject({ accepted: 2, rejected: [{ index: 2 }] });

    const detail = await server.eventually(async () => {
      const d = await server.get<{ applicant: Record<string, string> | null; timeline: unknown[] }>('/api/v1/cases/PII-1');
      return d.status === 200 && d.body.timeline.length === 2 ? d.body : undefined;
    });
    // 欧***, not enc*…: the stored ciphertext was decrypted before it was masked.
    expect(detail.applicant).toEqual({ type: 'person', name: '欧***', idNumber: '500***********4327', phone: '139****5678' });
    outputs.push(JSON.stringify(detail));

    await server.eventually(async () => (live.length >= 2 ? true : undefined));
    const accepted = live.find((e) => (e as { eventId: string }).eventId === 'PII-1.2') as { note: string };
    expect(accepted.note).toBe('请欧***补交材料，联系电话139.****.5678，身份证500***.********.4327');
    outputs.push(JSON.stringify(live));
  });

  it('masks a 督办 reason holding the name, ID number and phone, in its answer and in the case', async () => {
    const res = await fetch(`${server.url}/api/v1/cases/PII-1/supervision`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-admin', 'content-type': 'application/json' },
      body: JSON.stringify({ reason: `${NAME}（${ID}，${PHONE}）投诉超期未办`, dueOn: '2099-01-01' }),
    });
    expect(res.status).toBe(201);
    const order = (await res.json()) as { reason: string };
    expect(order.reason).toBe('欧***（500***********4327，139****5678）投诉超期未办');
    const detail = await server.get<{ supervision: Array<{ reason: string }> }>('/api/v1/cases/PII-1');
    expect(detail.body.supervision.map((o) => o.reason)).toEqual([order.reason]);
    outputs.push(JSON.stringify(order), JSON.stringify(detail.body));
    expectNoPersonalData('API answers and live messages', outputs.join('\n'));
  });

  it('stores the applicant and the note encrypted: no stored row, and no log line, holds them', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    const dump = readDataDir(server, ['dump']);
    const events = dump.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>).filter((r) => r._table === 'events');
    const submitted = events.find((r) => r.event_id === 'PII-1.1')!;
    for (const column of ['applicant_name', 'applicant_id_number', 'applicant_phone']) expect(submitted[column]).toMatch(/^enc:v1:a2025:[A-Za-z0-9+/=]+$/);
    expect(events.find((r) => r.event_id === 'PII-1.2')!.note).toMatch(/^enc:v1:a2025:/);
    expect(dump).toContain('PII-1');
    expect(dump).toContain('"event_id":"PII-1.bad"');
    expectNoPersonalData('stored rows', dump);
    expectNoPersonalData('server log', server.output);
  });

  it('after rotating to a new key, encrypts with it and still reads the rows of the old one', async () => {
    const rotated = `${KEY_B},${KEY_A}`;
    await server.restart({ PII_KEY: rotated });
    const r = await server.post(caseOf('PII-2', SECOND, `申请人${SECOND.name}来电，固话023-6385-1234`));
    expect((await r.json()) as object).toMatchObject({ accepted: 2 });
    const read = (caseId: string) =>
      server.eventually(async () => {
        const d = await server.get<{ applicant: Record<string, string> | null; timeline: unknown[] }>(`/api/v1/cases/${caseId}`);
        return d.status === 200 && d.body.timeline.length === 2 ? d.body : undefined;
      });
    expect((await read('PII-1')).applicant).toEqual({ type: 'person', name: '欧***', idNumber: '500***********4327', phone: '139****5678' });
    const second = await read('PII-2');
    expect(second.applicant).toEqual({ type: 'person', name: '买**·**', idNumber: '650***********6411', phone: '***-****-1234' });
    expectNoPersonalData('API answers after rotation', JSON.stringify(second));

    expect(await server.stop('SIGTERM')).toBe(0);
    const dump = readDataDir(server, ['dump']);
    const rows = dump.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>).filter((x) => x._table === 'events');
    expect(rows.find((x) => x.event_id === 'PII-1.1')!.applicant_name).toMatch(/^enc:v1:a2025:/);
    expect(rows.find((x) => x.event_id === 'PII-2.1')!.applicant_name).toMatch(/^enc:v1:b2026:/);
    expectNoPersonalData('stored rows after rotation', dump);

    // The unmasked read the admin endpoint will serve: both keys open their rows; without the old key it refuses.
    expect(JSON.parse(readDataDir(server, ['applicant', 'PII-1'], rotated))).toEqual({ type: 'person', name: NAME, idNumber: ID, phone: PHONE });
    expect(JSON.parse(readDataDir(server, ['applicant', 'PII-2'], rotated))).toEqual(SECOND);
    expect(() => readDataDir(server, ['applicant', 'PII-1'], KEY_B)).toThrow(/no PII_KEY with key id "a2025"/);
  });
});
