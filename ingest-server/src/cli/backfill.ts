/**
 * pnpm backfill — N days of simulated history written in bulk straight into ClickHouse (not through the
 * ingest API), for demos and benchmarks at realistic volume.
 *
 *   pnpm backfill [--days 30] [--events 1000000 | --cases-per-day N] [--seed 1] [--to ISO] [--data-dir DIR] [--batch 200000]
 *                 [--round-the-clock] [--if-empty]
 *
 * --round-the-clock: the demo's back office working at any hour (as `simulate live --round-the-clock`);
 * --if-empty: do nothing when the data dir holds any event (pnpm start's first run).
 *
 * The range is the `--days` whole days before the day of `--to` (default now) plus that day up to `--to`;
 * lifecycles still running at `--to` stay open. The server must not be running on the same data dir
 * (embedded ClickHouse is one process per directory): the data-dir lock refuses it with a message.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { casesPerDayForEvents, simulateSteps } from '@tongban/fixtures';
import { buildApp } from '../app.ts';
import { ItemCatalogue } from '../catalogue/item-catalogue.store.ts';
import { QUERY_SETTINGS } from '../clickhouse/clickhouse-client.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { lockDataDir } from '../data-dir-lock.ts';
import { createLogger } from '../logger.ts';
import { shanghaiDateTime, shanghaiIso } from '@tongban/shared';
import { STEP_COLUMNS, StepLines, writeBulk } from './bulk-writer.ts';

const DAY = 86_400_000;
const SHANGHAI = 8 * 3_600_000;

class UsageError extends Error {}

const USAGE = 'usage: pnpm backfill [--days 30] [--events 1000000 | --cases-per-day N] [--seed 1] [--to ISO] [--data-dir DIR] [--batch 200000] [--round-the-clock] [--if-empty]';

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

const n = (x: number) => Math.round(x).toLocaleString('en');
const progressBar = (share: number, width = 30) => `[${'█'.repeat(Math.round(share * width))}${'░'.repeat(width - Math.round(share * width))}]`;
const duration = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`);

async function main(argv: string[]): Promise<void> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      days: { type: 'string', default: '30' },
      events: { type: 'string' },
      'cases-per-day': { type: 'string' },
      seed: { type: 'string', default: '1' },
      to: { type: 'string' },
      'data-dir': { type: 'string' },
      batch: { type: 'string', default: '200000' },
      'round-the-clock': { type: 'boolean', default: false },
      'if-empty': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (a.help) {
    console.log(USAGE);
    return;
  }
  const days = positive(a.days, 'days', 30);
  const batchRows = Math.round(positive(a.batch, 'batch', 200_000));
  const seed = /^\d+$/.test(a.seed) ? Number(a.seed) : a.seed;
  const to = a.to === undefined ? Date.now() : Date.parse(a.to);
  if (Number.isNaN(to) || (a.to !== undefined && !/(Z|[+-]\d{2}:\d{2})$/.test(a.to))) throw new UsageError('--to must be ISO 8601 with an offset');
  if (to > Date.now() + 60_000) throw new UsageError('--to lies in the future: history cannot be written ahead of the clock');
  const from = (Math.floor((to + SHANGHAI) / DAY) - Math.floor(days)) * DAY - SHANGHAI;
  const range = { seed, from, to, until: to, roundTheClock: a['round-the-clock'] };

  const base = loadConfig();
  const config = backfillConfig(base, a['data-dir']);
  const release = config.clickhouseUrl ? () => undefined : lockDataDir(config.dataDir, 'backfill');
  let app: FastifyInstance | undefined;
  try {
    const target = a['cases-per-day'] === undefined ? positive(a.events, 'events', 1_000_000) : undefined;
    const casesPerDay = a['cases-per-day'] !== undefined ? positive(a['cases-per-day'], 'cases-per-day', 1) : casesPerDayForEvents(target!, range);
    console.error(
      `backfill: ${shanghaiIso(from).slice(0, 16)} → ${shanghaiIso(to).slice(0, 16)} (Asia/Shanghai), seed ${seed}, ` +
        `${n(casesPerDay)} applications per working day${target ? ` (for about ${n(target)} events)` : ''}, ` +
        `into ${config.clickhouseUrl ?? path.join(config.dataDir, 'clickhouse')}`,
    );

    // The server's own start-up: every migration of every feature (their materialized views must exist
    // before the rows go in), the item catalogue seeded.
    app = await buildApp(config, createLogger('warn'));
    await app.tongban.start();
    const ch = app.tongban.clickhouse;
    const db = config.clickhouseDatabase;
    const existing = await ch.query({
      query: `SELECT count() AS n FROM ${db}.events WHERE occurred_at >= fromUnixTimestamp64Milli({from:Int64}) AND occurred_at < fromUnixTimestamp64Milli({to:Int64})`,
      query_params: { from, to },
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    const [{ n: already } = { n: 0 }] = await existing.json<{ n: number }>();
    if (a['if-empty']) {
      const any = await ch.query({ query: `SELECT count() AS n FROM ${db}.events`, format: 'JSONEachRow', clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 } });
      const [{ n: stored } = { n: 0 }] = await any.json<{ n: number }>();
      if (Number(stored) > 0) {
        console.error(`backfill: ${config.dataDir} already holds ${n(Number(stored))} events; nothing to do (--if-empty)`);
        console.log(JSON.stringify({ events: 0, skipped: true }));
        return;
      }
    }
    if (Number(already) > 0) {
      throw new UsageError(`${config.dataDir} already holds ${n(Number(already))} events in that range; use a fresh --data-dir or another --to/--days`);
    }
    const catalogue = new ItemCatalogue(ch, db);
    await catalogue.load();

    const started = performance.now();
    let lastReport = 0;
    const expected = target ?? 0;
    const tty = process.stderr.isTTY === true;
    const lines = new StepLines('backfill', shanghaiDateTime(Date.now()), (code) => catalogue.has(code), config.piiKeys);
    const written = await writeBulk({
      clickhouse: ch,
      db,
      columns: STEP_COLUMNS,
      lines: (function* () {
        for (const ref of simulateSteps({ ...range, casesPerDay })) yield lines.line(ref);
      })(),
      batchRows,
      onBatch(done) {
        const s = (performance.now() - started) / 1000;
        if (s - lastReport < (tty ? 0.25 : 2) && done < expected) return;
        lastReport = s;
        const rate = done / s;
        // Progress by simulated time: the run ends at --to whatever the event count turns out to be.
        const share = Math.min(1, Math.max(0, (lines.lastAt - from) / (to - from)));
        const eta = share > 0.02 ? ` · ETA ${duration((s / share) * (1 - share))}` : '';
        const line = `backfill ${progressBar(share)} ${(share * 100).toFixed(0).padStart(3)}% · ${n(done)} events · ${n(rate)} events/s · simulated ${shanghaiIso(lines.lastAt).slice(0, 16)}${eta}`;
        if (tty) process.stderr.write(`\r${line}\x1b[K`);
        else console.error(line);
      },
    });
    if (tty) process.stderr.write('\n');
    const seconds = (performance.now() - started) / 1000;
    console.error(`backfill: wrote ${n(written)} events in ${duration(seconds)} (${n(written / seconds)} events/s)`);

    // Recorded with the data: whichever command serves this data dir, the wall says 演示数据.
    await app.tongban.flags.set('simulated', '1', 'backfill');
    await deriveCaseStates(app, config);
    console.log(JSON.stringify({ events: written, seconds: Number(seconds.toFixed(1)), eventsPerSecond: Math.round(written / seconds), from: shanghaiIso(from), to: shanghaiIso(to), seed, casesPerDay }));
  } finally {
    await app?.close();
    release();
  }
}

/**
 * The server's configuration for a backfill: no scheduled report is built while it runs (the catch-up would
 * otherwise build, and store as final, a report of a period whose events are still being written), and the
 * derivation watermark is set only after the bulk derivation, and the background jobs' timers stay off (their
 * work is done once, after the derivation).
 */
function backfillConfig(base: Config, dataDir: string | undefined): Config {
  // The derivation watermark advances only once every case is derived (afterBulkLoad), never on a timer
  // while rows are written around ingest.
  return {
    ...base,
    dataDir: dataDir ? path.resolve(dataDir) : base.dataDir,
    logLevel: 'warn',
    reports: { ...base.reports, schedule: 'off' },
    scale: { ...base.scale, derivationWatermarkMs: 0, bulkLoad: true },
  };
}

/** After the bulk write, every feature derives what depends on the events (case states, metric rollups). */
async function deriveCaseStates(app: FastifyInstance, _config: Config): Promise<void> {
  await app.tongban.afterBulkLoad((message) => console.log(message));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError) {
      console.error(err.message);
      if (err instanceof UsageError) console.error(USAGE);
      process.exit(2);
    }
    console.error(err instanceof Error && /is in use by process/.test(err.message) ? `backfill refused: ${err.message} (the server or another backfill holds it)` : err);
    process.exit(1);
  },
);
