/**
 * The stage-dwell rollup behind GET /api/v1/bottlenecks (issue 16), side by side at two history sizes in one
 * run: the same simulated city at the same density (events per day), so the larger is a longer history.
 * One embedded engine (chDB, one data dir), one database per size. For each size:
 *   - load: simulated events inserted into `events` (the views fill `case_events` and `event_arrivals`);
 *   - the rollup's full build (StageDwells.buildAll, what a first start or a backfill runs), and an
 *     incremental refresh of a tail of recently stored cases;
 *   - a month's bottlenecks by stage, department (the route's default) and by all four dimensions: the raw-log
 *     query (bottlenecksFromLog, the old route) and the rollup (bottlenecks), median of 7 after a warm-up;
 *     the rollup read once with the raw tail empty (everything stored long before the mark) and once with the
 *     cases of the latest TAIL_EVENTS events stored since the mark;
 *   - the two answers compared (every group, sorted).
 * Then the ratio large ÷ small of each.
 *
 *   node --import tsx ingest-server/bench/dwell-rollup.bench.ts [--sizes 200000,2000000] [--per-day 6667]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { casesPerDayForEvents, simulateEvents } from '@tongban/fixtures';
import { shanghaiDate, type CaseEvent } from '@tongban/shared';
import { QUERY_SETTINGS, createClickhouse, type Clickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { everyMigration } from '../src/clickhouse/every-migration.ts';
import { migrate } from '../src/clickhouse/migrations.ts';
import { toEventRow } from '../src/events/event-row.ts';
import { BOTTLENECK_DIMENSIONS, bottlenecks, bottlenecksFromLog, type BottleneckDimension } from '../src/supervision/bottlenecks.query.ts';
import { StageDwells } from '../src/supervision/stage-dwells.ts';

const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '200000,2000000' }, 'per-day': { type: 'string', default: '6667' } } });
const sizes = args.sizes.split(',').map((s) => Number(s.replaceAll('_', '')));
const perDay = Number(args['per-day']);
const DAY = 86_400_000;
/** The raw tail read: the cases of the latest TAIL_EVENTS events (by occurred_at) stored since the mark, as a live feed's last half minute. */
const TAIL_EVENTS = 5_000;
const END = Date.parse('2026-11-01T00:00:00+08:00');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(f: () => Promise<unknown>): Promise<number> {
  await f();
  const ms: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return Math.round(median(ms) * 10) / 10;
}
const cmd = (ch: Clickhouse, query: string) => ch.command({ query, clickhouse_settings: QUERY_SETTINGS });
const scalar = async (ch: Clickhouse, query: string) => Number(((await (await ch.query({ query, format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS })).json<{ n: string }>())[0]!).n);

async function load(ch: Clickhouse, db: string, events: number): Promise<{ events: number; ms: number; month: string }> {
  const days = Math.max(1, Math.round(events / perDay));
  const from = END - days * DAY;
  const options = { seed: 'dwell-bench', from: new Date(from).toISOString(), to: new Date(END).toISOString(), until: new Date(END).toISOString() };
  const casesPerDay = casesPerDayForEvents(events, options);
  const t = performance.now();
  let batch: CaseEvent[] = [];
  let n = 0;
  const flush = async () => {
    await ch.insert({ table: `${db}.events`, values: batch.map((e) => toEventRow(e, 'bench', Date.parse(e.occurredAt), [])), format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS });
    n += batch.length;
    batch = [];
  };
  for (const e of simulateEvents({ ...options, casesPerDay })) {
    batch.push(e);
    if (batch.length === 50_000) await flush();
  }
  if (batch.length) await flush();
  await cmd(ch, `OPTIMIZE TABLE ${db}.case_events FINAL`);
  // The last whole month of the history (Asia/Shanghai).
  const month = shanghaiDate(END - DAY).slice(0, 7);
  return { events: n, ms: Math.round(performance.now() - t), month };
}

