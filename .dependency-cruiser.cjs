/**
 * Which way dependencies may point (STYLE.md habit 11), checked by `pnpm deps:check` in CI.
 * Folder cycles (a room importing a room that imports it back) are checked by scripts/check-dependencies.ts
 * on the same cruise, since dependency-cruiser finds cycles between modules only.
 */
const PACKAGES = '(ingest-server|dashboard|fixtures|reference)';
module.exports = {
  forbidden: [
    {
      name: 'shared-imports-no-workspace-package',
      comment: 'shared is the bottom of the workspace: schemas, calendar, wire contract. It depends on no other package.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: `^${PACKAGES}/` },
    },
    {
      name: 'reference-imports-only-shared',
      comment: 'reference data is runtime data: it may use shared, nothing else of the workspace.',
      severity: 'error',
      from: { path: '^reference/' },
      to: { path: '^(ingest-server|dashboard|fixtures)/' },
    },
    {
      name: 'dashboard-never-imports-ingest-server',
      comment: 'the pages read the server through the wire contract in shared, never its code (tests and benches included).',
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^ingest-server/' },
    },
    {
      name: 'runtime-never-imports-fixtures',
      comment: 'the running server and pages must not depend on the simulator or test harness (the backfill CLI may).',
      severity: 'error',
      from: { path: '^(ingest-server|dashboard)/src/', pathNot: ['\\.test\\.tsx?$', '^ingest-server/src/cli/'] },
      to: { path: '^fixtures/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles between modules.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|data)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'], extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
