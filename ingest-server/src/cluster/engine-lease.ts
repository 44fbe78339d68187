import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { KEY_PREFIX } from './redis-connection.ts';

export const LEASE_KEY = `${KEY_PREFIX}engine-lease`;
const FENCE_KEY = `${KEY_PREFIX}engine-fence`;

/**
 * KEYS: lease, fence. ARGV: node id, ttl ms, floor. Takes a free lease with a new fencing token (INCR, never
 * below the floor: the highest token ClickHouse holds, after a Redis restart lost the counter); 0 if held.
 */
const ACQUIRE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[3]) then redis.call('SET', KEYS[2], ARGV[3]) end
  local t = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[1] .. '|' .. t, 'PX', ARGV[2])
  return t
end
return 0`;
/** KEYS: lease. ARGV: holder value, ttl ms. Renews only one's own lease. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Who runs the supervision engine (projector, open-case index writes, scanner, scheduled reports). */
export interface EngineRole {
  /** True while this node holds the engine (always, on a single node). */
  readonly active: boolean;
  /** The fencing token of the current holding (0 on a single node): written with every case-state write. */
  readonly fence: number;
  /** Called on every change of `active` (after the change). */
  onChange(listener: (active: boolean) => void): void;
}

export const singleNodeRole: EngineRole = { active: true, fence: 0, onChange: () => {} };

/**
 * The engine lease in Redis: `SET NX PX` with a fencing token from `INCR`, renewed every third of its
 * lifetime. A holder that cannot renew in time (Redis away, the process stalled) steps down on its own
 * timer before the lease can lapse, so two nodes never run the engine at once; a standby tries every
 * third of the lifetime and so takes over within about 1⅓ lifetimes of the holder's death.
 */
export class EngineLease implements EngineRole {
  private holding: { value: string; fence: number; until: number } | undefined;
  private listeners: Array<(active: boolean) => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(
    private readonly redis: Redis,
    private readonly nodeId: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
    /** The highest fencing token written so far (ClickHouse), asked only when Redis has lost its counter. */
    private readonly fenceFloor: () => Promise<number> = async () => 0,
  ) {}

  get active(): boolean {
    return this.holding !== undefined;
  }

  get fence(): number {
    return this.holding?.fence ?? 0;
  }

  onChange(listener: (active: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Tries once now, then every third of the lifetime. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.floor(this.ttlMs / 3));
    this.timer.unref();
  }

  /** The holder named in Redis (null when none), whoever it is. */
  async holder(): Promise<string | null> {
    const v = await this.redis.get(LEASE_KEY);
    return v === null ? null : v.slice(0, v.lastIndexOf('|'));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const h = this.holding;
    if (!h) return;
    this.lose('stopping');
    await this.redis.eval(RELEASE, 1, LEASE_KEY, h.value).catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const asked = Date.now();
    try {
      if (this.holding) {
        const ok = Number(await this.redis.eval(RENEW, 1, LEASE_KEY, this.holding.value, this.ttlMs));
        if (ok === 1 && this.holding) this.extend(asked);
        else if (this.holding) this.lose('taken by another node');
      } else {
        const floor = (await this.redis.exists(FENCE_KEY)) ? 0 : await this.fenceFloor();
        const fence = Number(await this.redis.eval(ACQUIRE, 2, LEASE_KEY, FENCE_KEY, this.nodeId, this.ttlMs, floor));
        if (fence > 0) {
          this.holding = { value: `${this.nodeId}|${fence}`, fence, until: 0 };
          this.extend(asked);
          this.logger.info({ fence }, 'engine lease taken: this node runs the supervision engine');
          this.emit(true);
        }
      }
    } catch (err) {
      // Renewal failed: the deadline timer steps down before the lease can lapse in Redis.
      this.logger.warn({ err: (err as Error).message, holding: this.active }, 'engine lease: Redis did not answer');
    } finally {
      this.ticking = false;
    }
  }

  /** The lease runs until `asked + ttl` at the earliest in Redis: step down a margin before. */
  private extend(asked: number): void {
    const h = this.holding!;
    h.until = asked + this.ttlMs;
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.lose('not renewed in time'), Math.max(0, h.until - Date.now() - Math.min(1_000, this.ttlMs / 6)));
    this.deadline.unref();
  }

  private lose(why: string): void {
    if (!this.holding) return;
    clearTimeout(this.deadline);
    this.logger.warn({ fence: this.holding.fence, why }, 'engine lease lost: the supervision engine stops on this node');
    this.holding = undefined;
    this.emit(false);
  }

  private emit(active: boolean): void {
    for (const l of this.listeners) {
      try {
        l(active);
      } catch (err) {
        this.logger.error({ err }, 'engine role listener failed');
      }
    }
  }
}
