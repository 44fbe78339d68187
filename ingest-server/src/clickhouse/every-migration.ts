import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Migration } from './migrations.ts';

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const isMigration = (m: unknown): m is Migration => typeof m === 'object' && m !== null && typeof (m as Migration).version === 'number' && typeof (m as Migration).name === 'string';

/**
 * Every migration of the server, found in `clickhouse/migrations.ts` and every `*.migrations.ts` under src
 * (for the schema tests: a room that adds a migrations file is checked without being listed anywhere).
 */
export async function everyMigration(): Promise<Migration[]> {
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.migrations.ts') || f === path.join('clickhouse', 'migrations.ts'))
    .sort();
  const byVersion = new Map<number, Migration>();
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(srcDir, f)).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (!Array.isArray(value) || !value.length || !value.every(isMigration)) continue;
      for (const m of value) {
        const seen = byVersion.get(m.version);
        if (seen && seen !== m) throw new Error(`migration version ${m.version} is used twice (${seen.name}; ${m.name})`);
        byVersion.set(m.version, m);
      }
    }
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}
