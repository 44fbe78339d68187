import type { FeatureFactory } from './feature.ts';
import { metricsFeature } from './metrics/metrics.feature.ts';
import { supervisionFeature } from './supervision/supervision.feature.ts';
import { wallFeature } from './wall/wall.feature.ts';

/**
 * The features the server runs, in start order. Migration versions: core 1–99, supervision 100–199,
 * metrics and reports 200–299, wall 300–399.
 */
export const FEATURES: FeatureFactory[] = [supervisionFeature, wallFeature, metricsFeature];
