import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { shanghaiIso, type ClusterNode, type ClusterView } from '@tongban/shared';
import { singleNodeReservations, type InflightReservations } from '../events/inflight-reservations.ts';
import { RedisReservations } from './redis-reservations.ts';
import { EngineLease, singleNodeRole, type EngineRole } from './engine-lease.ts';
import { connectRedis, KEY_PREFIX } from './redis-connection.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const NODES_KEY = `${KEY_PREFIX}nodes`;
const WARNED = `${KEY_PREFIX}warned:`;
const HEARTBEAT_MS = 2_000;
/** A node not heard of this long is left out of the view; much longer, its entry is removed. */
const ALIVE_MS = 15_000;
const FORGET_MS = 10 * 60_000;
const WARNED_KEEP_MS = 120 * 86_400_000;


/** Messages between nodes on a topic; a node does not hear its own. */
export interface ClusterBus {
  publish(topic: string, payload: unknown): void;
  subscribe(topic: string, handler: (payload: unknown) => void): void;
  /** After a lost subscription came back (messages may have been missed meanwhile). */
  onResubscribed(listener: () => void): void;
}

/**
 * What the rest of the server knows of the other nodes. On a single node (no REDIS_URL) it is inert:
 * this node holds the engine, reserves nothing, publishes nothing, announces every warning.
 */
export interface Cluster {
  readonly nodeId: string;
  readonly clustered: boolean;
  readonly role: EngineRole;
  readonly reservations: InflightReservations;
  readonly bus: ClusterBus;
  /** A Redis connection of its own for Socket.IO's adapter (undefined on a single node). */
  adapterConnection(): Redis | undefined;
  /** Runs `work` while no other node runs work of this name (migrations at start-up); alone, it just runs it. */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Whether a case's warning (its deterministic id) was announced already, by this or an earlier holder of the engine. */
  announced(caseId: string, warningId: string): Promise<boolean>;
  /** Records a case's warning as announced (after it went out: a holder dying in between leaves a repeat, never a loss). */
  markAnnounced(caseId: string, warningId: string): Promise<void>;
  /**
   * Starts heartbeats and the lease. `backlog`: this node's events not yet in ClickHouse; `reloadBloom`: the
   * dedup filter anew from ClickHouse; `fenceFloor`: the highest fencing token in ClickHouse.
   */
  start(backlog: () => number, reloadBloom: () => Promise<void>, fenceFloor?: () => Promise<number>): Promise<void>;
  view(): Promise<ClusterView>;
  readonly redis: Redis | undefined;
  stop(): Promise<void>;
}

const quietBus: ClusterBus = { publish: () => {}, subscribe: () => {}, onResubscribed: () => {} };

export function singleNode(nodeId: string, address: string): Cluster {
  const startedAt = shanghaiIso(Date.now());
  let backlog = () => 0;
  return {
    nodeId,
    clustered: false,
    role: singleNodeRole,
    reservations: singleNodeReservations,
    bus: quietBus,
    redis: undefined,
    adapterConnection: () => undefined,
    exclusive: (_name, work) => work(),
    announced: async () => false,
    markAnnounced: async () => {},
    async start(b) {
      backlog = b;
    },
    async view() {
      const self: ClusterNode = { id: nodeId, address, backlog: backlog(), version: VERSION, startedAt, lastSeenAt: shanghaiIso(Date.now()), engine: true };
      return { self: nodeId, leaseHolder: nodeId, fence: null, redis: false, nodes: [self] };
    },
    async stop() {},
  };
}

