/**
 * The bulk case derivation's read paths side by side on one backfilled data dir (issue 16): the old page
 * (`SELECT *` as JSONEachRow, EventStore.casesPage) and the fast one (the columns derivation reads, as
 * TabSeparated parsed by hand, EventStore.derivationPage). Both derive every case with the same context;
 * the case_state rows each would write are compared field by field, and every difference is printed.
 *
 *   node --import tsx ingest-server/bench/derivation.bench.ts <dataDir> [--page 200000]
 *
 * Then each path's states are written into a scratch copy of case_state (old: JSONEachRow; fast: TabSeparated as
 * the store writes it, embedded through chDB's raw insert), and the fast states once more as TabSeparated through
 * the client's `insert` (chdb/connection joins statement and body into one SQL string: the write before the raw
 * insert); the copies are compared row by row.
 *
 * Prints one JSON line: events, cases, seconds of each path (read, derive, write) and its events/s, the ratios, and
 * `mismatches` (0 when the fast path, and the live projector's lookup by case ids, derive exactly the same case
 * states; `lookupMismatches` the lookup's part). Exits 1 on a mismatch. The data
 * dir must not be open in another process (embedded ClickHouse binds one per process).
 */
import { parseArgs } from 'node:util';
import type { CaseEvent } from '@tongban/shared';
import { CalendarHolder } from '../src/calendar/calendar-holder.ts';
import { ItemCatalogue } from '../src/catalogue/item-catalogue.store.ts';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { EventStore } from '../src/events/event.store.ts';
import { deriveCaseState, type CaseState, type DeriveContext } from '../src/supervision/case-state.ts';
import { CASE_STATE_COLUMNS, CaseStateStore, caseStateBody, caseStateRow } from '../src/supervision/case-state.store.ts';
import { Readable } from 'node:stream';
import { QUERY_SETTINGS } from '../src/clickhouse/clickhouse-client.ts';

const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { page: { type: 'string', default: '200000' } } });
const dataDir = positionals[0];
if (!dataDir) throw new Error('usage: derivation.bench.ts <dataDir> [--page 200000]');
const page = Number(a.page);
const db = 'tongban';
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: db });
const events = new EventStore(ch, db);
const catalogue = new ItemCatalogue(ch, db);
await catalogue.load();
const typical = await new CaseStateStore(ch, db).typicalMinutes();
const ctx: DeriveContext = {
  calendar: new CalendarHolder(dataDir, undefined).calendar,
  item: (code) => catalogue.get(code),
  now: Date.parse('2026-12-01T12:00:00+08:00'),
  typicalMinutes: (code) => typical.get(code),
  pauseFlagDays: 30,
};

type Page = (after: string, n: number) => Promise<{ cases: Map<string, CaseEvent[]>; lastCaseId: string | null }>;

/** Every case's case_state row (as JSON text, keyed by case id) by one read path, with its timings. */
async function pass(read: Page) {
  const rows = new Map<string, string>();
  const states: CaseState[] = [];
  let readMs = 0;
  let deriveMs = 0;
  let n = 0;
  for (let after = ''; ; ) {
    const t0 = performance.now();
    const { cases, lastCaseId } = await read(after, page);
    const t1 = performance.now();
    readMs += t1 - t0;
    if (lastCaseId === null) break;
    for (const [id, list] of cases) {
      n += list.length;
      const state = deriveCaseState(list, ctx);
      states.push(state);
      rows.set(id, JSON.stringify(caseStateRow(state, 'v', 0)));
    }
    deriveMs += performance.now() - t1;
    after = lastCaseId;
  }
  return { rows, states, events: n, readMs, deriveMs };
}

