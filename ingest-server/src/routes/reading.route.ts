import type { FastifyInstance } from 'fastify';
import { DISTRICTS, type SupervisionOverview, type TodayCounts } from '@tongban/shared';
import { supervisionOfDistrict, todayOfDistrict } from '../live/district-scope.ts';

type Overview = TodayCounts & { serverTime: string; supervision: SupervisionOverview | null };

/** Reading endpoints of the foundation: districts and today's overview. */
export function readingRoutes(app: FastifyInstance, deps: { overview: () => Overview }) {
  app.get('/api/v1/districts', async () => ({ districts: DISTRICTS }));
  /** Today's counters (Asia/Shanghai day) city-wide and per district, with the open-case warnings; a confined caller's district only. */
  app.get('/api/v1/overview', async (req) => {
    const o = deps.overview();
    if (!req.scope) return o;
    const supervision = o.supervision && supervisionOfDistrict(o.supervision, req.scope);
    return { ...o, ...todayOfDistrict(o, req.scope), supervision, ...(supervision ? { dataQuality: supervision.dataQuality } : {}) };
  });
}
