import type { FastifyInstance } from 'fastify';
import type { ClusterView } from '@tongban/shared';
import type { Cluster } from './cluster.ts';

/** `GET /api/v1/cluster` (admin): this node, the engine lease's holder, every node heard of in the last 15 s. */
export function clusterRoute(app: FastifyInstance, d: { cluster: Cluster }) {
  app.get('/api/v1/cluster', async (): Promise<ClusterView> => d.cluster.view());
}
