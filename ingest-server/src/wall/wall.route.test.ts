import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, shanghaiDate } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { memoize } from './wall.route.ts';

describe('memoize', () => {
  it('computes once per period, shares the computation and retries after a failure', async () => {
    let now = 0;
    let calls = 0;
    let fail = true;
    const get = memoize(
      1000,
      async () => {
        calls++;
        if (fail) throw new Error('boom');
        return calls;
      },
      () => now,
    );
    await expect(get()).rejects.toThrow('boom');
    fail = false;
    const [a, b] = await Promise.all([get(), get()]);
    expect([a, b, calls]).toEqual([2, 2, 2]);
    now = 999;
    expect(await get()).toBe(2);
    now = 1000;
    expect(await get()).toBe(3);
  });
});

describe('wall endpoints on the real server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start({ FLUSH_MAX_AGE_MS: '100' });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  // Events at the time of the run, so none lies in the future and all fall in the current Shanghai hour.
  const nowIso = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
  const today = shanghaiDate(Date.now());
  const hour = Number(nowIso.slice(11, 13));
  const hh = nowIso.slice(11, 13);
  const lastWeek = addCalendarDays(today, -7);
  const item = 'SCJG-XK-D-2OFH3';
  const ev = (id: string, type: string, occurredAt: string, extra: object = {}) => ({
    eventId: id,
    caseId: `W-${id}`,
    type,
    occurredAt,
    itemCode: item,
    districtCode: '500118',
    level: 'district',
    channel: 'window',
    ...extra,
  });

  // The endpoints share an answer for 15 s: ask only once every accepted event is in ClickHouse.
  const stored = () => server.eventually(async () => ((await server.get<{ pendingRows: number }>('/healthz')).body.pendingRows === 0 ? true : undefined), 30_000);

  it('gives today’s submissions per hour beside the same weekday last week', async () => {
    const r = await server.post([
      ev('t1', 'submitted', nowIso),
      ev('t2', 'submitted', nowIso),
      ev('w1', 'submitted', `${lastWeek}T${hh}:30:00+08:00`),
      ev('w2', 'submitted', `${lastWeek}T${hour === 23 ? '00' : '23'}:30:00+08:00`),
      ev('t3', 'accepted', nowIso),
    ]);
    expect(r.status).toBe(200);
    await stored();
    const trend = await server.eventually(async () => {
      const { body } = await server.get<{ day: string; compareDay: string; hours: Array<{ hour: number; today: number | null; compare: number }> }>('/api/v1/wall/hourly-trend');
      return body.hours[hour]!.today === 2 ? body : undefined;
    }, 30_000);
    expect(trend.day).toBe(today);
    expect(trend.compareDay).toBe(lastWeek);
    expect(trend.hours[hour]).toEqual({ hour, today: 2, compare: 1 });
    expect(trend.hours[hour === 23 ? 0 : 23]!.compare).toBe(1);
  });

  it('gives today’s good-rating rate, and the on-time rate from the supervision engine’s case state', async () => {
    const accepted = Date.now() - 60_000;
    const at = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
    const r = await server.post([
      ev('r1', 'rated', nowIso, { rating: 5 }),
      ev('r2', 'rated', nowIso, { rating: 4 }),
      ev('r3', 'rated', nowIso, { rating: 2 }),
      ev('o1', 'submitted', at(accepted - 60_000), { caseId: 'W-ONTIME' }),
      ev('o2', 'accepted', at(accepted), { caseId: 'W-ONTIME' }),
      ev('o3', 'completed', at(accepted + 30_000), { caseId: 'W-ONTIME' }),
    ]);
    expect(r.status).toBe(200);
    await server.eventually(async () => ((await server.get<{ status?: string }>('/api/v1/cases/W-ONTIME')).body.status === 'completed' ? true : undefined), 30_000);
    await stored();
    // The supervision engine writes the derived state right after deriving it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rates = await server.eventually(async () => {
      const { body } = await server.get<{ day: string; goodRating: unknown; onTime: unknown }>('/api/v1/wall/today-rates');
      return body.onTime ? body : undefined;
    }, 40_000);
    expect(rates).toEqual({ day: today, goodRating: { good: 2, rated: 3 }, onTime: { onTime: 1, completed: 1 } });
  }, 60_000);

  it('names items, townships and villages for the live feed', async () => {
    const items = await server.get<{ items: Record<string, string> }>('/api/v1/wall/item-names');
    expect(items.status).toBe(200);
    expect(Object.keys(items.body.items).length).toBeGreaterThan(100);
    const places = await server.get<{ places: Record<string, string> }>('/api/v1/wall/place-names?codes=500118001,999999999,x');
    expect(places.status).toBe(200);
    expect(Object.keys(places.body.places)).toEqual(['500118001']);
    expect(places.body.places['500118001']).toMatch(/街道|镇|乡/);
  });
});
