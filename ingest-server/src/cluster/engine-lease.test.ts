import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { RedisProcess } from '@tongban/fixtures/redis-process';
import { EngineLease } from './engine-lease.ts';
import { connectRedis } from './redis-connection.ts';

const logger = pino({ level: 'silent' });
let redis: RedisProcess;
beforeAll(async () => {
  redis = await RedisProcess.start();
});
afterAll(async () => {
  await redis?.stop();
});

const until = async (check: () => boolean | Promise<boolean>) => {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
};

describe('the engine lease (real redis-server)', () => {
  it('is held by one node at a time, passes on with a higher fencing token, and is given up when Redis goes away', async () => {
    const ca = connectRedis(redis.url, logger, 'a');
    const cb = connectRedis(redis.url, logger, 'b');
    const a = new EngineLease(ca, 'a', 1_500, logger);
    const b = new EngineLease(cb, 'b', 1_500, logger, async () => 41);
    const changes: string[] = [];
    a.onChange((active) => changes.push(`a:${active}`));
    b.onChange((active) => changes.push(`b:${active}`));
    await a.start();
    await b.start();
    expect([a.active, b.active]).toEqual([true, false]);
    expect(await b.holder()).toBe('a');
    const first = a.fence;

    await a.stop();
    await until(() => b.active);
    expect(a.active).toBe(false);
    expect(b.fence).toBeGreaterThan(first);
    expect(await a.holder()).toBe('b');

    // Redis gone (and back without its data): the holder steps down by itself, then takes the lease again
    // with a token above the floor ClickHouse would give (41), not from 1.
    await redis.stop();
    await until(() => !b.active);
    await redis.restart();
    await until(() => b.active);
    expect(b.fence).toBe(42);
    expect(changes).toEqual(['a:true', 'a:false', 'b:true', 'b:false', 'b:true']);
    await b.stop();
    ca.disconnect();
    cb.disconnect();
  });
});
