import type { FastifyInstance } from 'fastify';

export function healthRoute(app: FastifyInstance, deps: { isReady: () => boolean; details: () => Record<string, unknown> }) {
  app.get('/healthz', async (_req, reply) => {
    if (!deps.isReady()) return reply.status(503).header('retry-after', '2').send({ status: 'starting' });
    return { status: 'ok', ...deps.details() };
  });
}
