import type { Feature, FeatureContext } from './feature.ts';
import { metricsFeature } from './metrics/metrics.feature.ts';
import { reportsFeature } from './reports/reports.feature.ts';
import { stageDwellsFeature } from './supervision/stage-dwells.feature.ts';
import { supervisionFeature } from './supervision/supervision.feature.ts';
import { wallFeature } from './wall/wall.feature.ts';
import { whileHoldingEngine } from './cluster/engine-holder-only.ts';
import { ProjectedVisits } from './supervision/projected-visits.ts';

/**
 * The features the server runs, in start order. Migration versions: core 1–99, supervision 100–199,
 * metrics 200–249, reports 250–299, wall 300–399.
 */
export function createFeatures(ctx: FeatureContext): Feature[] {
  const metrics = metricsFeature(ctx);
  // The case projector writes the stage visits of the cases it derives: one process, embedded (every event
  // stored is one it accepted), not a bulk load (whose rollup is built once after it).
  const projected = ctx.config.clickhouseUrl || ctx.config.scale.bulkLoad || ctx.cluster.clustered ? undefined : new ProjectedVisits({ ch: ctx.clickhouse, db: ctx.db });
  // Several nodes: scheduled reports are made by the engine's holder only.
  // The stage-dwell rollup is built by the engine's holder too (after supervision: its marks table).
  return [
    supervisionFeature(ctx, projected),
    whileHoldingEngine(stageDwellsFeature(ctx, projected), ctx.cluster.role),
    wallFeature(ctx),
    metrics,
    whileHoldingEngine(reportsFeature(ctx, metrics), ctx.cluster.role),
  ];
}
