import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HeldElsewhere, InflightReservations } from '../events/inflight-reservations.ts';
import { KEY_PREFIX } from './redis-connection.ts';

const RESERVE = `${KEY_PREFIX}ev:`;
const STORED_CHANNEL = `${KEY_PREFIX}stored-keys`;
/** A reservation whose node never said durable or failed (it died mid-append) lapses after this. */
const PENDING_MS = 15_000;
/** Durable but maybe not yet in ClickHouse (an outage): the mark is kept this long. */
const DURABLE_MS = 10 * 60_000;
/** In ClickHouse and announced to every node's filter: kept a little longer for announcements in flight. */
const STORED_MS = 30_000;
const POLL_MS = 20;
const WAIT_MS = 10_000;

const digest = (content: string) => createHash('sha1').update(content).digest('base64').slice(0, 16);

/**
 * The marks in Redis: `SET tongban:ev:<eventId> p:<node>:<digest> NX PX 15s` at admission, `d:…` once
 * the log append is durable (kept 10 min, 30 s once in ClickHouse); a node that finds another's mark
 * polls until it turns durable (a duplicate or a conflict) or goes away (503, retry). Stored event keys are
 * published so every node's Bloom filter knows them; after a lost subscription (Redis restarted or
 * unreachable) the filter may miss some, and every id is checked with ClickHouse until the filter is
 * reloaded (`reloadBloom`).
 */
export class RedisReservations implements InflightReservations {
  private peerVisit: (keys: number[]) => void = () => {};
  private complete = true;
  private readonly sub: Redis;

  constructor(
    private readonly redis: Redis,
    private readonly nodeId: string,
    /** Reloads the local filter from ClickHouse (after a lost subscription). */
    private readonly reloadBloom: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {
    this.sub = redis.duplicate();
    this.sub.on('error', () => {});
    this.sub.on('message', (_channel: string, message: string) => {
      const [from, keys] = message.split('|');
      if (from === this.nodeId || !keys) return;
      this.peerVisit(keys.split(',').map(Number));
    });
    this.sub.on('ready', () => void this.subscribe());
    // A lost subscription means lost announcements: distrust the filter until it is reloaded.
    this.sub.on('close', () => (this.complete = false));
  }

  private async subscribe(): Promise<void> {
    try {
      await this.sub.subscribe(STORED_CHANNEL);
      if (!this.complete) {
        await this.reloadBloom();
        this.complete = true;
      }
    } catch (err) {
      this.onError(err);
    }
  }

  get bloomComplete(): boolean {
    return this.complete;
  }

  onPeerStored(visit: (keys: number[]) => void): void {
    this.peerVisit = visit;
  }

  async reserve(entries: ReadonlyArray<{ id: string; content: string }>): Promise<Array<HeldElsewhere | null>> {
    if (!entries.length) return [];
    const digests = entries.map((e) => digest(e.content));
    const p = this.redis.pipeline();
    entries.forEach((e, i) => p.set(RESERVE + e.id, `p:${this.nodeId}:${digests[i]}`, 'PX', PENDING_MS, 'NX', 'GET'));
    const replies = (await p.exec()) ?? [];
    return entries.map((e, i) => {
      const [err, previous] = replies[i] ?? [new Error('no reply')];
      if (err) throw err;
      if (previous === null || previous === undefined) return null;
      const value = String(previous);
      return { sameContent: value.slice(value.lastIndexOf(':') + 1) === digests[i], durable: this.durableOf(e.id, value) };
    });
  }

  /** Polls another node's mark until durable (true) or gone (false); a mark that never settles counts as gone. */
  private async durableOf(id: string, first: string): Promise<boolean> {
    if (first.startsWith('d:')) return true;
    const until = Date.now() + WAIT_MS;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const v = await this.redis.get(RESERVE + id).catch(() => null);
      if (v === null) return false;
      if (v.startsWith('d:')) return true;
    }
    return false;
  }

  async settle(ids: readonly string[], ok: boolean): Promise<void> {
    if (!ids.length) return;
    // Only this node's own marks: the value names the node (a lapsed one may be another's by now). One script
    // call per thousand ids.
    for (let i = 0; i < ids.length; i += 1_000) {
      const keys = ids.slice(i, i + 1_000).map((id) => RESERVE + id);
      await this.redis.eval(SETTLE, keys.length, ...keys, `p:${this.nodeId}:`, ok ? '1' : '0', DURABLE_MS);
    }
  }

  async stored(ids: readonly string[], keys: readonly number[]): Promise<void> {
    if (!ids.length) return;
    const p = this.redis.pipeline();
    for (const id of ids) p.pexpire(RESERVE + id, STORED_MS);
    for (let i = 0; i < keys.length; i += 20_000) p.publish(STORED_CHANNEL, `${this.nodeId}|${keys.slice(i, i + 20_000).join(',')}`);
    await p.exec();
  }

  async close(): Promise<void> {
    this.sub.disconnect();
  }
}

/** KEYS: the marks; ARGV: this node's pending prefix, '1' durable / '0' give up, durable lifetime. */
const SETTLE = `local n = 0
for _, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then
    if ARGV[2] == '1' then redis.call('SET', k, 'd:' .. string.sub(v, 3), 'PX', ARGV[3]) else redis.call('DEL', k) end
    n = n + 1
  end
end
return n`;