/** Several nodes sharing REDIS_URL. */
export function redisCluster(o: { url: string; nodeId: string; address: string; leaseMs: number; logger: Logger }): Cluster {
  const log = o.logger.child({ component: 'cluster' });
  const redis = connectRedis(o.url, log, `tongban:${o.nodeId}`);
  const sub = connectRedis(o.url, log, `tongban:${o.nodeId}:sub`);
  let adapterRedis: Redis | undefined;
  let fenceFloor = async () => 0;
  const lease = new EngineLease(redis, o.nodeId, o.leaseMs, log, () => fenceFloor());
  const startedAt = shanghaiIso(Date.now());
  let reloadBloom: () => Promise<void> = async () => {};
  const reservations = new RedisReservations(redis, o.nodeId, () => reloadBloom(), (err) => log.warn({ err }, 'reloading the dedup filter failed'));
  const handlers = new Map<string, Array<(payload: unknown) => void>>();
  const resubscribed: Array<() => void> = [];
  let subscribedOnce = false;
  let lostSince: number | undefined;
  sub.on('close', () => (lostSince ??= Date.now()));
  sub.on('ready', () => {
    if (!handlers.size) return;
    void sub.subscribe(...[...handlers.keys()].map((t) => KEY_PREFIX + t)).then(() => {
      if (subscribedOnce && lostSince !== undefined) for (const l of resubscribed) l();
      subscribedOnce = true;
      lostSince = undefined;
    }, (err: unknown) => log.warn({ err }, 'subscribing failed'));
  });
  sub.on('message', (channel: string, message: string) => {
    const at = message.indexOf('|');
    if (message.slice(0, at) === o.nodeId) return;
    const list = handlers.get(channel.slice(KEY_PREFIX.length));
    if (!list) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message.slice(at + 1));
    } catch {
      return;
    }
    for (const h of list) {
      try {
        h(payload);
      } catch (err) {
        log.error({ err, channel }, 'cluster message handler failed');
      }
    }
  });
  const bus: ClusterBus = {
    publish(topic, payload) {
      redis.publish(KEY_PREFIX + topic, `${o.nodeId}|${JSON.stringify(payload)}`).catch((err: unknown) => log.warn({ err: (err as Error).message, topic }, 'publishing to the other nodes failed'));
    },
    subscribe(topic, handler) {
      const list = handlers.get(topic) ?? [];
      if (!list.length) {
        handlers.set(topic, list);
        if (sub.status === 'ready') void sub.subscribe(KEY_PREFIX + topic);
      }
      list.push(handler);
    },
    onResubscribed(l) {
      resubscribed.push(l);
    },
  };

  let heartbeat: NodeJS.Timeout | undefined;
  let backlog = () => 0;
  const beat = async () => {
    const me: ClusterNode = { id: o.nodeId, address: o.address, backlog: backlog(), version: VERSION, startedAt, lastSeenAt: shanghaiIso(Date.now()), engine: lease.active };
    await redis.hset(NODES_KEY, o.nodeId, JSON.stringify({ ...me, seenMs: Date.now() }));
  };

  return {
    nodeId: o.nodeId,
    clustered: true,
    role: lease,
    reservations,
    bus,
    redis,
    adapterConnection() {
      adapterRedis ??= connectRedis(o.url, log, `tongban:${o.nodeId}:socket.io`);
      return adapterRedis;
    },
    async exclusive(name, work) {
      const key = `${KEY_PREFIX}lock:${name}`;
      const mine = `${o.nodeId}:${Date.now()}`;
      // Held at most 5 minutes (a node that died holding it does not block the others for longer).
      while ((await redis.set(key, mine, 'PX', 5 * 60_000, 'NX')) !== 'OK') await new Promise((r) => setTimeout(r, 200));
      try {
        return await work();
      } finally {
        await redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, key, mine).catch(() => undefined);
      }
    },
    async announced(caseId, warningId) {
      return (await redis.get(WARNED + caseId)) === warningId;
    },
    async markAnnounced(caseId, warningId) {
      await redis.set(WARNED + caseId, warningId, 'PX', WARNED_KEEP_MS);
    },
    async start(b, reload, floor) {
      backlog = b;
      reloadBloom = reload;
      if (floor) fenceFloor = floor;
      await beat().catch(() => undefined);
      heartbeat = setInterval(() => void beat().catch(() => undefined), HEARTBEAT_MS);
      heartbeat.unref();
      await lease.start();
    },
    async view() {
      const [all, holder, fence] = await Promise.all([redis.hgetall(NODES_KEY), lease.holder(), redis.get(`${KEY_PREFIX}engine-lease`)]);
      const now = Date.now();
      const nodes: ClusterNode[] = [];
      for (const [id, json] of Object.entries(all)) {
        const { seenMs, ...n } = JSON.parse(json) as ClusterNode & { seenMs: number };
        if (now - seenMs > FORGET_MS) void redis.hdel(NODES_KEY, id);
        if (now - seenMs <= ALIVE_MS) nodes.push({ ...n, engine: id === holder });
      }
      nodes.sort((a, b) => a.id.localeCompare(b.id));
      return { self: o.nodeId, leaseHolder: holder, fence: fence === null ? null : Number(fence.slice(fence.lastIndexOf('|') + 1)), redis: true, nodes };
    },
    async stop() {
      clearInterval(heartbeat);
      await lease.stop();
      await reservations.close();
      await redis.hdel(NODES_KEY, o.nodeId).catch(() => undefined);
      sub.disconnect();
      adapterRedis?.disconnect();
      redis.disconnect();
    },
  };
}

/** The cluster of the configuration: several nodes with REDIS_URL, otherwise this node alone. */
export function createCluster(c: { redisUrl: string | undefined; nodeId: string; address: string; leaseMs: number }, logger: Logger): Cluster {
  return c.redisUrl ? redisCluster({ url: c.redisUrl, nodeId: c.nodeId, address: c.address, leaseMs: c.leaseMs, logger }) : singleNode(c.nodeId, c.address);
}
