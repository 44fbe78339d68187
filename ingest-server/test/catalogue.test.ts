import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess } from '@tongban/fixtures/server-process';

type Item = { itemCode: string; name: string; promisedLimitDays: number; statutoryLimitDays: number };
let server: ServerProcess;
beforeAll(async () => {
  server = await ServerProcess.start();
});
afterAll(async () => server?.dispose());

const put = (path: string, body: unknown, token = 'dev-admin') =>
  fetch(`${server.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

describe('the item catalogue', () => {
  it('starts with the reference catalogue of at least 300 items', async () => {
    const r = await server.get<{ items: Item[]; total: number }>('/api/v1/items');
    expect(r.body.total).toBeGreaterThanOrEqual(300);
    expect(r.body.items.some((i) => i.name === '个体工商户变更登记')).toBe(true);
  });

  it('lets an admin change an item’s promise, keeps it across a restart, and refuses bad items with every reason', async () => {
    const { body: items } = await server.get<{ items: Item[] }>('/api/v1/items?level=district');
    const item = items.items.find((i) => i.statutoryLimitDays >= 5)!;
    expect((await put(`/api/v1/items/${item.itemCode}`, { ...item, promisedLimitDays: 2 }, 'dev-token')).status).toBe(403);
    const bad = await put(`/api/v1/items/${item.itemCode}`, { ...item, promisedLimitDays: item.statutoryLimitDays + 1, channels: [] });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { details: string[] } };
    expect(badBody.error.details.length).toBeGreaterThanOrEqual(2);

    expect((await put(`/api/v1/items/${item.itemCode}`, { ...item, promisedLimitDays: 2 })).status).toBe(200);
    await server.stop('SIGTERM');
    await server.restart();
    const after = await server.get<Item>(`/api/v1/items/${item.itemCode}`);
    expect(after.body.promisedLimitDays).toBe(2);
  });

  it('answers 404 for an unknown item', async () => {
    expect((await server.get('/api/v1/items/NOPE')).status).toBe(404);
  });
});

describe('the working-day calendar', () => {
  it('says which years it covers and refuses malformed data with the reasons', async () => {
    const r = await server.get<{ coveredYears: { from: number; to: number } }>('/api/v1/calendar');
    expect(r.body.coveredYears.to).toBeGreaterThanOrEqual(2026);
    const bad = await put('/api/v1/calendar', { source: 'x', coveredYears: { from: 2027, to: 2027 }, years: {} });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_calendar');
  });
});
