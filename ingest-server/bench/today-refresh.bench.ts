/**
 * Today's rollup refresh (issue 16), what the metrics timer runs every 15 s: today rebuilt from the raw log
 * (RollupBuilder, the full path), timed per refresh and per statement, in two sweeps printed side by side:
 *   - `--dirs D1,D2`: on data dirs with history (e.g. the two `bench:scale --keep` leaves, the same density,
 *     10× the history): how the refresh grows with history at the same day;
 *   - `--per-day N1,N2`: N synthetic events today in a fresh data dir, nothing before (5 per case, 41 districts,
 *     300 items; the item only on the submitted event; no case states, so completions join nothing): how it
 *     grows with the day.
 * Each size in a child process (embedded ClickHouse binds one data dir per process). A data dir given is
 * changed only as a refresh changes it (today's rollup rows). Per size: the median of `--rounds` refreshes
 * after a warm-up, and the statements that took most of the last refreshes.
 *
 *   node --import tsx ingest-server/bench/today-refresh.bench.ts [--dirs D1,D2] [--per-day 1000000,5000000] [--rounds 3]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { addCalendarDays, shanghaiDate } from '@tongban/shared';
import { QUERY_SETTINGS, createClickhouse, type Clickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { everyMigration } from '../src/clickhouse/every-migration.ts';
import { migrate } from '../src/clickhouse/migrations.ts';
import { RollupBuilder } from '../src/metrics/rollup-builder.ts';

const { values: args } = parseArgs({
  options: {
    dirs: { type: 'string', default: '' },
    'per-day': { type: 'string', default: '' },
    rounds: { type: 'string', default: '3' },
    child: { type: 'string' },
  },
});
const rounds = Number(args.rounds);
/** At most this many warm-up refreshes before timing (a refresh after it that rebuilds more than today says so in the table). */
const MAX_WARM_UPS = 10;
const DB = 'tongban';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Result {
  size: string;
  eventsToday: number;
  eventsStored: number;
  refreshMs: number[];
  /** Days each timed refresh rebuilt (1: today alone, as meant). */
  daysRebuilt: number[];
  /** Statement shape → ms per refresh (over the timed refreshes). */
  statements: [string, number][];
}

/** Times every statement the builder sends (by its first words), without changing what it gets back. */
function timedClient(ch: Clickhouse, times: Map<string, number>): Clickhouse {
  const shape = (q: string) => {
    const s = q.replace(/\s+/g, ' ').trim();
    const copy = /^INSERT INTO (\S+) SELECT \* FROM/.exec(s);
    if (copy) return `copy of the month's other days into ${copy[1]}`;
    return s.replace(/^(INSERT INTO \S+|SELECT .{0,40}?FROM \S+|\S+ \S+ \S+).*$/, '$1');
  };
  const wrap = <A extends { query?: string; table?: string }, R>(f: (a: A) => Promise<R>) => async (a: A) => {
    const t = performance.now();
    const r = await f(a);
    // A query's rows are read by the caller: wait for them here, so the time is the engine's.
    const text = r && typeof (r as { text?: unknown }).text === 'function' ? await (r as unknown as { text: () => Promise<string> }).text() : undefined;
    const k = a.table ? `INSERT INTO ${a.table}` : shape(a.query ?? '');
    times.set(k, (times.get(k) ?? 0) + performance.now() - t);
    if (text === undefined) return r;
    return Object.assign(r as object, { text: async () => text, json: async () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown) }) as R;
  };
  return new Proxy(ch, {
    get(target, p, receiver) {
      const v = Reflect.get(target, p, receiver) as unknown;
      return (p === 'query' || p === 'command' || p === 'insert') && typeof v === 'function' ? wrap(v.bind(target) as never) : v;
    },
  });
}

const count = async (ch: Clickhouse, where: string, params: Record<string, unknown> = {}) =>
  Number(((await (await ch.query({ query: `SELECT count() AS n FROM ${DB}.events ${where}`, query_params: params, format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS })).json<{ n: string }>())[0]!).n);

/** `n` synthetic events today (Asia/Shanghai), 5 per case, received a minute ago. */
async function insertToday(ch: Clickhouse, n: number): Promise<void> {
  const now = Date.now();
  const today = shanghaiDate(now);
  const midnight = Date.parse(`${today}T00:00:00+08:00`);
  const span = Math.max(3_600_000, now - 120_000 - midnight);
  for (let from = 0; from < n; from += 1_000_000) {
    await ch.command({
      query: `INSERT INTO ${DB}.events (event_id, event_key, case_id, type, occurred_at, received_at, source, item_code, district_code, level, channel, rating, visits)
        SELECT concat('b', toString(number)) AS event_id, cityHash64(event_id),
               concat('YKB', toString(500101 + intDiv(number, 5) % 41), {compact:String}, leftPad(toString(intDiv(number, 5)), 9, '0')) AS case_id,
               ['submitted', 'accepted', 'supplement_requested', 'completed', 'rated'][number % 5 + 1] AS type,
               fromUnixTimestamp64Milli(toInt64({midnight:Int64} + (cityHash64(case_id) % {span:UInt64}) * 0.8 + (number % 5) * 60000 * (1 + cityHash64(case_id, 1) % 60)), 'Asia/Shanghai'),
               fromUnixTimestamp64Milli({received:Int64}, 'Asia/Shanghai'), 'bench',
               if(type = 'submitted', concat('ITEM-', toString(cityHash64(case_id, 2) % 300)), ''),
               toString(500101 + intDiv(number, 5) % 41), 'district', ['window', 'pc', 'mobile', 'kiosk'][1 + cityHash64(case_id, 4) % 4],
               if(type = 'rated', toUInt8(1 + cityHash64(case_id, 5) % 5), NULL), if(type = 'completed', toUInt16(cityHash64(case_id, 6) % 3), NULL)
        FROM numbers({from:UInt64}, {count:UInt64})`,
      query_params: { midnight, span, received: now - 60_000, from, count: Math.min(1_000_000, n - from), compact: today.replaceAll('-', '') },
      clickhouse_settings: { ...QUERY_SETTINGS, max_insert_block_size: '1000000' },
    });
  }
}

