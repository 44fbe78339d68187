import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickhouse, forEachLine, insertTabSeparated, tabSeparatedBytes, QUERY_SETTINGS, type Clickhouse } from './clickhouse-client.ts';

/*
 * The bulk writers' TabSeparated insert (embedded: chDB's raw insert of the bytes) on a real engine: it stores
 * exactly what the client's insert of the same body stores, escapes, NULLs, arrays and Chinese text included,
 * with its settings clause; a malformed body is refused with the engine's error and stores nothing. The bulk
 * readers' line reader (embedded: chDB's bytes cut at newlines) gives the lines the client's row stream gives.
 */
let dir: string;
let ch: Clickhouse;
const COLUMNS = ['id', 'name', 'at', 'flags', 'n'] as const;
const DDL = (t: string) =>
  `CREATE TABLE x.${t} (id String, name String, at Nullable(DateTime64(3, 'Asia/Shanghai')), flags Array(LowCardinality(String)), n Nullable(Int64))
   ENGINE = MergeTree ORDER BY id`;
const BODY = [
  `c-1\t渝中区\\t解放碑 \\\\ 办事处\t2026-01-02 09:30:00.125\t['too_fast','unknown_item']\t-42`,
  `c-2\tit's "quoted"\\nnext line\t\\N\t[]\t\\N`,
  `c-3\t\t1969-12-31 23:59:59.999\t['引号”‘']\t9007199254740991`,
].join('\n') + '\n';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tongban-tsv-'));
  ch = createClickhouse({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'x' });
  await ch.command({ query: 'CREATE DATABASE IF NOT EXISTS x' });
  for (const t of ['raw', 'client']) await ch.command({ query: DDL(t) });
});
afterAll(async () => {
  await ch?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = async (t: string) =>
  (await ch.query({ query: `SELECT * FROM x.${t} ORDER BY id, n`, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json();

describe('insertTabSeparated (embedded)', () => {
  it('stores what the client’s insert of the same body stores', async () => {
    await insertTabSeparated(ch, { table: 'x.raw', columns: COLUMNS, body: BODY });
    await ch.insert({ table: 'x.client', columns: [...COLUMNS], format: 'TabSeparated', clickhouse_settings: QUERY_SETTINGS, values: Readable.from([BODY], { objectMode: false }) });
    const stored = await rows('raw');
    expect(stored).toEqual(await rows('client'));
    expect(stored).toEqual([
      { id: 'c-1', name: '渝中区\t解放碑 \\ 办事处', at: '2026-01-02 09:30:00.125', flags: ['too_fast', 'unknown_item'], n: -42 },
      { id: 'c-2', name: `it's "quoted"\nnext line`, at: null, flags: [], n: null },
      { id: 'c-3', name: '', at: '1969-12-31 23:59:59.999', flags: ['引号”‘'], n: 9007199254740991 },
    ]);
  });

  it('refuses a malformed body with the engine’s error and stores none of it', async () => {
    const bad = `c-9\tname\tnot a time\t[]\t1\n`;
    await expect(insertTabSeparated(ch, { table: 'x.raw', columns: COLUMNS, body: BODY + bad })).rejects.toThrow(/DateTime64|parse|Cannot/i);
    expect(await rows('raw')).toHaveLength(3);
  });
});

describe('tabSeparatedBytes and forEachLine (embedded)', () => {
  const read = async (query: string, query_params?: Record<string, unknown>) => {
    const lines: string[] = [];
    forEachLine(await tabSeparatedBytes(ch, { query, query_params }), (l) => void lines.push(l));
    return lines;
  };

  it('gives the lines of the client’s row stream, escapes and Chinese text included, with parameters', async () => {
    const query = `SELECT id, name, at, flags, n FROM x.raw WHERE id >= {from:String} ORDER BY id`;
    const rs = await ch.query({ query, query_params: { from: 'c-2' }, format: 'TabSeparated', clickhouse_settings: QUERY_SETTINGS });
    const client: string[] = [];
    for await (const batch of rs.stream<unknown>()) for (const row of batch) client.push(row.text);
    const lines = await read(query, { from: 'c-2' });
    expect(lines).toEqual(client);
    expect(lines).toEqual([`c-2\tit\\'s "quoted"\\nnext line\t\\N\t[]\t\\N`, `c-3\t\t1969-12-31 23:59:59.999\t['引号”‘']\t9007199254740991`]);
  });

  it('stops at the first line its callback refuses', () => {
    const seen: string[] = [];
    forEachLine(Buffer.from('a\tb\nc\n渝\td\ne\n'), (l) => (seen.push(l), l !== '渝\td'));
    expect(seen).toEqual(['a\tb', 'c', '渝\td']);
  });

  it('gives no line for an empty answer, and the engine’s error for a bad query', async () => {
    expect(await read(`SELECT id FROM x.raw WHERE id = {id:String}`, { id: "no' such" })).toEqual([]);
    await expect(read(`SELECT no_such_column FROM x.raw`)).rejects.toThrow(/no_such_column|Unknown/i);
  });
});
