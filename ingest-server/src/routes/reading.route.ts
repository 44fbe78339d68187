import type { FastifyInstance } from 'fastify';
import { DISTRICTS } from '@tongban/shared';
import type { TodayStats } from '../live/today-stats.ts';

/** Reading endpoints of the foundation: districts and today's overview. */
export function readingRoutes(app: FastifyInstance, deps: { stats: TodayStats }) {
  app.get('/api/v1/districts', async () => ({ districts: DISTRICTS }));
  app.get('/api/v1/overview', async () => deps.stats.snapshot());
}
