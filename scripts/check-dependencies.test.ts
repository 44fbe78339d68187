import { rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDependencies, folderCycles, roomOf } from './check-dependencies.ts';

const probes: string[] = [];
/** A module written into the tree for one check, removed afterwards. */
function probe(path: string, source: string): string {
  writeFileSync(path, source);
  probes.push(path);
  return path;
}
afterEach(() => {
  for (const p of probes.splice(0)) rmSync(p, { force: true });
});

describe('the dependency check', () => {
  it('passes on the tree as it is', async () => {
    const r = await checkDependencies(['shared', 'reference', 'fixtures', 'ingest-server', 'dashboard']);
    expect(r.violations).toEqual([]);
    expect(r.cycles).toEqual([]);
  });

  it('fails when shared imports a workspace package', async () => {
    const p = probe('shared/src/dependency-probe.ts', "import { loadConfig } from '../../ingest-server/src/config.ts';\nexport const x = loadConfig;\n");
    const r = await checkDependencies([p]);
    expect(r.violations.map((v) => v.rule.name)).toContain('shared-imports-no-workspace-package');
  });

  it('fails when the dashboard imports the server, even from a test helper', async () => {
    const p = probe('dashboard/test/dependency-probe.ts', "export { buildApp } from '../../ingest-server/src/app.ts';\n");
    const r = await checkDependencies([p]);
    expect(r.violations.map((v) => v.rule.name)).toContain('dashboard-never-imports-ingest-server');
  });

  it('fails on a cycle between two rooms', async () => {
    const a = probe('ingest-server/src/metrics/dependency-probe.ts', "import { b } from '../reports/dependency-probe.ts';\nexport const a = () => b;\n");
    const b = probe('ingest-server/src/reports/dependency-probe.ts', "import { loadConfig } from '../config.ts';\nexport const b = loadConfig;\nexport { ratio } from '../metrics/dependency-probe-2.ts';\n");
    const c = probe('ingest-server/src/metrics/dependency-probe-2.ts', 'export const ratio = 1;\n');
    const r = await checkDependencies([a, b, c]);
    expect(r.cycles).toContainEqual(['ingest-server/src/metrics', 'ingest-server/src/reports', 'ingest-server/src/metrics']);
  });

  it('names rooms by their folder, a top-level module as its own room', () => {
    expect(roomOf('ingest-server/src/metrics/metrics.feature.ts')).toBe('ingest-server/src/metrics');
    expect(roomOf('ingest-server/src/app.ts')).toBe('ingest-server/src/app.ts');
    expect(roomOf('ingest-server/test/live.test.ts')).toBeUndefined();
    expect(folderCycles([['a', 'b'], ['b', 'c'], ['c', 'a'], ['a', 'a']])).toEqual([['a', 'b', 'c', 'a']]);
  });
});
