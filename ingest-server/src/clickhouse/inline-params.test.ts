import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackgroundConnections, createClickhouse, inlineParams, type Clickhouse } from './clickhouse-client.ts';

/*
 * The background connection writes query parameters as literals (chDB chains parameterized queries through
 * the whole process). On a real embedded engine: the same answers as ClickHouse's own substitution for every
 * type the server's queries use, hostile strings included; and a long query on the second connection does not
 * hold the first.
 */
const hostile = [`it's`, `back\\slash`, `'); DROP TABLE x; --`, '引号”‘', 'tab\tnew\nline', '{x:String}', ''];
let dir: string;
let ch: Clickhouse;
let background: Clickhouse;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tongban-inline-'));
  const config = { clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'x' };
  ch = createClickhouse(config);
  background = createClickhouse(config, { inlineParams: true });
});
afterAll(async () => {
  await background?.close();
  await ch?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = async (c: Clickhouse, query: string, query_params: Record<string, unknown>) => (await c.query({ query, query_params, format: 'JSONEachRow' })).json();

describe('parameters written as literals', () => {
  it('answers as the engine’s own substitution does, for every type used and hostile strings', async () => {
    const query = `SELECT {s:String} AS s, {d:Date} AS d, {n:Int64} AS n, {u:UInt32} AS u, {ds:Array(Date)} AS ds, {ss:Array(String)} AS ss,
                          toDate('2026-01-02') IN {ds:Array(Date)} AS inDates, {s:String} IN {ss:Array(String)} AS inStrings`;
    for (const s of hostile) {
      const params = { s, d: '2026-01-02', n: -1_796_299_505_253, u: 4_000_000_000, ds: ['2026-01-01', '2026-01-02'], ss: [...hostile, s] };
      expect(await rows(background, query, params)).toEqual(await rows(ch, query, params));
      expect((await rows(background, query, params))[0]).toMatchObject({ s, inDates: 1, inStrings: 1 });
    }
    expect(inlineParams('SELECT {a:UInt8}, {b:String}', { a: 1 })).toBe("SELECT CAST('1' AS UInt8), {b:String}");
    expect(() => inlineParams('SELECT {t:Identifier}', { t: 'x' })).toThrow(/Identifier/);
    expect(() => inlineParams('SELECT {n:Float64}', { n: Number.NaN })).toThrow(/finite/);
  });

  it('lets a long query on the background connection run beside the first', async () => {
    const long = background.query({ query: 'SELECT count() AS n FROM numbers({n:UInt64}) WHERE sipHash64(number) % 7 = {r:UInt8}', query_params: { n: 400_000_000, r: 1 }, format: 'JSONEachRow' });
    let longDone = false;
    void long.then(() => (longDone = true));
    await new Promise((r) => setTimeout(r, 100));
    // Answered while the long one still runs: with the parameters bound by chDB it would wait for it.
    expect(await rows(ch, 'SELECT {x:UInt8} AS x', { x: 7 })).toEqual([{ x: 7 }]);
    expect(longDone).toBe(false);
    await (await long).json();
  }, 120_000);

  it('gives each background job its own connection, so one job’s long read holds up no other job', async () => {
    const jobs = new BackgroundConnections<'lateness model' | 'metric rollups'>({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'x' }, ch);
    try {
      expect(jobs.get('lateness model')).toBe(jobs.get('lateness model'));
      const long = jobs.get('lateness model').query({ query: 'SELECT count() AS n FROM numbers({n:UInt64}) WHERE sipHash64(number) % 7 = {r:UInt8}', query_params: { n: 400_000_000, r: 2 }, format: 'JSONEachRow' });
      let longDone = false;
      void long.then(() => (longDone = true));
      await new Promise((r) => setTimeout(r, 100));
      // The rollups' check, answered while the model's read runs (one shared background connection made it wait: issue 16).
      expect(await rows(jobs.get('metric rollups'), 'SELECT {x:UInt8} AS x', { x: 8 })).toEqual([{ x: 8 }]);
      expect(longDone).toBe(false);
      await (await long).json();
    } finally {
      await jobs.close();
    }
    // With a ClickHouse server (concurrent already) every job shares the one client.
    const server = new BackgroundConnections<'a' | 'b'>({ clickhouseUrl: 'http://127.0.0.1:1', dataDir: dir, clickhouseDatabase: 'x' }, ch);
    expect(server.get('a')).toBe(ch);
    expect(server.get('b')).toBe(ch);
  }, 120_000);
});
