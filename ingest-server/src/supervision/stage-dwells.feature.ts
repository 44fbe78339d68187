import type { Feature, FeatureContext } from '../feature.ts';
import type { ProjectedVisits } from './projected-visits.ts';
import { STAGE_DWELL_MIGRATIONS } from './stage-dwells.migrations.ts';
import { StageDwells } from './stage-dwells.ts';

/** How often the cases stored since the mark are rebuilt into `stage_dwells`. */
const REFRESH_INTERVAL_MS = 10_000;
/** With the projector's visits: how often what it derived is written (a reader writes the rest first). */
const FLUSH_INTERVAL_MS = 1_000;
/** …and how often the mark moves (a reader's arrivals since it: a few seconds of events, all vouched for). */
const ADVANCE_EVERY_FLUSHES = 5;

/**
 * The stage-dwell rollup behind GET /api/v1/bottlenecks (stage-dwells.ts): built once from the whole log on
 * its first start (in the background: until then the route reads the raw log), then kept up with the cases
 * stored since. Work one node does for all (features.ts starts it while holding the engine). With the case
 * projector's visits (`projected`, embedded): after the first refresh, the mark follows what it wrote.
 */
export function stageDwellsFeature(ctx: FeatureContext, projected?: ProjectedVisits): Feature {
  const log = ctx.logger.child({ component: 'stage-dwells' });
  // Its builds run for seconds: on the second connection, beside the API's reads.
  const dwells = new StageDwells({
    ch: ctx.backgroundClickhouse('stage dwells'),
    db: ctx.db,
    logger: log,
    now: ctx.now,
    mergeAfterFullBuild: !ctx.config.clickhouseCluster,
    // Embedded, every insert into `events` is this process's and the engine's clock is this machine's.
    ...(ctx.config.clickhouseUrl ? {} : { insertsInFlight: () => ctx.store.oldestInsertInFlight() }),
    ...(projected ? { projected } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let refreshed = false;
  let ticks = 0;
  const step = async () => {
    // The first time, the recent table of an earlier run folded in (without the projector nothing reads it).
    if (!refreshed) await dwells.fold();
    if (!refreshed || !projected) return dwells.refresh();
    if (ticks++ % ADVANCE_EVERY_FLUSHES) return projected.flush();
    await dwells.advance((ids) => projected.rederive(ids));
    await dwells.foldWhenDue();
  };
  const tick = () => {
    running ??= step()
      .then(
        () => void (refreshed = true),
        (err: unknown) => log.error({ err }, 'stage dwell refresh failed; retrying'),
      )
      .finally(() => (running = undefined));
    return running;
  };
  return {
    name: 'stage-dwells',
    migrations: STAGE_DWELL_MIGRATIONS,
    async start() {
      if (ctx.config.scale.bulkLoad) return; // built once by afterBulkLoad
      void tick();
      timer = setInterval(() => void tick(), projected ? FLUSH_INTERVAL_MS : REFRESH_INTERVAL_MS);
      timer.unref();
    },
    async afterBulkLoad(progress) {
      // In the refresh's place: a tick meanwhile waits for it (one build at a time).
      while (running) await running;
      const build = dwells.buildAll();
      running = build.then(() => undefined, () => undefined).finally(() => (running = undefined));
      const r = await build;
      progress(`stage dwells: ${r.count.toLocaleString('en-US')} buckets built in ${(r.ms / 1000).toFixed(1)} s`);
    },
    series: () =>
      projected
        ? [
            { name: 'tongban_stage_visits_projected_total', help: "stage visits the case projector wrote to the 堵点 rollup", type: 'counter', samples: [['', projected.counters.rows]] },
            { name: 'tongban_stage_dwells_folds_total', help: 'folds of the recent stage visits into stage_dwells', type: 'counter', samples: [['', dwells.folds.count]] },
            { name: 'tongban_stage_visits_vouched_cases', help: 'cases whose rows in the 堵点 rollup the projector vouches for (written since the mark, less a minute)', type: 'gauge', samples: [['', projected.size]] },
            {
              name: 'tongban_bottleneck_tail_reads_total',
              help: '堵点 reads by their raw-log tail: none, the cases the projector does not vouch for, every case stored since the mark',
              type: 'counter',
              samples: Object.entries(projected.counters.tails).map(([tail, n]) => [`{tail="${tail}"}`, n]),
            },
          ]
        : [],
    async stop() {
      clearInterval(timer);
      await running;
      await projected?.flush().catch((err: unknown) => log.warn({ err }, 'writing the last projected stage visits failed; the next start reads them from the raw log'));
    },
  };
}
