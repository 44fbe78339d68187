import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import {
  AreaOverviewSchema,
  CaseDetailSchema,
  CaseListSchema,
  HourlyTrendSchema,
  ItemNamesSchema,
  LiveEventSchema,
  PlaceNamesSchema,
  ReplayFeedSchema,
  ReplayRangeSchema,
  ReplaySnapshotSchema,
  SnapshotSchema,
  StatsSchema,
  TodayRatesSchema,
  WallRankingSchema,
  WallWuduSchema,
  shanghaiIso,
  shanghaiMonth,
  type WireSchema,
} from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { caseEvents, recentToday } from './events.fixture.ts';

/**
 * The server builds every message and answer the pages read as the wire contract (shared/src/wire) says:
 * each is parsed here with the same schema the dashboard parses it with.
 */
let server: ServerProcess;
let socket: Socket;
beforeAll(async () => {
  server = await ServerProcess.start({ FLUSH_MAX_AGE_MS: '200' });
});
afterAll(async () => {
  socket?.disconnect();
  await server?.dispose();
});

function expectWire<T>(schema: WireSchema<T>, value: unknown): T {
  const r = schema.safeParse(value);
  expect(r.success ? [] : r.error.issues).toEqual([]);
  return r.data as T;
}

describe('the wire contract, as the real server speaks it', () => {
  it('sends snapshot, case:event and stats that parse', async () => {
    socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: { token: 'dev-admin' } });
    const messages: Record<string, unknown[]> = { snapshot: [], 'case:event': [], stats: [] };
    for (const name of Object.keys(messages)) socket.on(name, (m: unknown) => messages[name]!.push(m));
    await server.eventually(async () => (messages.snapshot!.length ? true : undefined));
    expectWire(SnapshotSchema, messages.snapshot![0]);

    // Two steps of a case in the last minutes, inside today whatever the hour in Shanghai (recentToday).
    const events = caseEvents('WIRE-1', '500118').slice(0, 2).map((e, i) => ({ ...e, occurredAt: recentToday((2 - i) * 60_000) }));
    expect((await server.post(events)).status).toBe(200);
    await server.eventually(async () => (messages['case:event']!.length >= 2 && messages.stats!.length ? true : undefined));
    for (const e of messages['case:event']!) expectWire(LiveEventSchema, e);
    const stats = expectWire(StatsSchema, messages.stats!.at(-1));
    expect(stats.today.totals.submitted).toBeGreaterThanOrEqual(1);
  });

  it('answers the case list, a case and the wall’s endpoints in the contract’s shapes', async () => {
    const detail = await server.eventually(async () => {
      const r = await server.get('/api/v1/cases/WIRE-1');
      return r.status === 200 ? r.body : undefined;
    });
    const c = expectWire(CaseDetailSchema, detail);
    expect(c.timeline.map((t) => t.type)).toEqual(['submitted', 'accepted']);
    expectWire(CaseListSchema, (await server.get('/api/v1/cases?warning=any')).body);
    expectWire(HourlyTrendSchema, (await server.get('/api/v1/wall/hourly-trend')).body);
    expectWire(TodayRatesSchema, (await server.get('/api/v1/wall/today-rates')).body);
    expectWire(ItemNamesSchema, (await server.get('/api/v1/wall/item-names')).body);
    expectWire(PlaceNamesSchema, (await server.get('/api/v1/wall/place-names?codes=500118001')).body);
    expectWire(AreaOverviewSchema, (await server.get('/api/v1/wall/townships?districtCode=500118', 'dev-wall')).body);
    const nowAt = encodeURIComponent(shanghaiIso(Date.now()));
    expectWire(ReplaySnapshotSchema, (await server.get(`/api/v1/replay?at=${nowAt}`)).body);
    expectWire(ReplayFeedSchema, (await server.get(`/api/v1/replay/feed?from=${encodeURIComponent(shanghaiIso(Date.parse(recentToday(60_000))))}&to=${nowAt}`)).body);
    expectWire(ReplayRangeSchema, (await server.get('/api/v1/replay/range')).body);
    const month = shanghaiMonth(Date.now());
    expectWire(WallWuduSchema, (await server.get(`/api/v1/metrics/wudu?period=${month}`)).body);
    expectWire(WallRankingSchema, (await server.get(`/api/v1/metrics/ranking?period=${month}&scope=district`)).body);
  });
});