const old = await pass((after, n) => events.casesPage(after, n));
const fast = await pass((after, n) => events.derivationPage(after, n));
let mismatches = 0;
for (const [id, row] of old.rows) {
  if (fast.rows.get(id) === row) continue;
  if (++mismatches <= 5) console.error(`mismatch ${id}\n  old:  ${row}\n  fast: ${fast.rows.get(id)}`);
}
mismatches += [...fast.rows.keys()].filter((id) => !old.rows.has(id)).length;
// The live projector's lookup by case ids (EventStore.derivationEventsOfCases, the same columns): every case in
// lookups of 2,000, derived, must give the old path's row.
let lookupMismatches = 0;
const ids = [...old.rows.keys()];
for (let i = 0; i < ids.length; i += 2_000) {
  const chunk = ids.slice(i, i + 2_000);
  const found = await events.derivationEventsOfCases(chunk);
  for (const id of chunk) {
    const list = found.get(id);
    const row = list ? JSON.stringify(caseStateRow(deriveCaseState(list, ctx), 'v', 0)) : undefined;
    if (row === old.rows.get(id)) continue;
    if (++lookupMismatches <= 5) console.error(`lookup mismatch ${id}\n  old:    ${old.rows.get(id)}\n  lookup: ${row}`);
  }
}
mismatches += lookupMismatches;
// The writes: each path's states into a scratch copy of case_state (old: JSONEachRow, fast: TabSeparated), in
// pages as the projector writes them; then the two copies must hold the same rows.
const store = new CaseStateStore(ch, db);
const version = Date.parse('2026-12-01T12:00:00+08:00');
type WritePath = 'json' | 'raw' | 'client';
/** The client's insert of the same TabSeparated body (no raw insert): what `write` did before. */
async function clientInsert(states: CaseState[], table: string) {
  const body = caseStateBody(states, version, 0);
  await ch.insert({ table: `${db}.${table}`, format: 'TabSeparated', columns: CASE_STATE_COLUMNS, clickhouse_settings: QUERY_SETTINGS, values: Readable.from([body], { objectMode: false }) });
}
async function write(states: CaseState[], table: string, path: WritePath) {
  await ch.command({ query: `CREATE OR REPLACE TABLE ${db}.${table} AS ${db}.case_state` });
  const t0 = performance.now();
  for (let i = 0; i < states.length; i += WRITE_PAGE) {
    const chunk = states.slice(i, i + WRITE_PAGE);
    await (path === 'json' ? store.writeJson(chunk, version, 0, table) : path === 'raw' ? store.write(chunk, version, 0, table) : clientInsert(chunk, table));
  }
  return performance.now() - t0;
}
const WRITE_PAGE = 40_000;
const oldWriteMs = await write(old.states, 'bench_case_state_json', 'json');
const clientWriteMs = await write(fast.states, 'bench_case_state_client', 'client');
const fastWriteMs = await write(fast.states, 'bench_case_state_tsv', 'raw');
const differ = async (a: string, b: string) => {
  const rs = await ch.query({ query: `SELECT count() AS n FROM (SELECT * FROM ${db}.${a} EXCEPT SELECT * FROM ${db}.${b})`, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
  return Number((await rs.json<{ n: number }>())[0]!.n);
};
const writtenDiffer = (await differ('bench_case_state_json', 'bench_case_state_tsv')) + (await differ('bench_case_state_tsv', 'bench_case_state_json'));
if (writtenDiffer) console.error(`${writtenDiffer} case_state rows differ between the JSON and the TabSeparated write`);
const clientDiffer = (await differ('bench_case_state_client', 'bench_case_state_tsv')) + (await differ('bench_case_state_tsv', 'bench_case_state_client'));
if (clientDiffer) console.error(`${clientDiffer} case_state rows differ between the client's and the raw TabSeparated insert`);
mismatches += writtenDiffer + clientDiffer;
for (const t of ['bench_case_state_json', 'bench_case_state_client', 'bench_case_state_tsv']) await ch.command({ query: `DROP TABLE ${db}.${t}` });

const rate = (p: typeof old, writeMs: number) => Math.round(p.events / ((p.readMs + p.deriveMs + writeMs) / 1000));
const s = (ms: number) => Number((ms / 1000).toFixed(2));
console.log(
  JSON.stringify({
    events: old.events,
    cases: old.rows.size,
    old: { readS: s(old.readMs), deriveS: s(old.deriveMs), writeS: s(oldWriteMs), eventsPerSecond: rate(old, oldWriteMs) },
    fast: { readS: s(fast.readMs), deriveS: s(fast.deriveMs), writeS: s(fastWriteMs), eventsPerSecond: rate(fast, fastWriteMs) },
    readRatio: Number((old.readMs / fast.readMs).toFixed(1)),
    writeRatio: Number((oldWriteMs / fastWriteMs).toFixed(1)),
    /** The TabSeparated write through the client's insert ÷ through the raw insert (same states, same engine). */
    clientWriteS: s(clientWriteMs),
    rawWriteRatio: Number((clientWriteMs / fastWriteMs).toFixed(2)),
    ratio: Number((rate(fast, fastWriteMs) / rate(old, oldWriteMs)).toFixed(1)),
    lookupMismatches,
    mismatches,
  }),
);
await ch.close();
process.exit(mismatches ? 1 : 0);
