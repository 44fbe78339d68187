import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { APPLICANT, caseEvents } from './events.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

type LiveEvent = { eventId: string; districtCode: string; applicant?: { name?: string; idNumber?: string; phone?: string } };

let server: ServerProcess;
const sockets: Socket[] = [];
beforeAll(async () => {
  server = await ServerProcess.start();
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server?.dispose();
});

async function connect(auth: Record<string, string> = {}): Promise<{ socket: Socket; events: LiveEvent[]; snapshot: Promise<unknown> }> {
  const socket = io(server.url, { auth: { token: 'dev-admin', ...auth }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const events: LiveEvent[] = [];
  socket.on('case:event', (e: LiveEvent) => events.push(e));
  const snapshot = new Promise((resolve) => socket.once('snapshot', resolve));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, events, snapshot };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('live push over Socket.IO', () => {
  it('sends a snapshot on connect with today’s counters', async () => {
    const c = await connect();
    const snap = (await c.snapshot) as { today: { day: string; totals: object }; recent: unknown[] };
    expect(snap.today.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Array.isArray(snap.recent)).toBe(true);
  });

  it('delivers a posted event, masked, to its district room and the city-wide feed only', async () => {
    const yongchuan = await connect({ district: '500118' });
    const yuzhong = await connect({ district: '500103' });
    const city = await connect();
    const byJoin = await connect();
    const joined = await byJoin.socket.emitWithAck('join', 'district:500118');
    expect(joined).toEqual({ ok: true });

    // A minute ago, whatever the hour: a fixed time of day would lie in the future for part of every day.
    const submitted = { ...caseEvents('LIVE-1', '500118')[0]!, occurredAt: new Date(Date.now() - 60_000).toISOString() };
    expect((await server.post(submitted)).status).toBe(200);
    await server.eventually(async () => (yongchuan.events.length && city.events.length && byJoin.events.length ? true : undefined), 3000);
    await settle();

    for (const c of [yongchuan, city, byJoin]) expect(c.events.map((e) => e.eventId)).toEqual(['LIVE-1.1']);
    expect(yuzhong.events).toEqual([]);

    const seen = yongchuan.events[0]!;
    expect(seen.districtCode).toBe('500118');
    const text = JSON.stringify(seen);
    expect(text).not.toContain(APPLICANT.name);
    expect(text).not.toContain(APPLICANT.idNumber);
    expect(text).not.toContain(APPLICANT.phone);
    expect(seen.applicant?.phone).toMatch(/^139\*{4}5678$/);
  });

  it('refuses to join an unknown room', async () => {
    const c = await connect();
    expect(await c.socket.emitWithAck('join', 'district:999999')).toMatchObject({ ok: false });
  });

  it('never writes personal data to the server log', () => {
    expect(server.output).not.toContain(APPLICANT.idNumber);
    expect(server.output).not.toContain(APPLICANT.phone);
  });
});

describe('shutdown with live clients', () => {
  it('exits on SIGTERM while a wall is connected', async () => {
    const s = await ServerProcess.start();
    try {
      const socket = io(s.url, { transports: ['websocket'], reconnection: false, auth: { token: 'dev-admin' } });
      sockets.push(socket);
      await new Promise((r) => socket.once('snapshot', r));
      expect(await s.stop('SIGTERM')).toBe(0);
    } finally {
      await s.dispose();
    }
  });
});
