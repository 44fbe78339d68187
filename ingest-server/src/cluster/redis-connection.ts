import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Every key the cluster keeps in Redis starts with this, so one Redis can serve other things too. */
export const KEY_PREFIX = 'tongban:';

/**
 * A connection to REDIS_URL that reconnects by itself (every 0.2–2 s) and fails a command quickly while
 * Redis is away (callers refuse or retry rather than hang): ingest answers 503, the lease lapses.
 */
export function connectRedis(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(200 * times, 2_000),
    lazyConnect: false,
    // Many small commands (a reservation per event, a warning mark per case) go out as one round trip.
    enableAutoPipelining: true,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message, connection: name }, 'Redis unreachable; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ connection: name }, 'Redis reachable again');
    down = false;
  });
  return redis;
}
