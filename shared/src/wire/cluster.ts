import { z } from 'zod';

/** One server node as it last said it was alive (heartbeat every 2 s into Redis). */
export const ClusterNodeSchema = z.object({
  id: z.string(),
  /** How to reach it (CLUSTER_ADDRESS, default http://HOST:PORT). */
  address: z.string(),
  /** Accepted events it holds that are not in ClickHouse yet. */
  backlog: z.number(),
  version: z.string(),
  startedAt: z.string(),
  lastSeenAt: z.string(),
  /** Whether it holds the supervision engine's lease. */
  engine: z.boolean(),
});
export type ClusterNode = z.infer<typeof ClusterNodeSchema>;

/** `GET /api/v1/cluster` (admin): this node, the engine lease's holder (null while none holds it), every live node. */
export const ClusterViewSchema = z.object({
  self: z.string(),
  leaseHolder: z.string().nullable(),
  /** The lease's fencing token while held (each new holding gets a higher one), null when none holds it. */
  fence: z.number().nullable(),
  /** false on a single node (no REDIS_URL). */
  redis: z.boolean(),
  nodes: z.array(ClusterNodeSchema),
});
export type ClusterView = z.infer<typeof ClusterViewSchema>;