/** As if every event had been stored an hour ago (the readers' raw tail empty), but the latest `recent` just now. */
async function arrivals(ch: Clickhouse, db: string, recent: number): Promise<void> {
  await cmd(ch, `TRUNCATE TABLE ${db}.event_arrivals`);
  await cmd(ch, `INSERT INTO ${db}.event_arrivals SELECT now64(3, 'Asia/Shanghai') - INTERVAL 1 HOUR, event_key, case_id FROM ${db}.events`);
  if (recent) await cmd(ch, `INSERT INTO ${db}.event_arrivals SELECT now64(3, 'Asia/Shanghai'), event_key, case_id FROM ${db}.events ORDER BY occurred_at DESC LIMIT ${recent}`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'tongban-dwell-bench-'));
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'bench' });
const results: Array<Record<string, string | number>> = [];
try {
  const migrations = await everyMigration();
  for (const size of sizes) {
    const db = `dwell_${size}`;
    await migrate(ch, db, migrations);
    const loaded = await load(ch, db, size);
    await arrivals(ch, db, 0);
    const dwells = new StageDwells({ ch, db, logger: pino({ level: 'silent' }), now: Date.now });
    const built = await dwells.buildAll();
    await cmd(ch, `OPTIMIZE TABLE ${db}.stage_dwells FINAL`);
    const last = new Date(Date.UTC(Number(loaded.month.slice(0, 4)), Number(loaded.month.slice(5, 7)), 0)).getUTCDate();
    const range = { from: `${loaded.month}-01`, to: `${loaded.month}-${String(last).padStart(2, '0')}`, limit: 20 };
    const row: Record<string, string | number> = { events: loaded.events, 'load ms': loaded.ms, 'full build ms': built.ms, month: loaded.month };
    row['month events'] = await scalar(ch, `SELECT count() AS n FROM ${db}.case_events WHERE toYYYYMM(occurred_at) = ${loaded.month.replace('-', '')}`);
    row['rollup rows'] = await scalar(ch, `SELECT count() AS n FROM ${db}.stage_dwells`);
    for (const [name, by] of [['stage,department', ['stage', 'department']], ['all 4', [...BOTTLENECK_DIMENSIONS]]] as Array<[string, BottleneckDimension[]]>) {
      const q = { ...range, by };
      row[`old ${name} ms`] = await timed(() => bottlenecksFromLog(ch, db, q));
      row[`new ${name} ms`] = await timed(() => bottlenecks(ch, db, q));
      const all = { ...q, limit: 1_000_000 };
      const same = JSON.stringify((await bottlenecks(ch, db, all)).map((r) => JSON.stringify(r)).sort()) === JSON.stringify((await bottlenecksFromLog(ch, db, all)).map((r) => JSON.stringify(r)).sort());
      row[`same ${name}`] = same ? 'yes' : 'NO';
    }
    await arrivals(ch, db, TAIL_EVENTS);
    const q = { ...range, by: ['stage', 'department'] as BottleneckDimension[] };
    row[`new stage,department with ${TAIL_EVENTS} tail events ms`] = await timed(() => bottlenecks(ch, db, q));
    const refreshed = await dwells.refresh();
    row[`refresh of ${TAIL_EVENTS} events' cases ms`] = refreshed.ms;
    results.push(row);
    console.error(JSON.stringify(row));
  }
  const [small, large] = results as [Record<string, number>, Record<string, number>];
  console.log('\n| measure | ' + sizes.map((s) => s.toLocaleString('en')).join(' | ') + ' | ratio |');
  console.log('|---|---|---|---|');
  for (const k of Object.keys(small)) {
    const ratio = typeof small[k] === 'number' && typeof large[k] === 'number' && small[k] > 0 && /ms$/.test(k) ? (large[k] / small[k]).toFixed(2) : '';
    console.log(`| ${k} | ${small[k]} | ${large[k]} | ${ratio} |`);
  }
} finally {
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
}
