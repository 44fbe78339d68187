/**
 * Which requests shed load when the event loop lags (@fastify/under-pressure): the API and ingest, whose
 * answers cost queries and memory, answer 503 + Retry-After and their callers retry. The dashboard's page
 * and bundled assets never do: they are files read from disk, and a wall that reloads (its daily reload, its
 * watchdog, 返回实时) into a JSON 503 would stay on it, with no script left to try again.
 */
export function shedsUnderPressure(method: string, url: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return true;
  const path = url.split('?', 1)[0]!;
  return path.startsWith('/api/') || path === '/healthz' || path === '/metrics' || path.startsWith('/socket.io');
}
