import type { FastifyInstance } from 'fastify';
import { bodyFormat, bodyItems, decodeBody } from '../events/event-body.ts';
import type { IngestService } from '../events/ingest-service.ts';
import { overloaded } from '../errors.ts';

interface Deps {
  ingest: IngestService;
  isReady: () => boolean;
  maxEvents: number;
  /** Limit on the body as sent and, separately, as decompressed. */
  bodyLimitBytes: number;
}

/**
 * In its own encapsulated scope: the body is read as bytes (this route's parsers replace the app's),
 * so each element is kept exactly as received and parsed on its own (event-body.ts).
 */
export function eventsRoute(app: FastifyInstance, deps: Deps) {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Every media type reaches the handler as bytes; bodyFormat() answers 415 for the wrong ones with our error shape.
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes }, (_req, body, done) => done(null, body));
    scope.post('/api/v1/events', async (req, reply) => {
      if (!deps.isReady()) throw overloaded(2, 'the server is starting; retry shortly');
      const format = bodyFormat(req.headers['content-type']);
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const body = await decodeBody(raw, req.headers['content-encoding'], deps.bodyLimitBytes);
      const items = bodyItems(body, format, deps.maxEvents);
      const source = req.principal?.kind === 'source' ? req.principal : undefined;
      const result = await deps.ingest.ingest(items, req.source, source?.districts ?? null);
      // 200 even when every event was rejected: the body was read, the rejected events are kept (SPEC: 400 only for an unreadable body).
      return reply.status(200).send(result);
    });
  });
}
