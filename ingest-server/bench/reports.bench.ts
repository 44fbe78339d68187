/**
 * pnpm bench:reports — monthly and quarterly reports over ~10 million backfilled events, computed through the
 * daily rollups beside the same reports from the raw event log (the reference), in one run, alternating
 * rounds so machine noise hits both; prints the times, their ratio, and whether the figures are identical.
 * Also: the full rollup rebuild (the backfill step), the wudu and ranking endpoints, XLSX and PDF rendering.
 *
 *   pnpm bench:reports [--events 10000000] [--days 184] [--to 2025-12-31T23:00:00+08:00] [--rounds 3]
 *                      [--data-dir DIR] [--generator backfill|sql] [--log-level info]
 *
 * Data: `pnpm backfill` (ingest-server/src/cli/backfill.ts, the seeded simulator written in bulk) into a
 * fresh data dir, or with --generator sql an INSERT … SELECT from numbers() (simpler cases) when the
 * backfill CLI is absent. Case states are derived by the server's own start. With --data-dir the directory is
 * kept and reused by the next run (no second backfill); without it a temporary one is removed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { catalogue } from '@tongban/reference/catalogue';
import { DISTRICTS, type ReportDocument } from '@tongban/shared';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { migrate, MIGRATIONS } from '../src/clickhouse/migrations.ts';
import { METRIC_SETTINGS as SETTINGS } from '../src/metrics/clickhouse-rows.ts';
import { freePort } from '@tongban/fixtures/server-process';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '184' },
    to: { type: 'string', default: '2025-12-31T23:00:00+08:00' },
    rounds: { type: 'string', default: '3' },
    'data-dir': { type: 'string' },
    generator: { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
  },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
const keep = args['data-dir'] !== undefined;
const dataDir = path.resolve(args['data-dir'] ?? mkdtempSync(path.join(tmpdir(), 'tongban-bench-reports-')));
const backfillCli = path.join(serverDir, 'src/cli/backfill.ts');
const generator = args.generator ?? (existsSync(backfillCli) ? 'backfill' : 'sql');
const DB = 'tongban';

const n = (x: number) => Math.round(x).toLocaleString('en');
const log = (s: string) => console.error(`bench:reports: ${s}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function eventCount(): Promise<number> {
  if (!existsSync(path.join(dataDir, 'clickhouse'))) return 0;
  const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: DB });
  try {
    const rs = await ch.query({ query: `SELECT count() AS n FROM system.tables WHERE database = '${DB}' AND name = 'events'`, format: 'JSONEachRow', clickhouse_settings: SETTINGS });
    if (Number((await rs.json<{ n: number }>())[0]?.n ?? 0) === 0) return 0;
    const c = await ch.query({ query: `SELECT count() AS n FROM ${DB}.events`, format: 'JSONEachRow', clickhouse_settings: SETTINGS });
    return Number((await c.json<{ n: number }>())[0]?.n ?? 0);
  } finally {
    await ch.close();
  }
}

/** Simple cases straight from numbers(): 申办 → 受理 → 审核 → 办结 → 好差评, spread over the days. */
async function generateWithSql(): Promise<void> {
  const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: DB });
  try {
    await migrate(ch, DB, MIGRATIONS);
    const items = `[${catalogue.map((i) => `'${i.itemCode}'`).join(',')}]`;
    const districts = `[${DISTRICTS.map((d) => `'${d.code}'`).join(',')}]`;
    const to = Date.parse(args.to!);
    const span = Number(args.days) * 86_400_000;
    const cases = Math.ceil(EVENTS / 5);
    // Per case: 申办, 受理 30 min later, 审核 2 h later, 办结 0–6 days later, 好差评 a day after that.
    const offset = `multiIf(step = 0, 0, step = 1, 1800000, step = 2, 7200000, step = 3, 7200000 + (c % 7) * 86400000, 7200000 + (c % 7 + 1) * 86400000)`;
    await ch.command({
      query: `INSERT INTO ${DB}.events
        SELECT concat(case_id, '.', toString(step)) AS event_id, cityHash64(event_id) AS event_key, case_id,
          ['submitted', 'accepted', 'reviewed', 'completed', 'rated'][step + 1] AS type,
          fromUnixTimestamp64Milli(toInt64(start + ${offset}), 'Asia/Shanghai') AS occurred_at,
          now64(3) AS received_at, 'bench' AS source, if(step = 0, item, '') AS item_code, district AS district_code, '' AS township_code,
          '' AS village_code, 'district' AS level, '' AS department_code, if(step = 0, ['window', 'pc', 'mobile', 'kiosk'][c % 4 + 1], '') AS channel,
          concat('staff-', toString(c % 5000)) AS actor_id, if(step = 0, 'person', '') AS applicant_type, '' AS applicant_name,
          '' AS applicant_id_number, '' AS applicant_phone, if(step = 4, toNullable(toUInt8(c % 5 + 1)), NULL) AS rating,
          if(step = 3, toNullable(toUInt16(c % 3)), NULL) AS visits, '' AS note, [] AS dq_flags
        FROM (
          SELECT number AS c, concat('SQL', toString(number)) AS case_id, ${items}[number % ${catalogue.length} + 1] AS item,
            ${districts}[cityHash64(number) % ${DISTRICTS.length} + 1] AS district, ${to - span} + cityHash64(number, 1) % ${span} AS start
          FROM numbers(${cases})
        ) ARRAY JOIN range(5) AS step`,
      clickhouse_settings: { ...SETTINGS, max_partitions_per_insert_block: '1000' },
    });
  } finally {
    await ch.close();
  }
}

