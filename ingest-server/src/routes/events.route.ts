import type { FastifyInstance } from 'fastify';
import { bodyItems } from '../events/event-body.ts';
import type { IngestService } from '../events/ingest-service.ts';
import { overloaded } from '../errors.ts';

export function eventsRoute(app: FastifyInstance, deps: { ingest: IngestService; isReady: () => boolean; maxEvents: number }) {
  app.post('/api/v1/events', async (req, reply) => {
    if (!deps.isReady()) throw overloaded(2, 'the server is starting; retry shortly');
    const ndjson = /^application\/(x-)?ndjson/i.test(req.headers['content-type'] ?? '');
    const items = bodyItems(req.body, ndjson, deps.maxEvents);
    const source = req.principal?.kind === 'source' ? req.principal : undefined;
    const result = await deps.ingest.ingest(items, req.source, source?.districts ?? null);
    // 200 even when every event was rejected: the body was read, the rejected events are kept (SPEC: 400 only for an unreadable body).
    return reply.status(200).send(result);
  });
}
