/**
 * The dependency check of CI: dependency-cruiser's rules (.dependency-cruiser.cjs) over every package, then
 * cycles between folders ("rooms"): ingest-server/src/metrics importing reports while reports imports
 * metrics is a cycle even when no single module cycle exists.
 *
 *   pnpm deps:check [paths…]     (default: every package)
 */
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs') as { forbidden: never[]; options: Record<string, unknown> };

/**
 * The room of a module: a folder under a package's `src` (`ingest-server/src/metrics`); a module directly
 * in `src` (app.ts, config.ts) is a room of its own. Tests, benches and scripts are not rooms.
 */
export function roomOf(path: string): string | undefined {
  const m = /^(shared|reference|fixtures|ingest-server|dashboard)\/src\/([^/]+)(\/|$)/.exec(path);
  if (!m) return undefined;
  return `${m[1]}/src/${m[2]}`;
}

/** Cycles in the folder graph (each reported once, as the path that closes it). */
export function folderCycles(edges: Array<[string, string]>): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const [a, b] of edges) if (a !== b) (graph.get(a) ?? graph.set(a, new Set()).get(a)!).add(b);
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const key = (c: string[]) => c.slice(0, -1).sort().join('|');
  const walk = (node: string, stack: string[]) => {
    const at = stack.indexOf(node);
    if (at !== -1) {
      const cycle = [...stack.slice(at), node];
      if (!seen.has(key(cycle))) {
        seen.add(key(cycle));
        cycles.push(cycle);
      }
      return;
    }
    if (stack.length > 12) return;
    for (const next of graph.get(node) ?? []) walk(next, [...stack, node]);
  };
  for (const node of graph.keys()) walk(node, []);
  return cycles;
}

export async function checkDependencies(paths: string[]): Promise<{ violations: IViolation[]; cycles: string[][] }> {
  const result = (await cruise(paths, { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } } as never)).output as ICruiseResult;
  const edges: Array<[string, string]> = [];
  for (const m of result.modules) {
    const from = roomOf(m.source);
    for (const d of m.dependencies) {
      const to = roomOf(d.resolved);
      if (from && to && !/\.test\.tsx?$/.test(m.source)) edges.push([from, to]);
    }
  }
  return { violations: result.summary.violations, cycles: folderCycles(edges) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const paths = process.argv.slice(2);
  const { violations, cycles } = await checkDependencies(paths.length ? paths : ['shared', 'reference', 'fixtures', 'ingest-server', 'dashboard']);
  for (const v of violations) console.error(`${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => (typeof c === 'string' ? c : c.name)).join(' → ')})` : ''}`);
  for (const c of cycles) console.error(`folder cycle: ${c.join(' → ')}`);
  if (violations.length || cycles.length) {
    console.error(`dependency check: ${violations.length} rule violation(s), ${cycles.length} folder cycle(s)`);
    process.exit(1);
  }
  console.log('dependency check: no forbidden imports, no module or folder cycles');
}
