import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import type { Feature, FeatureContext } from '../feature.ts';
import { DrainPacer, PacedRunner } from '../supervision/drain-pacer.ts';
import { MetricConfigStore } from './metric-config.store.ts';
import { MetricFactsRepository } from './metric-facts.store.ts';
import { METRICS_MIGRATIONS } from './metrics.migrations.ts';
import { metricsRoutes } from './metrics.route.ts';
import { MetricsService } from './metrics-service.ts';
import { RollupBuilder } from './rollup-builder.ts';
import { RollupCheck, type CheckReport } from './rollup-check.ts';

/** How often dirty days are rebuilt into the rollups. */
const REFRESH_INTERVAL_MS = 15_000;
/**
 * After a refresh the timer waits as long as it took, up to this: at most about half the time refreshing (a day
 * of 15M events: 74 s a refresh), the live figures then up to about twice a refresh behind, as their cut-off says.
 */
const MAX_REFRESH_GAP_MS = 300_000;
/** Every this many refreshes, the days changed since the last check are checked against their builds (the safety net, rollup-check.ts). */
const COUNT_CHECK_EVERY = 40;

/** The metrics engine as other features use it (reports are built from its figures). */
export interface MetricsFeature extends Feature {
  metrics: MetricsService;
  repo: MetricFactsRepository;
  /**
   * The same figures read through another connection (the reports' own: a quarterly build's reads run for
   * seconds, and the API's connection answers one query at a time), sharing the rollups, targets and catalogue.
   */
  onConnection(ch: Clickhouse): { metrics: MetricsService; repo: MetricFactsRepository };
}

/** 五度 metrics, the efficiency index and rankings (GET /api/v1/metrics/…) and their daily rollups. */
export function metricsFeature(ctx: FeatureContext): MetricsFeature {
  const { clickhouse: ch, db } = ctx;
  const log = ctx.logger.child({ component: 'metrics' });
  // An accepted event reaches ClickHouse within the batcher's age bound; a margin covers the insert itself.
  const settleMs = ctx.config.flushMaxAgeMs + 2_000;
  const calendar = () => ctx.calendar.calendar;
  const repo = new MetricFactsRepository(ch, db);
  // The rollups' builds and checks run for seconds: on their own connection, beside the API's reads and the other jobs.
  const rollupsCh = ctx.backgroundClickhouse('metric rollups');
  const builder = new RollupBuilder({ ch: rollupsCh, db, logger: log, now: ctx.now, settleMs, exclusive: (work) => ctx.cluster.exclusive('metric rollups', work) });
  const check = new RollupCheck({ ch: rollupsCh, db, builder, logger: log });
  const config = new MetricConfigStore(ch, db);
  const serviceOn = (r: MetricFactsRepository) => new MetricsService({ repo: r, builder, catalogue: ctx.catalogue, config, calendar, now: ctx.now, settleMs });
  const metrics = serviceOn(repo);

  let timer: NodeJS.Timeout | undefined;
  let ticks = 0;

  /** First tick: the safety-net check marks the days changed since the last completed check (all days on a first build). */
  const tick = async () => {
    try {
      let checked: CheckReport | undefined;
      if (!builder.ready || ++ticks % COUNT_CHECK_EVERY === 0) checked = await check.run();
      const r = await builder.refresh();
      if (checked) await check.completed(checked, r.cutoffMs);
      if (!builder.ready) log.info({ days: r.days, ms: r.ms }, 'metric rollups ready');
      builder.ready = true;
    } catch (err) {
      log.error({ err }, 'metric rollup refresh failed; retrying');
    }
  };
  const runner = new PacedRunner(tick, new DrainPacer(MAX_REFRESH_GAP_MS));

  return {
    name: 'metrics',
    migrations: METRICS_MIGRATIONS,
    metrics,
    repo,
    onConnection(other) {
      const r = new MetricFactsRepository(other, db);
      return { metrics: serviceOn(r), repo: r };
    },

    register(app) {
      metricsRoutes(app, { metrics, builder, check, config, audit: ctx.audit, now: ctx.now });
    },

    async start() {
      await config.load();
      if (ctx.config.scale.bulkLoad) return; // built once by afterBulkLoad
      // The first build runs in the background: until it is done the figures come from the raw log.
      void runner.tick();
      timer = setInterval(() => void runner.tick(), REFRESH_INTERVAL_MS);
      timer.unref();
    },

    onAccepted(events) {
      builder.markEvents(events);
    },

    /** After a bulk backfill (and the case states derived from it): the rollup rebuild step. */
    async afterBulkLoad(progress) {
      await runner.tick(true);
      const startedMs = await check.engineNow();
      const r = await builder.rebuildAll();
      await check.afterBulk(startedMs, r.cutoffMs);
      progress(`metric rollups: ${r.days.toLocaleString('en-US')} days rebuilt in ${(r.ms / 1000).toFixed(1)} s`);
    },

    async stop() {
      clearInterval(timer);
      await runner.idle();
    },
  };
}
