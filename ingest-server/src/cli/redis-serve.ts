/**
 * pnpm redis:serve [--port 6379]
 *
 * A throw-away Debian `redis-server` with persistence off, for trying several nodes on one machine
 * (REDIS_URL=redis://127.0.0.1:<port>). Not for production: a real deployment runs its own Redis.
 */
import { parseArgs } from 'node:util';
import { RedisProcess } from '@tongban/fixtures/redis-process';

const { values } = parseArgs({ options: { port: { type: 'string', default: '6379' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('usage: pnpm redis:serve [--port <port>]');
  process.exit(2);
}
const redis = await RedisProcess.start(port);
console.log(`redis:serve: redis-server at ${redis.url} (persistence off); Ctrl-C stops it`);
let stopping = false;
const stop = () => {
  stopping = true;
  void redis.stop('SIGTERM').then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
redis.child!.once('exit', (code) => {
  if (stopping) return;
  console.error(`redis:serve: redis-server exited (${code})`);
  process.exit(1);
});
