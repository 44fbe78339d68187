import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { RedisProcess } from '@tongban/fixtures/redis-process';
import { connectRedis } from './redis-connection.ts';
import { RedisReservations } from './redis-reservations.ts';

const logger = pino({ level: 'silent' });
let redis: RedisProcess;
beforeAll(async () => {
  redis = await RedisProcess.start();
});
afterAll(async () => {
  await redis?.stop();
});

describe('event reservations shared through Redis (real redis-server)', () => {
  it('gives an id to the first node; the second learns whether that write became durable and if the content matches', async () => {
    const [ra, rb] = [connectRedis(redis.url, logger, 'a'), connectRedis(redis.url, logger, 'b')];
    const a = new RedisReservations(ra, 'a', async () => {}, () => {});
    const b = new RedisReservations(rb, 'b', async () => {}, () => {});
    expect(await a.reserve([{ id: 'E1', content: 'x' }, { id: 'E2', content: 'y' }])).toEqual([null, null]);
    const [same, other, fresh] = await b.reserve([{ id: 'E1', content: 'x' }, { id: 'E2', content: 'not y' }, { id: 'E3', content: 'z' }]);
    expect(fresh).toBeNull();
    expect(same!.sameContent).toBe(true);
    expect(other!.sameContent).toBe(false);
    await a.settle(['E1'], true);
    await a.settle(['E2'], false);
    expect(await same!.durable).toBe(true);
    expect(await other!.durable).toBe(false);
    // Given up: the id is free again. Durable: still taken, for a later copy too.
    expect(await b.reserve([{ id: 'E2', content: 'not y' }])).toEqual([null]);
    const [later] = await b.reserve([{ id: 'E1', content: 'x' }]);
    expect(await later!.durable).toBe(true);
    // A node settles only its own marks.
    await a.settle(['E3'], false);
    const [still] = await a.reserve([{ id: 'E3', content: 'z' }]);
    expect(still).not.toBeNull();
    await b.settle(['E3'], true);
    expect(await still!.durable).toBe(true);
    await a.close();
    await b.close();
    ra.disconnect();
    rb.disconnect();
  });

  it('tells the other nodes which events were stored, for their filters', async () => {
    const [ra, rb] = [connectRedis(redis.url, logger, 'a'), connectRedis(redis.url, logger, 'b')];
    const a = new RedisReservations(ra, 'a', async () => {}, () => {});
    const b = new RedisReservations(rb, 'b', async () => {}, () => {});
    const heard: number[] = [];
    let own = 0;
    b.onPeerStored((keys) => heard.push(...keys));
    a.onPeerStored(() => own++);
    // Announced until heard (the subscription may not be in place at once).
    while (!heard.length) {
      await a.stored(['E7', 'E8'], [7, 8]);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(new Set(heard)).toEqual(new Set([7, 8]));
    expect(own).toBe(0);
    expect(b.bloomComplete).toBe(true);
    await a.close();
    await b.close();
    ra.disconnect();
    rb.disconnect();
  });
});