async function child(spec: string): Promise<Result> {
  const synthetic = /^\d+$/.test(spec);
  const dataDir = synthetic ? mkdtempSync(path.join(tmpdir(), 'today-refresh-bench-')) : spec;
  const raw = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: DB });
  try {
    if (synthetic) {
      await raw.command({ query: `CREATE DATABASE IF NOT EXISTS ${DB}` });
      await migrate(raw, DB, await everyMigration());
      await insertToday(raw, Number(spec));
    }
    const times = new Map<string, number>();
    const ch = timedClient(raw, times);
    const builder = new RollupBuilder({ ch, db: DB, logger: pino({ level: 'silent' }), now: Date.now, settleMs: 3_000 });
    const today = shanghaiDate(Date.now());
    const refreshToday = async () => {
      builder.markDays([today]);
      const t = performance.now();
      const r = await builder.refresh();
      return { ms: performance.now() - t, days: r.days };
    };
    // Warm-up: the first refreshes also rebuild the days whose case states changed since the builder's first
    // look (on a fresh backfill, for minutes): until a refresh rebuilds today alone.
    for (let w = 0; w < MAX_WARM_UPS && (await refreshToday()).days > 1; w++);
    times.clear();
    const refreshMs: number[] = [];
    const daysRebuilt: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const { ms, days } = await refreshToday();
      refreshMs.push(ms);
      daysRebuilt.push(days);
    }
    const day = { from: today, to: addCalendarDays(today, 1) };
    return {
      size: synthetic ? `${Number(spec).toLocaleString('en-US')} events today, no history` : path.basename(spec),
      eventsToday: await count(raw, `WHERE occurred_at >= toDateTime64({from:String}, 3, 'Asia/Shanghai') AND occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai')`, day),
      eventsStored: await count(raw, ''),
      refreshMs,
      daysRebuilt,
      statements: [...times].map(([k, ms]) => [k, ms / rounds] as [string, number]).sort((a, b) => b[1] - a[1]).slice(0, 6),
    };
  } finally {
    await raw.close();
    if (synthetic) rmSync(dataDir, { recursive: true, force: true });
  }
}

function runChild(spec: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', spec, '--rounds', String(rounds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Result) : reject(new Error(`child ${spec} exited ${code}`))));
  });
}

function table(results: Result[]): string {
  const [a, b] = results;
  const lines = [`| measure | ${results.map((r) => r.size).join(' | ')} |${b ? ' ratio |' : ''}`, `|---|${results.map(() => '---|').join('')}${b ? '---|' : ''}`];
  const row = (name: string, f: (r: Result) => number, digits = 0) =>
    lines.push(`| ${name} | ${results.map((r) => f(r).toLocaleString('en-US', { maximumFractionDigits: digits })).join(' | ')} |${a && b ? ` ${(f(b) / f(a)).toFixed(2)} |` : ''}`);
  row('events stored', (r) => r.eventsStored);
  row('events today', (r) => r.eventsToday);
  row(`refresh of today, ms (median of ${rounds})`, (r) => median(r.refreshMs));
  row('days rebuilt per timed refresh, most (1: today alone)', (r) => Math.max(...r.daysRebuilt));
  const shapes = [...new Set(results.flatMap((r) => r.statements.slice(0, 4).map(([k]) => k)))];
  for (const k of shapes) row(`of it: ${k.replaceAll('|', '\\|')}, ms`, (r) => r.statements.find(([s]) => s === k)?.[1] ?? 0);
  return lines.join('\n');
}

if (args.child) {
  console.log(JSON.stringify(await child(args.child)));
} else {
  const sweeps = [args.dirs, args['per-day']].map((s) => s.split(',').filter(Boolean)).filter((s) => s.length);
  if (!sweeps.length) throw new Error('usage: today-refresh.bench.ts [--dirs D1,D2] [--per-day N1,N2] [--rounds 3]');
  for (const specs of sweeps) {
    const results: Result[] = [];
    for (const spec of specs) {
      results.push(await runChild(spec));
      console.error(`${results.at(-1)!.size}: refreshes ${results.at(-1)!.refreshMs.map((ms) => ms.toFixed(0)).join(' / ')} ms`);
    }
    console.log(table(results) + '\n');
  }
}