function backfill(): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', backfillCli, '--events', String(EVENTS), '--days', args.days!, '--to', args.to!, '--data-dir', dataDir], {
    cwd: serverDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`backfill failed (${r.status})`);
}

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: serverDir,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: args['log-level']!, DASHBOARD_DIR: '/nonexistent' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return { url, child };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

async function main() {
  let have = await eventCount();
  if (have === 0) {
    log(`generating about ${n(EVENTS)} events into ${dataDir} (${generator})`);
    const t = performance.now();
    if (generator === 'sql') await generateWithSql();
    else backfill();
    have = await eventCount();
    log(`${n(have)} events generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else log(`reusing ${n(have)} events in ${dataDir}`);

  log('starting the server (migrations, case states of every case, first rollup build)…');
  const started = performance.now();
  const { url, child } = await startServer();
  log(`server ready in ${((performance.now() - started) / 1000).toFixed(1)} s; waiting for the rollup`);
  const get = async <T>(p: string): Promise<T> => {
    const r = await fetch(`${url}${p}`);
    if (!r.ok) throw new Error(`${p}: HTTP ${r.status} ${(await r.text()).slice(0, 300)}`);
    return (await r.json()) as T;
  };
  try {
    for (;;) {
      const s = await get<{ ready: boolean }>('/api/v1/metrics/rollups');
      if (s.ready) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const admin = (p: string) => fetch(`${url}${p}`, { method: 'POST', headers: { authorization: 'Bearer dev-admin' } }).then((r) => r.json() as Promise<{ days: number }>);
    const rebuild = await timed(() => admin('/api/v1/metrics/rollups/rebuild'));
    log(`full rollup rebuild: ${rebuild.value.days} days in ${(rebuild.ms / 1000).toFixed(1)} s`);
    // Measure a settled system: no day left to rebuild (case states derived, nothing arriving), and the
    // scheduler's catch-up of missed reports (two minutes after start) done.
    for (let quiet = 0; quiet < 2; ) quiet = (await admin('/api/v1/metrics/rollups/refresh')).days === 0 ? quiet + 1 : 0;
    log('waiting for the scheduled catch-up reports…');
    for (const until = Date.now() + 10 * 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 2000))) {
      const { reports } = await get<{ reports: Array<{ trigger: string }> }>('/api/v1/reports?limit=500');
      if (reports.filter((r) => r.trigger === 'schedule').length >= 5) break;
    }
    const cutoff = encodeURIComponent(new Date(Date.now() - 5_000).toISOString());

    const month = args.to!.slice(0, 7);
    const quarter = `${args.to!.slice(0, 4)}-Q${Math.ceil(Number(args.to!.slice(5, 7)) / 3)}`;
    const cases: Array<{ name: string; rollup: string; raw: string; report: boolean }> = [
      { name: `monthly report ${month}`, rollup: `/api/v1/reports/monthly?period=${month}&fresh=1&cutoff=${cutoff}`, raw: `/api/v1/reports/monthly?period=${month}&fresh=1&cutoff=${cutoff}&source=raw`, report: true },
      { name: `quarterly report ${quarter}`, rollup: `/api/v1/reports/quarterly?period=${quarter}&fresh=1&cutoff=${cutoff}`, raw: `/api/v1/reports/quarterly?period=${quarter}&fresh=1&cutoff=${cutoff}&source=raw`, report: true },
      { name: `wudu ${quarter} (city)`, rollup: `/api/v1/metrics/wudu?period=${quarter}&source=rollup`, raw: `/api/v1/metrics/wudu?period=${quarter}&source=raw&cutoff=${cutoff}`, report: false },
      { name: `ranking ${quarter} (districts)`, rollup: `/api/v1/metrics/ranking?period=${quarter}&scope=district&source=rollup`, raw: `/api/v1/metrics/ranking?period=${quarter}&scope=district&source=raw&cutoff=${cutoff}`, report: false },
    ];
    const results: Array<{ name: string; rollupMs: number; rawMs: number; identical: boolean }> = [];
    let monthlyDoc: ReportDocument | undefined;
    for (const c of cases) {
      const rollupTimes: number[] = [];
      const rawTimes: number[] = [];
      let identical = true;
      for (let round = 0; round < ROUNDS; round++) {
        const a = await timed(() => get<Record<string, unknown>>(c.rollup));
        const b = await timed(() => get<Record<string, unknown>>(c.raw));
        rollupTimes.push(a.ms);
        rawTimes.push(b.ms);
        if (c.report) {
          const [x, y] = [a.value as unknown as ReportDocument, b.value as unknown as ReportDocument];
          if (x.source !== 'rollup' || y.source !== 'raw') throw new Error(`${c.name}: sources ${x.source} / ${y.source}`);
          const figures = (d: ReportDocument) => JSON.stringify([d.summary, d.ranking, d.overdue, d.bottlenecks, d.trends, d.comparisons]);
          identical &&= figures(x) === figures(y);
          monthlyDoc ??= x;
        } else {
          const strip = (o: Record<string, unknown>) => JSON.stringify({ ...o, source: '', cutoff: '' });
          identical &&= strip(a.value) === strip(b.value);
        }
      }
      results.push({ name: c.name, rollupMs: median(rollupTimes), rawMs: median(rawTimes), identical });
      log(`${c.name}: rollup ${median(rollupTimes).toFixed(0)} ms, raw ${median(rawTimes).toFixed(0)} ms`);
    }
    const xlsx = await timed(async () => (await fetch(`${url}/api/v1/reports/monthly?id=${monthlyDoc!.id}&format=xlsx`)).arrayBuffer());
    const pdf = await timed(async () => (await fetch(`${url}/api/v1/reports/monthly?id=${monthlyDoc!.id}&format=pdf`)).arrayBuffer());

    console.log(`\n${n(have)} events (${generator}), ${ROUNDS} rounds each, median times, same server, same run:\n`);
    console.log('| what | through rollups | from the raw log | ratio | same figures |');
    console.log('|---|---:|---:|---:|---|');
    for (const r of results) console.log(`| ${r.name} | ${r.rollupMs.toFixed(0)} ms | ${r.rawMs.toFixed(0)} ms | ${(r.rawMs / r.rollupMs).toFixed(1)}× | ${r.identical ? 'yes' : 'NO'} |`);
    console.log(`\nfull rollup rebuild (backfill step): ${rebuild.value.days} days in ${(rebuild.ms / 1000).toFixed(1)} s`);
    console.log(`monthly report rendering: XLSX ${xlsx.ms.toFixed(0)} ms (${n(xlsx.value.byteLength / 1024)} KB), PDF ${pdf.ms.toFixed(0)} ms (${n(pdf.value.byteLength / 1024)} KB)`);
    if (results.some((r) => !r.identical)) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
