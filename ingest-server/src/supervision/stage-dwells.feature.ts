import type { Feature, FeatureContext } from '../feature.ts';
import { STAGE_DWELL_MIGRATIONS } from './stage-dwells.migrations.ts';
import { StageDwells } from './stage-dwells.ts';

/** How often the cases stored since the mark are rebuilt into `stage_dwells`. */
const REFRESH_INTERVAL_MS = 10_000;

/**
 * The stage-dwell rollup behind GET /api/v1/bottlenecks (stage-dwells.ts): built once from the whole log on
 * its first start (in the background: until then the route reads the raw log), then kept up with the cases
 * stored since. Work one node does for all (features.ts starts it while holding the engine).
 */
export function stageDwellsFeature(ctx: FeatureContext): Feature {
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
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= dwells
      .refresh()
      .then(
        () => undefined,
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
      timer = setInterval(() => void tick(), REFRESH_INTERVAL_MS);
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
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
