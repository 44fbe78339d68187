import type { FastifyInstance } from 'fastify';
import type { EventStore } from '../events/event.store.ts';

/** For operators: rejected events as received, newest first. Admin token only (raw text may hold personal data). */
export function adminRoutes(app: FastifyInstance, deps: { store: EventStore }) {
  app.get<{ Querystring: { limit?: number } }>(
    '/api/v1/rejected-events',
    {
      schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } } },
    },
    async (req) => ({ rejected: await deps.store.rejectedEvents(req.query.limit ?? 100) }),
  );
}
