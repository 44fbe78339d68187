/**
 * Reads a stopped server's embedded ClickHouse from a child process (libchdb binds one data directory
 * per process, so a test process must not open it itself).
 *
 *   node --import tsx test/chdb-query.ts <dataDir> <sql>   → JSON array of rows on stdout
 *   node --import tsx test/chdb-query.ts <dataDir> <sql> --command   → runs a statement (TRUNCATE, ALTER …)
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

export function queryDataDir<T>(dataDir: string, sql: string): T[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', here, dataDir, sql], { cwd: path.resolve(path.dirname(here), '..'), maxBuffer: 512 * 1024 * 1024 });
  return JSON.parse(out.toString()) as T[];
}

/** Runs a statement that returns no rows on a stopped server's data dir. */
export function commandDataDir(dataDir: string, sql: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', here, dataDir, sql, '--command'], { cwd: path.resolve(path.dirname(here), '..') });
}

async function main(dataDir: string, sql: string, command: boolean) {
  const { createClickhouse } = await import('../src/clickhouse/clickhouse-client.ts');
  const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: 'tongban' });
  if (command) {
    await ch.command({ query: sql });
    await ch.close();
    return;
  }
  const rs = await ch.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } });
  process.stdout.write(JSON.stringify(await rs.json()));
  await ch.close();
}

if (process.argv[1] === here) await main(process.argv[2]!, process.argv[3]!, process.argv[4] === '--command');
