import { buildApp } from './app.ts';
import { getHeapStatistics } from 'node:v8';
import { ConfigError, loadConfig, serverHeapMiB } from './config.ts';
import { createLogger } from './logger.ts';
import { lockDataDir } from './data-dir-lock.ts';

/** Reads config, listens, then starts (migrate, replay). SIGTERM/SIGINT flush everything before exit. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  let release = () => {};
  if (!config.clickhouseUrl) {
    try {
      release = lockDataDir(config.dataDir);
    } catch (e) {
      logger.fatal((e as Error).message);
      process.exit(2);
    }
  }
  const heapMiB = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  if (heapMiB < serverHeapMiB()) logger.warn({ heapMiB, needMiB: serverHeapMiB(), maxPendingRows: config.maxPendingRows }, `the V8 heap limit is below what MAX_PENDING_ROWS of backlog needs: launch with NODE_OPTIONS=--max-old-space-size=${serverHeapMiB()}`);
  const app = await buildApp(config, logger);
  app.addHook('onClose', async () => release());
  if (config.devTokens) logger.warn('development mode: source token "dev-token" and admin token "dev-admin" are in force (set SOURCE_TOKENS and ADMIN_TOKENS to replace them)');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: flushing accepted events to ClickHouse');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed; the ingest log is replayed at next start');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  await app.tongban.start();
  logger.info({ url: `http://${config.host}:${config.port}`, dataDir: config.dataDir, clickhouse: config.clickhouseUrl ?? 'embedded chDB' }, 'tongban ready');
}

void main();
