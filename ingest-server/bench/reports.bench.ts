/**
 * pnpm bench:reports — monthly and quarterly reports over ~10 million backfilled events, computed through the
 * daily rollups beside the same reports from the raw event log (the reference), in one run, alternating
 * rounds so machine noise hits both; prints the times, their ratio, and whether the figures are identical.
 * Also: the full rollup rebuild (the backfill step), the wudu and ranking endpoints, XLSX and PDF rendering.
 *
 *   pnpm bench:reports [--events 10000000] [--days 184] [--to 2025-12-31T23:00:00+08:00] [--rounds 3]
 *                      [--data-dir DIR] [--generator backfill|sql] [--log-level info] [--overdue 100000] [--only overdue]
 *
 * Then (unless --overdue 0): a quarter with 100,000 overdue cases in a data dir of its own: the quarterly
 * report, its streamed XLSX and the overdue CSV, timed, with the server's peak resident set in each phase.
 * `--only overdue` runs just that part (no backfill).
 *
 * Data: `pnpm backfill` (ingest-server/src/cli/backfill.ts, the seeded simulator written in bulk) into a
 * fresh data dir, or with --generator sql an INSERT … SELECT from numbers() (simpler cases) when the
 * backfill CLI is absent. Case states are derived by the server's own start. With --data-dir the directory is
 * kept and reused by the next run (no second backfill); without it a temporary one is removed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
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
    /** Overdue cases of the quarterly XLSX export benchmark (0: skip it). */
    overdue: { type: 'string', default: '100000' },
    /** `overdue`: only the export benchmark (it needs no backfill). */
    only: { type: 'string' },
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

async function startServer(dir = dataDir, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: serverDir,
    env: { ...process.env, PORT: String(port), DATA_DIR: dir, LOG_LEVEL: args['log-level']!, DASHBOARD_DIR: '/nonexistent', ...env },
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

/** Resident set of a process now and its peak since the last reset (Linux /proc). */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
}
/** Resets the peak resident set of a process (writing 5 to clear_refs), so the next peak is one phase's. */
const resetPeak = (pid: number) => writeFileSync(`/proc/${pid}/clear_refs`, '5');
const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

/**
 * A quarter with N overdue cases (default 100,000: 申办 and 受理 in July–August 2025, never completed): the
 * quarterly report (which writes the complete overdue list beside it), then its XLSX (streamed) and the
 * overdue CSV, each timed, with the server's resident set before and its peak during each phase.
 */
