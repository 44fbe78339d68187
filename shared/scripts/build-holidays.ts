/**
 * Builds shared/data/holidays.json from the `chinese-days` package's data (the State Council's yearly
 * holiday notices). The runtime never imports chinese-days: it falls back to Monday–Friday silently after
 * its last year and reads dates in the process's time zone. We keep only its JSON, reduced to what the case
 * clock needs, and validate the result with the same loader the server uses.
 *
 *   pnpm --filter @tongban/shared calendar:update            # rewrite data/holidays.json
 *   pnpm --filter @tongban/shared calendar:update --check    # exit 1 if the committed file is stale
 *   pnpm --filter @tongban/shared calendar:update --out f    # write elsewhere (e.g. a HOLIDAYS_FILE)
 *
 * After a new notice is published (usually in November for the next year): update chinese-days, run this,
 * review the diff against the notice, commit. A running server can take the new file via HOLIDAYS_FILE.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCalendarData, type ChineseDaysJson } from './holidays-from-chinese-days.ts';

function main(argv: string[]): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : join(here, '..', 'data', 'holidays.json');
  if (!out) throw new Error('--out needs a file name');

  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('chinese-days/package.json'));
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const source = JSON.parse(readFileSync(join(pkgDir, 'dist', 'chinese-days.json'), 'utf8')) as ChineseDaysJson;

  const data = buildCalendarData(source, version);
  const text = `${JSON.stringify(data, null, 2)}\n`;

  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch {
      // a missing file is simply stale
    }
    if (current !== text) {
      console.error(`${out} is not what chinese-days@${version} gives; run calendar:update and review the diff`);
      process.exit(1);
    }
    console.log(`${out} is up to date (chinese-days@${version})`);
    return;
  }

  writeFileSync(out, text);
  const counts = Object.entries(data.years).map(
    ([y, d]) => `${y}: ${Object.keys(d.off).length} off, ${Object.keys(d.worked).length} worked`,
  );
  console.log(`Wrote ${out}: ${data.coveredYears.from}–${data.coveredYears.to} from chinese-days@${version}`);
  console.log(counts.join('\n'));
}

main(process.argv.slice(2));
