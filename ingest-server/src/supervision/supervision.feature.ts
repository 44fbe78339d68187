import type { FeatureFactory } from '../feature.ts';
import { SUPERVISION_MIGRATIONS } from './supervision.migrations.ts';

/** The supervision engine: case state, clocks, warnings, 督办, trace, bottlenecks. */
export const supervisionFeature: FeatureFactory = () => ({
  name: 'supervision',
  migrations: SUPERVISION_MIGRATIONS,
});
