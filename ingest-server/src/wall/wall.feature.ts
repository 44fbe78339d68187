import type { FeatureFactory } from '../feature.ts';
import { displayRoutes } from './display.route.ts';
import { replayRoutes } from './replay.route.ts';
import { wallRoutes } from './wall.route.ts';

/** Endpoints for the wall screen (dashboard/): trend, today's rates, name dictionaries, replay. No tables. */
export const wallFeature: FeatureFactory = (ctx) => ({
  name: 'wall',
  register(app) {
    wallRoutes(app, { clickhouse: ctx.clickhouse, db: ctx.db, catalogue: ctx.catalogue, logger: ctx.logger, now: ctx.now });
    displayRoutes(app, ctx.config.displays);
    replayRoutes(app, { clickhouse: ctx.clickhouse, db: ctx.db, calendar: ctx.calendar, piiKeys: ctx.config.piiKeys, simulate: ctx.config.simulate, now: ctx.now });
  },
});
