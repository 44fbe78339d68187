import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import { DISTRICTS, isKnownDistrict, type LiveEvent, type Snapshot, type Stats } from '@tongban/shared';
import type { Identify } from '../auth/access.ts';
import { allows, scopeOf } from '../auth/principal.ts';
import { ROUTE_ACCESS } from '../auth/route-access.ts';
import { ofDistrict } from './district-scope.ts';
import { toLiveEvent } from './live-event.ts';

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
  identify: Identify;
  /** Web origins besides the server's own allowed to connect. */
  allowedOrigins: string[];
  snapshot: () => Promise<Snapshot>;
  stats: () => Stats;
  /**
   * Several nodes: Socket.IO on the Redis Streams adapter (every broadcast reaches every node's clients,
   * connection-state recovery kept in the stream), and `stats` sent by one node only (the engine's holder)
   * every tick, for every district, so a wall sees one set of figures whichever node it is on.
   */
  cluster?: { redis: Redis; sendsStats: () => boolean };
}

/** Who may receive the live feed: what the wall shows. */
const LIVE_AUDIENCE = ROUTE_ACCESS['GET /api/v1/overview']!;

/** Same origin as the server it connects to, or a configured one (browsers send Origin on WebSocket upgrades). */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true; // not a browser: scripts and tests still need an identity
  try {
    return new URL(origin).host === host || allowed.includes(origin);
  } catch {
    return false;
  }
}

/**
 * Socket.IO on the HTTP server's port. A client needs an identity (session cookie, or a display or admin
 * token in `handshake.auth.token`), checked in the handshake. It gets `snapshot` on connect, then
 * `case:event` for every accepted event (masked) and `stats` at most twice a second. A person or display
 * confined to a district is put in that district's room and cannot join another; others may name a
 * district in `handshake.auth.district` or by emitting `join` with `district:<code>`. A district room's
 * snapshot and stats hold that district's figures only.
 */
export function attachLiveHub(server: HttpServer, deps: Deps): LiveHub {
  const io = new Server(server, {
    perMessageDeflate: false,
    serveClient: false,
    allowRequest: (req, done) => done(null, originAllowed(req.headers.origin, req.headers.host, deps.allowedOrigins)),
    // The wall reconnects after short network drops without missing events.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    ...(deps.cluster ? { adapter: createAdapter(deps.cluster.redis, { streamName: 'tongban:socket.io', sessionKeyPrefix: 'tongban:sio:session:', maxLen: RECOVERY_MAX_PACKETS }) } : {}),
  });
  // The stream's maxLen bounds the recovery buffer on several nodes.
  if (!deps.cluster) boundRecoveryBuffer(io, RECOVERY_MAX_PACKETS);
  const log = deps.logger.child({ component: 'live' });
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const who = deps.identify(socket.handshake.headers, typeof token === 'string' ? token : undefined);
    if (!who.principal) return next(new Error('unauthorized: sign in, or open the wall with a display token'));
    if (!('audience' in LIVE_AUDIENCE) || !allows(LIVE_AUDIENCE.audience, who.principal)) return next(new Error('forbidden: this identity may not receive the live feed'));
    socket.data.scope = scopeOf(who.principal);
    next();
  });
  let statsDirty = false;
  // The local adapter knows only this node's rooms: on several nodes every district is sent.
  const districtRooms = () => (deps.cluster ? DISTRICTS.map((d) => `district:${d.code}`) : [...io.of('/').adapter.rooms.keys()].filter((r) => r.startsWith('district:')));
  const timer = setInterval(() => {
    if (deps.cluster ? !deps.cluster.sendsStats() : !statsDirty) return;
    statsDirty = false;
    const stats = deps.stats();
    io.to(ALL).emit('stats', stats);
    for (const room of districtRooms()) io.to(room).emit('stats', ofDistrict(stats, room.slice('district:'.length)));
  }, STATS_INTERVAL_MS);
  timer.unref();

  io.on('connection', (socket: Socket) => {
    socket.on('error', (err) => log.warn({ err: err.message, id: socket.id }, 'socket error'));
    if (socket.recovered) return;
    const scope = socket.data.scope as string | null;
    const asked = (socket.handshake.auth as { district?: unknown } | undefined)?.district;
    const district = scope ?? (typeof asked === 'string' && isKnownDistrict(asked) ? asked : null);
    void socket.join(district ? `district:${district}` : ALL);
    socket.on('join', (room: unknown, ack?: (r: { ok: boolean; error?: string }) => void) => {
      const code = typeof room === 'string' ? /^district:(.+)$/.exec(room)?.[1] : undefined;
      if (!code || !isKnownDistrict(code)) return ack?.({ ok: false, error: 'room must be district:<code> of a known district' });
      if (scope && code !== scope) return ack?.({ ok: false, error: `this identity sees district ${scope} only` });
      void socket.leave(ALL);
      void socket.join(`district:${code}`);
      ack?.({ ok: true });
    });
    socket.on('leave', (room: unknown, ack?: (r: { ok: boolean; error?: string }) => void) => {
      if (scope) return ack?.({ ok: false, error: `this identity sees district ${scope} only` });
      if (typeof room === 'string' && room.startsWith('district:')) void socket.leave(room);
      if (![...socket.rooms].some((r) => r.startsWith('district:'))) void socket.join(ALL);
      ack?.({ ok: true });
    });
    void deps.snapshot().then(
      (snap) => socket.emit('snapshot', district ? { ...ofDistrict(snap, district), recent: snap.recent.filter((e) => e.districtCode === district) } : snap),
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
      else io.to(ALL).emit(event, payload); // city-wide messages are not for a district-confined client
    },
    async close() {
      clearInterval(timer);
      // Close the transports, not the sockets: a client whose socket the server disconnects does not
      // reconnect by itself, while one whose transport closes does (the wall must come back after a restart).
      // io.close() would also close the HTTP server, which Fastify closes itself.
      io.engine.close();
      // Several nodes: stop reading the Redis stream.
      if (deps.cluster) await io.of('/').adapter.close();
    },
  };
}

export { toLiveEvent };
