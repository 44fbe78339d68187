import type { Feature, FeatureContext } from './feature.ts';
import { metricsFeature } from './metrics/metrics.feature.ts';
import { reportsFeature } from './reports/reports.feature.ts';
import { stageDwellsFeature } from './supervision/stage-dwells.feature.ts';
import { supervisionFeature } from './supervision/supervision.feature.ts';
import { wallFeature } from './wall/wall.feature.ts';
import { whileHoldingEngine } from './cluster/engine-holder-only.ts';

/**
 * The features the server runs, in start order. Migration versions: core 1–99, supervision 100–199,
 * metrics 200–249, reports 250–299, wall 300–399.
 */
export function createFeatures(ctx: FeatureContext): Feature[] {
  const metrics = metricsFeature(ctx);
  // Several nodes: scheduled reports are made by the engine's holder only.
  // The stage-dwell rollup is built by the engine's holder too (after supervision: its marks table).
  return [
    supervisionFeature(ctx),
    whileHoldingEngine(stageDwellsFeature(ctx), ctx.cluster.role),
    wallFeature(ctx),
    metrics,
    whileHoldingEngine(reportsFeature(ctx, metrics), ctx.cluster.role),
  ];
}