async function overdueExportBench(count: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tongban-bench-overdue-'));
  try {
    log(`overdue export: ${n(count)} overdue cases into ${dir}`);
    const ch = createClickhouse({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: DB });
    try {
      await migrate(ch, DB, MIGRATIONS);
      const usable = catalogue.filter((i) => i.level !== 'city' && i.promisedLimitDays > 0 && i.promisedLimitDays <= 20);
      const items = `[${usable.map((i) => `'${i.itemCode}'`).join(',')}]`;
      const districts = `[${DISTRICTS.map((d) => `'${d.code}'`).join(',')}]`;
      const start = Date.parse('2025-07-01T09:00:00+08:00');
      const span = 61 * 86_400_000;
      await ch.command({
        query: `INSERT INTO ${DB}.events
          SELECT concat(case_id, '.', toString(step)) AS event_id, cityHash64(event_id) AS event_key, case_id,
            ['submitted', 'accepted'][step + 1] AS type,
            fromUnixTimestamp64Milli(toInt64(t + step * 1800000), 'Asia/Shanghai') AS occurred_at,
            now64(3) AS received_at, 'bench' AS source, if(step = 0, item, '') AS item_code, district AS district_code, '' AS township_code,
            '' AS village_code, 'district' AS level, '' AS department_code, if(step = 0, 'window', '') AS channel,
            concat('staff-', toString(c % 5000)) AS actor_id, if(step = 0, 'person', '') AS applicant_type, if(step = 0, '王晓红', '') AS applicant_name,
            '' AS applicant_id_number, if(step = 0, '13987654321', '') AS applicant_phone, NULL AS rating, NULL AS visits, '' AS note, [] AS dq_flags
          FROM (
            SELECT number AS c, concat('OD', toString(number)) AS case_id, ${items}[number % ${usable.length} + 1] AS item,
              ${districts}[cityHash64(number) % ${DISTRICTS.length} + 1] AS district,
              ${start} + (cityHash64(number, 1) % ${span / 3_600_000}) * 3600000 AS t
            FROM numbers(${count})
          ) ARRAY JOIN range(2) AS step`,
        clickhouse_settings: { ...SETTINGS, max_partitions_per_insert_block: '1000' },
      });
    } finally {
      await ch.close();
    }
    const { url, child } = await startServer(dir, { REPORTS_SCHEDULE: 'off' });
    const pid = child.pid!;
    try {
      const get = async (p: string) => {
        const r = await fetch(`${url}${p}`);
        if (!r.ok) throw new Error(`${p}: HTTP ${r.status} ${(await r.text()).slice(0, 300)}`);
        return r;
      };
      // The case states are derived at start-up; wait until every case is overdue in the report's terms.
      let doc: ReportDocument | undefined;
      const report = await timed(async () => {
        for (const until = Date.now() + 10 * 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 2000))) {
          const w = (await (await get('/api/v1/metrics/wudu?period=2025-Q3&source=raw')).json()) as { headline: { counts: { accepted: number } } };
          if (w.headline.counts.accepted >= count) return;
        }
        throw new Error('case states not derived in time');
      });
      log(`case states ready (${(report.ms / 1000).toFixed(1)} s)`);
      const before = rss(pid);
      resetPeak(pid);
      const built = await timed(async () => (doc = (await (await get('/api/v1/reports/quarterly?period=2025-Q3&fresh=1')).json()) as ReportDocument));
      const afterBuild = rss(pid);
      resetPeak(pid);
      const xlsx = await timed(async () => (await get(`/api/v1/reports/quarterly?id=${doc!.id}&format=xlsx`)).arrayBuffer());
      const afterXlsx = rss(pid);
      resetPeak(pid);
      const csv = await timed(async () => (await get(`/api/v1/reports/quarterly?id=${doc!.id}&format=csv&table=overdue`)).arrayBuffer());
      const afterCsv = rss(pid);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.value);
      const rows = wb.getWorksheet('超期办件')!.rowCount - 1;
      const csvRows = Buffer.from(csv.value).toString('utf8').split('\r\n').filter(Boolean).length - 1;
      console.log(`\nquarterly report 2025-Q3 with ${n(doc!.overdue.total)} overdue cases (server resident set ${mb(before.now)} before):\n`);
      console.log('| phase | time | peak RSS of the server during it | RSS after |');
      console.log('|---|---:|---:|---:|');
      console.log(`| build (JSON + complete overdue list written) | ${(built.ms / 1000).toFixed(1)} s | ${mb(afterBuild.peak)} | ${mb(afterBuild.now)} |`);
      console.log(`| XLSX, streamed (${n(xlsx.value.byteLength / 1024)} KB, ${n(rows)} overdue rows) | ${(xlsx.ms / 1000).toFixed(1)} s | ${mb(afterXlsx.peak)} | ${mb(afterXlsx.now)} |`);
      console.log(`| overdue CSV (${n(csv.value.byteLength / 1024)} KB, ${n(csvRows)} rows) | ${(csv.ms / 1000).toFixed(1)} s | ${mb(afterCsv.peak)} | ${mb(afterCsv.now)} |`);
      if (rows !== doc!.overdue.total || csvRows !== doc!.overdue.total || doc!.overdue.total < count) {
        console.log(`MISMATCH: ${count} cases, report ${doc!.overdue.total}, XLSX ${rows}, CSV ${csvRows}`);
        process.exitCode = 1;
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const overdueCount = Number(args.overdue);
(args.only === 'overdue' ? Promise.resolve() : main())
  .then(() => (overdueCount > 0 && process.exitCode !== 1 ? overdueExportBench(overdueCount) : undefined))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
