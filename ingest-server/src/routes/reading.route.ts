import type { FastifyInstance } from 'fastify';
import { DISTRICTS } from '@tongban/shared';

/** Reading endpoints of the foundation: districts and today's overview. */
export function readingRoutes(app: FastifyInstance, deps: { overview: () => Record<string, unknown> }) {
  app.get('/api/v1/districts', async () => ({ districts: DISTRICTS }));
  /** Today's counters (Asia/Shanghai day) city-wide and per district, with the open-case warnings. */
  app.get('/api/v1/overview', async () => deps.overview());
}
