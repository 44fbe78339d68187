import type { Redis } from 'ioredis';
import { shanghaiDate, type CaseEvent, type EventType } from '@tongban/shared';
import type { Counts, TodaySnapshot } from '../live/today-stats.ts';
import { KEY_PREFIX } from './redis-connection.ts';

const dayKey = (day: string) => `${KEY_PREFIX}today:${day}`;
/** Present once the day's counters were seeded from ClickHouse (gone after a Redis restart without persistence). */
const SEEDED = 'seeded';
const KEEP_S = 3 * 86_400;

/** KEYS: the day's hash. ARGV: field, value, field, value … Writes the seed unless the day is seeded already. */
const SEED = `if redis.call('HEXISTS', KEYS[1], '${SEEDED}') == 1 then return 0 end
redis.call('DEL', KEYS[1])
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], '${SEEDED}', '1')
redis.call('EXPIRE', KEYS[1], ${KEEP_S})
return 1`;

/** Hash fields of today's counters: `t:<type>` city-wide, `d:<district>:<type>` per district. */
export function countFields(events: ReadonlyArray<Pick<CaseEvent, 'type' | 'districtCode' | 'occurredAt'>>, day: string): Map<string, number> {
  const fields = new Map<string, number>();
  const bump = (f: string, n: number) => fields.set(f, (fields.get(f) ?? 0) + n);
  for (const e of events) {
    if (shanghaiDate(e.occurredAt) !== day) continue;
    bump(`t:${e.type}`, 1);
    bump(`d:${e.districtCode}:${e.type}`, 1);
  }
  return fields;
}

/** The snapshot of a day's hash (HGETALL). */
export function snapshotOfFields(day: string, hash: Record<string, string>): TodaySnapshot {
  const totals: Counts = {};
  const districts: Record<string, Counts> = {};
  for (const [f, v] of Object.entries(hash)) {
    if (f.startsWith('t:')) totals[f.slice(2) as EventType] = Number(v);
    else if (f.startsWith('d:')) {
      const at = f.lastIndexOf(':');
      const code = f.slice(2, at);
      (districts[code] ??= {})[f.slice(at + 1) as EventType] = Number(v);
    }
  }
  return { day, totals, districts };
}

/**
 * Today's counters shared by every node: each node adds its accepted events with HINCRBY, every node reads
 * the hash twice a second, and the engine's holder seeds a day that is not seeded yet (the first node, a
 * Redis restart) from ClickHouse. So every wall shows the same figures whichever node it is connected to.
 */
export class SharedToday {
  private current: TodaySnapshot;
  private seeded = false;

  constructor(
    private readonly redis: Redis,
    private readonly now: () => number,
    /** Today's stored counts by district and type (ClickHouse), to seed from. */
    private readonly stored: (day: string) => Promise<Array<{ district_code: string; type: EventType; n: number }>>,
    private readonly isHolder: () => boolean,
  ) {
    this.current = { day: shanghaiDate(now()), totals: {}, districts: {} };
  }

  get seededToday(): boolean {
    return this.seeded;
  }

  add(events: ReadonlyArray<Pick<CaseEvent, 'type' | 'districtCode' | 'occurredAt'>>): Promise<unknown> {
    const day = shanghaiDate(this.now());
    const fields = countFields(events, day);
    if (!fields.size) return Promise.resolve();
    const p = this.redis.pipeline();
    for (const [f, n] of fields) p.hincrby(dayKey(day), f, n);
    p.expire(dayKey(day), KEEP_S);
    return p.exec();
  }

  snapshot(): TodaySnapshot {
    const day = shanghaiDate(this.now());
    if (this.current.day !== day) this.current = { day, totals: {}, districts: {} };
    return { day, totals: { ...this.current.totals }, districts: Object.fromEntries(Object.entries(this.current.districts).map(([k, v]) => [k, { ...v }])) };
  }

  /** Reads the shared counters (and seeds them when this node holds the engine and the day is not seeded). */
  async refresh(): Promise<void> {
    const day = shanghaiDate(this.now());
    const hash = await this.redis.hgetall(dayKey(day));
    this.seeded = hash[SEEDED] === '1';
    if (!this.seeded && this.isHolder()) {
      const rows = await this.stored(day);
      const args: string[] = [];
      const seed = new Map<string, number>();
      for (const r of rows) {
        seed.set(`t:${r.type}`, (seed.get(`t:${r.type}`) ?? 0) + Number(r.n));
        seed.set(`d:${r.district_code}:${r.type}`, Number(r.n));
      }
      for (const [f, n] of seed) args.push(f, String(n));
      await this.redis.eval(SEED, 1, dayKey(day), ...args);
      return this.refresh();
    }
    this.current = snapshotOfFields(day, hash);
  }
}
