import type { FeatureFactory } from '../feature.ts';
import { displayRoutes } from './display.route.ts';
import { wallRoutes } from './wall.route.ts';

/** Endpoints for the wall screen (dashboard/): trend, today's rates, name dictionaries. No tables. */
export const wallFeature: FeatureFactory = (ctx) => ({
  name: 'wall',
  register(app) {
    wallRoutes(app, { clickhouse: ctx.clickhouse, db: ctx.db, catalogue: ctx.catalogue, logger: ctx.logger, now: ctx.now });
    displayRoutes(app, ctx.config.displays);
  },
});
