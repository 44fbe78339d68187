import path from 'node:path';
import type { Feature, FeatureContext } from '../feature.ts';
import type { MetricsFeature } from '../metrics/metrics.feature.ts';
import { ReportBuilder } from './report-builder.ts';
import { reportCsv } from './report-csv.ts';
import { ReportListsQuery } from './report-lists.query.ts';
import { reportPdf } from './report-pdf.ts';
import { ReportScheduler, systemClock } from './report-scheduler.ts';
import { ReportService } from './report-service.ts';
import { PeriodChanges } from './report-period-changes.ts';
import { ReportStore } from './report.store.ts';
import { reportSettings } from './report-settings.ts';
import { reportXlsx } from './report-xlsx.ts';
import { REPORTS_MIGRATIONS } from './reports.migrations.ts';
import { reportsRoutes } from './reports.route.ts';
import { SystemFlags } from '../system/system-flags.store.ts';

/**
 * The reports 日扫描 · 周调度 · 月通报 · 季分析 · 年考评: built from the metrics engine's figures, generated on
 * schedule and on demand, stored under DATA_DIR/reports (GET /api/v1/reports/…). Reports depend on metrics,
 * never the other way.
 */
export function reportsFeature(ctx: FeatureContext, metricsFeature: Pick<MetricsFeature, 'onConnection'>): Feature {
  const { clickhouse: ch, db } = ctx;
  // A build reads for seconds (minutes with a long overdue list): on the reports' own connection, so the API's
  // reads never wait behind it. The store, the flags and the period changes are short reads: on the API's.
  const buildCh = ctx.backgroundClickhouse('reports');
  const m = metricsFeature.onConnection(buildCh);
  const log = ctx.logger.child({ component: 'reports' });
  const calendar = () => ctx.calendar.calendar;
  const settings = reportSettings(ctx.config);
  // Recorded with the data (not only SIMULATE of this run): read when a report is built.
  const flags = new SystemFlags(ch, db);
  const simulated = async () => (await flags.get('simulated').catch(() => null)) === '1';
  const store = new ReportStore(ch, db, path.join(ctx.config.dataDir, 'reports'), { xlsx: reportXlsx, pdf: reportPdf, csv: reportCsv });
  const changes = new PeriodChanges({ clickhouse: ch, db, now: ctx.now, logger: log });
  const reports = new ReportService({
    changes,
    builder: new ReportBuilder({ metrics: m.metrics, lists: new ReportListsQuery(buildCh, db, ctx.config.piiKeys), repo: m.repo, calendar, now: ctx.now, settings, simulated }),
    store,
    now: ctx.now,
    logger: log,
  });
  const scheduler = new ReportScheduler({
    clock: { ...systemClock, now: ctx.now },
    logger: log,
    schedule: settings.schedule,
    prune: () => store.prune(settings, ctx.now()),
    // Missed runs are caught up two minutes after start (REPORTS_CATCHUP_DELAY_SECONDS), not during start-up.
    catchUpDelayMs: ctx.config.scale.reportsCatchUpDelayMs,
    async run(kind, period) {
      const doc = await reports.generate({ kind, period, scope: {}, trigger: 'schedule' });
      // Excel and CSV are ready with the report; the PDF is printed on first download.
      await store.file(doc, 'xlsx');
      await store.file(doc, 'csv');
    },
    async done(kind, period) {
      const [stored] = await store.list({ kind, period: period.key, scope: 'city', limit: 1 });
      // A stored report whose period changed after its cut-off is caught up again (it is not final).
      if (stored) return !reports.isStale(kind, period.key, Date.parse(stored.cutoff));
      // Nothing to report on before the first event (a fresh installation).
      return !(await ctx.store.anyEventBefore(period.to));
    },
  });

  return {
    name: 'reports',
    migrations: REPORTS_MIGRATIONS,
    register(app) {
      reportsRoutes(app, { reports, metrics: m.metrics, audit: ctx.audit, now: ctx.now });
    },
    async start() {
      await changes.load();
      scheduler.start();
    },
    onAccepted(events) {
      changes.observe(events);
    },
    async afterBulkLoad() {
      // Written straight into ClickHouse: every stored report's period may have changed.
      for (const r of await store.list({ limit: 100_000 })) changes.mark(r.kind, r.period);
      await changes.flush();
    },
    async stop() {
      await scheduler.stop();
      await changes.stop();
    },
  };
}
