import type { Feature, FeatureContext } from './feature.ts';
import { metricsFeature } from './metrics/metrics.feature.ts';
import { reportsFeature } from './reports/reports.feature.ts';
import { supervisionFeature } from './supervision/supervision.feature.ts';
import { wallFeature } from './wall/wall.feature.ts';

/**
 * The features the server runs, in start order. Migration versions: core 1–99, supervision 100–199,
 * metrics 200–249, reports 250–299, wall 300–399.
 */
export function createFeatures(ctx: FeatureContext): Feature[] {
  const metrics = metricsFeature(ctx);
  return [supervisionFeature(ctx), wallFeature(ctx), metrics, reportsFeature(ctx, metrics)];
}
