import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import { isKnownDistrict } from '@tongban/shared';
import { toLiveEvent, type LiveEvent } from './live-event.ts';

const ALL = 'all';
const STATS_INTERVAL_MS = 500;
/**
 * Connection-state recovery keeps every broadcast packet for maxDisconnectionDuration: at 2,000 events/s
 * that is 240,000 masked events held for two minutes (the soak benchmark's RSS went from 0.7 to 1.5 GiB
 * in two minutes, the heap profile all in these packets). Keep the newest RECOVERY_MAX_PACKETS: a wall
 * that was away longer than they cover reconnects without recovery and gets a fresh snapshot instead.
 */
export const RECOVERY_MAX_PACKETS = 20_000;

/** Caps the recovery buffer of Socket.IO's session-aware in-memory adapter (evicting in chunks, oldest first). */
export function boundRecoveryBuffer(io: Server, max: number): void {
  const adapter = io.of('/').adapter as unknown as { packets?: unknown[]; broadcast: (packet: unknown, opts: unknown) => void };
  const broadcast = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    broadcast(packet, opts);
    const packets = adapter.packets;
    if (packets && packets.length > max + max / 4) packets.splice(0, packets.length - max);
  };
}

export interface LiveHub {
  broadcast(events: LiveEvent[]): void;
  /** Marks the stats as changed; they go out at most twice a second. */
  statsChanged(): void;
  clients(): number;
  /** Any other live message (e.g. `case:warning`): to the city-wide feed and the district's room. */
  emit(event: string, payload: unknown, districtCode?: string): void;
  close(): Promise<void>;
}

interface Deps {
  logger: Logger;
  snapshot: () => Promise<unknown> | unknown;
  stats: () => unknown;
}

/**
 * Socket.IO on the HTTP server's port. A client gets `snapshot` on connect, then `case:event` for every
 * accepted event (masked) and `stats` at most twice a second. A client that names a district, in
 * `handshake.auth.district` or by emitting `join` with `district:<code>`, gets that district's events only.
 */
export function attachLiveHub(server: HttpServer, deps: Deps): LiveHub {
  const io = new Server(server, {
    perMessageDeflate: false,
    serveClient: false,
    cors: { origin: true },
    // The wall reconnects after short network drops without missing events.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: true },
  });
  boundRecoveryBuffer(io, RECOVERY_MAX_PACKETS);
  const log = deps.logger.child({ component: 'live' });
  let statsDirty = false;
  const timer = setInterval(() => {
    if (!statsDirty) return;
    statsDirty = false;
    io.emit('stats', deps.stats());
  }, STATS_INTERVAL_MS);
  timer.unref();

  io.on('connection', (socket: Socket) => {
    socket.on('error', (err) => log.warn({ err: err.message, id: socket.id }, 'socket error'));
    if (socket.recovered) return;
    const district = (socket.handshake.auth as { district?: unknown } | undefined)?.district;
    if (typeof district === 'string' && isKnownDistrict(district)) void socket.join(`district:${district}`);
    else void socket.join(ALL);
    socket.on('join', (room: unknown, ack?: (r: { ok: boolean; error?: string }) => void) => {
      const code = typeof room === 'string' ? /^district:(.+)$/.exec(room)?.[1] : undefined;
      if (!code || !isKnownDistrict(code)) return ack?.({ ok: false, error: 'room must be district:<code> of a known district' });
      void socket.leave(ALL);
      void socket.join(`district:${code}`);
      ack?.({ ok: true });
    });
    socket.on('leave', (room: unknown, ack?: (r: { ok: boolean }) => void) => {
      if (typeof room === 'string' && room.startsWith('district:')) void socket.leave(room);
      if (![...socket.rooms].some((r) => r.startsWith('district:'))) void socket.join(ALL);
      ack?.({ ok: true });
    });
    void Promise.resolve(deps.snapshot()).then(
      (snap) => socket.emit('snapshot', snap),
      (err: unknown) => log.error({ err }, 'snapshot failed'),
    );
  });

  return {
    broadcast(events) {
      for (const e of events) io.to(ALL).to(`district:${e.districtCode}`).emit('case:event', e);
    },
    statsChanged() {
      statsDirty = true;
    },
    clients: () => io.engine.clientsCount,
    emit(event, payload, districtCode) {
      if (districtCode) io.to(ALL).to(`district:${districtCode}`).emit(event, payload);
      else io.emit(event, payload);
    },
    async close() {
      clearInterval(timer);
      // Close the transports, not the sockets: a client whose socket the server disconnects does not
      // reconnect by itself, while one whose transport closes does (the wall must come back after a restart).
      // io.close() would also close the HTTP server, which Fastify closes itself.
      io.engine.close();
    },
  };
}

export { toLiveEvent };
