/**
 * Runs one statement (an INSERT … SELECT, an ALTER) on a stopped server's embedded ClickHouse from a child
 * process (libchdb binds one data directory per process, so a test process must not open it itself).
 *
 *   node --import tsx test/chdb-command.ts <dataDir> <sql>
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

export function commandDataDir(dataDir: string, sql: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', here, dataDir, sql], { cwd: path.resolve(path.dirname(here), '..'), stdio: ['ignore', 'ignore', 'inherit'] });
}

async function main(dataDir: string, sql: string) {
  const { createClickhouse } = await import('../src/clickhouse/clickhouse-client.ts');
  const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: 'tongban' });
  await ch.command({ query: sql });
  await ch.close();
}

if (process.argv[1] === here) await main(process.argv[2]!, process.argv[3]!);
