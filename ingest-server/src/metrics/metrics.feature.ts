import path from 'node:path';
import type { FeatureFactory } from '../feature.ts';
import { ReportBuilder } from '../reports/report-builder.ts';
import { reportCsv } from '../reports/report-csv.ts';
import { ReportListsQuery } from '../reports/report-lists.query.ts';
import { reportPdf } from '../reports/report-pdf.ts';
import { ReportScheduler, systemClock } from '../reports/report-scheduler.ts';
import { ReportService } from '../reports/report-service.ts';
import { ReportStore } from '../reports/report-store.ts';
import { reportXlsx } from '../reports/report-xlsx.ts';
import { reportsRoutes } from '../reports/reports.route.ts';
import { selectRows } from './clickhouse-rows.ts';
import { MetricConfigStore } from './metric-config.store.ts';
import { MetricFactsRepository } from './metric-facts.repository.ts';
import { METRICS_MIGRATIONS } from './metrics.migrations.ts';
import { metricsRoutes } from './metrics.route.ts';
import { MetricsService } from './metrics-service.ts';
import { RollupBuilder } from './rollup-builder.ts';

/** How often dirty days are rebuilt into the rollups. */
const REFRESH_INTERVAL_MS = 15_000;
/** Every this many refreshes, the event count of every day is checked against its build (the safety net). */
const COUNT_CHECK_EVERY = 40;

/**
 * 五度 metrics, the efficiency index and rankings (GET /api/v1/metrics/…), their daily rollups, and the
 * reports 日扫描 · 周调度 · 月通报 · 季分析 · 年考评 (generated on schedule and on demand, stored under
 * DATA_DIR/reports, GET /api/v1/reports/…).
 */
export const metricsFeature: FeatureFactory = (ctx) => {
  const { clickhouse: ch, db } = ctx;
  const log = ctx.logger.child({ component: 'metrics' });
  // An accepted event reaches ClickHouse within the batcher's age bound; a margin covers the insert itself.
  const settleMs = ctx.config.flushMaxAgeMs + 2_000;
  const calendar = () => ctx.calendar.calendar;
  const repo = new MetricFactsRepository(ch, db);
  const builder = new RollupBuilder({ ch, db, logger: log, now: ctx.now, settleMs });
  const config = new MetricConfigStore(ch, db);
  const metrics = new MetricsService({ repo, builder, catalogue: ctx.catalogue, config, calendar, now: ctx.now, settleMs });
  const store = new ReportStore(ch, db, path.join(ctx.config.dataDir, 'reports'), { xlsx: reportXlsx, pdf: reportPdf, csv: reportCsv });
  const reports = new ReportService({
    builder: new ReportBuilder({ metrics, lists: new ReportListsQuery(ch, db, ctx.config.piiKeys), repo, calendar, now: ctx.now }),
    store,
    now: ctx.now,
    logger: log,
  });
  const scheduler = new ReportScheduler({
    clock: { ...systemClock, now: ctx.now },
    logger: log,
    // Missed runs are caught up two minutes after start, not during start-up (and not in short test runs).
    catchUpDelayMs: 2 * 60_000,
    async run(kind, period) {
      const doc = await reports.generate({ kind, period, scope: {}, trigger: 'schedule' });
      // Excel and CSV are ready with the report; the PDF is printed on first download.
      await store.file(doc, 'xlsx');
      await store.file(doc, 'csv');
    },
    async done(kind, period) {
      if ((await store.list({ kind, period: period.key, scope: 'city', limit: 1 })).length) return true;
      // Nothing to report on before the first event (a fresh installation).
      const rows = await selectRows<{ n: number }>(
        ch,
        `SELECT count() AS n FROM (SELECT 1 FROM ${db}.events WHERE occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai') LIMIT 1)`,
        { to: period.to },
      );
      return Number(rows[0]?.n ?? 0) === 0;
    },
  });

  let timer: NodeJS.Timeout | undefined;
  let ticks = 0;
  let tickRunning: Promise<void> | undefined;

  /** First tick: the safety-net check marks every day whose events differ from its build (all days on a first start). */
  const tick = async () => {
    try {
      if (!builder.ready || ++ticks % COUNT_CHECK_EVERY === 0) {
        const marked = await builder.checkCounts();
        if (marked) log.info({ days: marked }, 'rollup days to rebuild (event counts differ from their builds)');
      }
      const r = await builder.refresh();
      if (!builder.ready) log.info({ days: r.days, ms: r.ms }, 'metric rollups ready');
      builder.ready = true;
    } catch (err) {
      log.error({ err }, 'metric rollup refresh failed; retrying');
    }
  };
  const runTick = () => {
    tickRunning ??= tick().finally(() => (tickRunning = undefined));
    return tickRunning;
  };

  return {
    name: 'metrics',
    migrations: METRICS_MIGRATIONS,

    register(app) {
      metricsRoutes(app, { metrics, builder, config, adminTokens: ctx.config.adminTokens, now: ctx.now });
      reportsRoutes(app, { reports, metrics, now: ctx.now });
    },

    async start() {
      await config.load();
      // The first build runs in the background: until it is done the figures come from the raw log.
      void runTick();
      timer = setInterval(() => void runTick(), REFRESH_INTERVAL_MS);
      timer.unref();
      scheduler.start();
    },

    onAccepted(events) {
      builder.markEvents(events);
    },

    /** After a bulk backfill (and the case states derived from it): the rollup rebuild step. */
    async afterBulkLoad(progress) {
      await runTick();
      const r = await builder.rebuildAll();
      progress(`metric rollups: ${r.days.toLocaleString('en-US')} days rebuilt in ${(r.ms / 1000).toFixed(1)} s`);
    },

    async stop() {
      clearInterval(timer);
      await scheduler.stop();
      await tickRunning;
    },
  };
};
