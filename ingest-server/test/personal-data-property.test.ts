import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { idCheckCharacter } from '@tongban/fixtures';
import { ServerProcess } from '@tongban/fixtures/server-process';

/**
 * A property over the real server's outputs (SPEC.md: personal data masked in every answer, live event,
 * export and report): fast-check makes applicants with names, ID numbers and phones written with many
 * separators inside notes; none of them may come out of the API, the live feed, the case-list CSV and
 * XLSX, or the monthly report's CSV and PDF text. Seeded, so a failure repeats.
 */
const SURNAMES = ['李', '王', '张', '刘', '陈', '欧阳', '司马', '诸葛'];
const GIVEN = '晓梅建国秀英志强海燕子涵思远嘉怡浩然'.split('');
const SEPARATORS = [' ', '.', '-', '·', '．', '—', '/', ''];
const group = (digits: string, sizes: number[], sep: string) => {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) out.push(digits.slice(i, (i += n)));
  return out.filter(Boolean).join(sep);
};

const person = fc.record({
  surname: fc.constantFrom(...SURNAMES),
  given: fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 2 }).map((a) => a.join('')),
  region: fc.constantFrom('500118', '500101', '500103', '110105'),
  birth: fc.date({ min: new Date('1950-01-01'), max: new Date('2005-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10).replaceAll('-', '')),
  seq: fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0')),
  phone: fc.tuple(fc.constantFrom('138', '139', '186', '157'), fc.integer({ min: 0, max: 99_999_999 })).map(([p, n]) => p + String(n).padStart(8, '0')),
  sep: fc.constantFrom(...SEPARATORS),
});
const SAMPLES = fc.sample(person, { numRuns: 12, seed: 20261201 }).map((p, i) => {
  const first17 = `${p.region}${p.birth}${p.seq}`;
  const idNumber = first17 + idCheckCharacter(first17);
  const name = p.surname + p.given;
  const idWritten = group(idNumber, [6, 8, 4], p.sep);
  const phoneWritten = group(p.phone, [3, 4, 4], p.sep);
  return { caseId: `PIIP-${i}`, name, idNumber, phone: p.phone, idWritten, phoneWritten, note: `申请人${name}（身份证 ${idWritten}，电话 ${phoneWritten}）来电催办` };
});
/** Every form a datum could leak in: as given, as written in the note, and a name of two characters or more. */
const secrets = SAMPLES.flatMap((s) => [s.name, s.idNumber, s.phone, s.idWritten, s.phoneWritten].filter((x) => x.length >= 2));

let server: ServerProcess;
let socket: Socket;
const live: unknown[] = [];
beforeAll(async () => {
  server = await ServerProcess.start({ FLUSH_MAX_AGE_MS: '200', REPORTS_SCHEDULE: 'off' });
  socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token: 'dev-admin' } });
  socket.on('case:event', (e: unknown) => live.push(e));
  await new Promise((r) => socket.once('snapshot', r));
  // Accepted on 2025-08-01 with a 5-day promise, never completed: overdue, so they are in every list and the report.
  const events = SAMPLES.flatMap((s) => [
    { eventId: `${s.caseId}.1`, caseId: s.caseId, type: 'submitted', occurredAt: '2025-08-01T09:00:00+08:00', itemCode: 'SCJG-XK-D-93WJX', districtCode: '500118', level: 'district', channel: 'window', applicant: { type: 'person', name: s.name, idNumber: s.idNumber, phone: s.phone }, note: s.note },
    { eventId: `${s.caseId}.2`, caseId: s.caseId, type: 'accepted', occurredAt: '2025-08-01T09:30:00+08:00', districtCode: '500118', level: 'district', departmentCode: 'SCJG', actorId: 'yc-01', note: s.note },
  ]);
  expect((await server.post(events)).status).toBe(200);
  await server.eventually(async () => ((await server.get<{ total?: number; cases: unknown[] }>('/api/v1/cases?warning=any&limit=100')).body.cases.length >= SAMPLES.length ? true : undefined), 30_000);
});
afterAll(async () => {
  socket?.disconnect();
  await server?.dispose();
});

const leaks = (text: string) => secrets.filter((s) => text.includes(s));

describe('personal data in every output of the real server', () => {
  it('never leaves through the case detail or the live feed', async () => {
    for (const s of SAMPLES) expect(leaks(JSON.stringify((await server.get(`/api/v1/cases/${s.caseId}`)).body))).toEqual([]);
    expect(live.length).toBeGreaterThanOrEqual(SAMPLES.length);
    expect(leaks(JSON.stringify(live))).toEqual([]);
    // The detector itself: the one unmasked answer (admin, audited) holds the data, and is caught.
    const unmasked = await server.get(`/api/v1/cases/${SAMPLES[0]!.caseId}/applicant`);
    expect(leaks(JSON.stringify(unmasked.body))).toEqual(expect.arrayContaining([SAMPLES[0]!.name, SAMPLES[0]!.idNumber, SAMPLES[0]!.phone]));
  });

  it('never leaves through the case-list export (CSV and XLSX)', async () => {
    const csv = await fetch(`${server.url}/api/v1/cases/export?warning=any&format=csv`, { headers: { authorization: 'Bearer dev-admin' } });
    expect(csv.status).toBe(200);
    expect(leaks(await csv.text())).toEqual([]);
    const xlsx = await fetch(`${server.url}/api/v1/cases/export?warning=any&format=xlsx`, { headers: { authorization: 'Bearer dev-admin' } });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const cells: string[] = [];
    book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((c) => void cells.push(String(c.value ?? '')))));
    expect(cells.length).toBeGreaterThan(SAMPLES.length);
    expect(leaks(cells.join('\n'))).toEqual([]);
  });

  it('never leaves through the monthly report (CSV and PDF text)', async () => {
    const q = `period=2025-08&fresh=1&cutoff=${encodeURIComponent(new Date().toISOString())}`;
    const json = await server.get<{ id: string; overdue: { total: number } }>(`/api/v1/reports/monthly?${q}`);
    expect(json.status).toBe(200);
    expect(json.body.overdue.total).toBeGreaterThanOrEqual(SAMPLES.length);
    const get = (format: string) => fetch(`${server.url}/api/v1/reports/monthly?id=${json.body.id}&format=${format}`, { headers: { authorization: 'Bearer dev-admin' } });
    expect(leaks(await (await get('csv')).text())).toEqual([]);
    const dir = mkdtempSync(path.join(tmpdir(), 'tongban-pdf-'));
    try {
      const file = path.join(dir, 'report.pdf');
      writeFileSync(file, Buffer.from(await (await get('pdf')).arrayBuffer()));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text.length).toBeGreaterThan(500);
      expect(leaks(text)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
