import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { boundRecoveryBuffer } from './live-hub.ts';

let io: Server | undefined;
afterEach(async () => {
  await io?.close();
});

const packets = (s: Server) => (s.of('/').adapter as unknown as { packets: unknown[] }).packets;

describe('the live hub recovery buffer', () => {
  it('keeps only the newest packets once the bound is passed', () => {
    io = new Server(createServer(), { connectionStateRecovery: { maxDisconnectionDuration: 120_000 } });
    boundRecoveryBuffer(io, 1_000);
    for (let i = 0; i < 5_000; i++) io.emit('case:event', { i });
    expect(packets(io).length).toBeLessThanOrEqual(1_250);
    expect(packets(io).length).toBeGreaterThanOrEqual(1_000);
    expect((packets(io).at(-1) as { data: unknown[] }).data[1]).toEqual({ i: 4_999 });
  });

  it('is what Socket.IO keeps without the bound (the test would catch an adapter that changed)', () => {
    io = new Server(createServer(), { connectionStateRecovery: { maxDisconnectionDuration: 120_000 } });
    for (let i = 0; i < 2_000; i++) io.emit('case:event', { i });
    expect(packets(io)).toHaveLength(2_000);
  });
});
