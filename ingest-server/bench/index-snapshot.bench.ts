/**
 * Start-up of the open-case index (issue 16): a full rebuild from `case_state` against its snapshot plus the
 * tail, side by side on the same embedded ClickHouse. N open cases are put in `case_state` engine-side (derived
 * an hour ago), the index is rebuilt and its snapshot written; then `--tail` case states are derived "since"
 * (half of them closing their case), and both ways of starting are timed on that data. The two indices are
 * compared (counts, first page) so the figure is of a correct load.
 *
 *   node --import tsx bench/index-snapshot.bench.ts [--cases 1000000] [--tail 2000]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import pino from 'pino';
import { defaultWorkingCalendar, DISTRICTS } from '@tongban/shared';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { migrate, MIGRATIONS } from '../src/clickhouse/migrations.ts';
import { CaseStateStore } from '../src/supervision/case-state.store.ts';
import { OpenCaseIndex } from '../src/supervision/open-case-index.ts';
import { OpenCaseSnapshot } from '../src/supervision/open-case-snapshot.ts';
import { SUPERVISION_MIGRATIONS } from '../src/supervision/supervision.migrations.ts';

const { values: args } = parseArgs({ options: { cases: { type: 'string', default: '1000000' }, tail: { type: 'string', default: '2000' } } });
const N = Number(args.cases);
const TAIL = Math.min(Number(args.tail), N);
const codes = DISTRICTS.map((d) => d.code);
const logger = pino({ level: 'silent' });
const cal = () => defaultWorkingCalendar;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const dir = mkdtempSync(path.join(tmpdir(), 'tongban-bench-index-snapshot-'));
const file = path.join(dir, 'supervision', 'open-cases.bin');
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'tongban' });
const states = new CaseStateStore(ch, 'tongban');
const snapshotOf = (index: OpenCaseIndex) => new OpenCaseSnapshot({ index, states, file, now: Date.now, logger, intervalMs: 0 });
const rows = (from: number, n: number, version: string, status: string) => `
  INSERT INTO tongban.case_state (case_id, version, item_code, district_code, township_code, village_code, department_code, status, stage, level, holder,
    submitted_at, accepted_at, promised_deadline, statutory_deadline, yellow_from, stage_due, stage_since, promised_limit_days, pauses)
  SELECT concat('CQ2025', leftPad(toString(number), 9, '0')), ${version}, concat('ITEM-', toString(number % 400)),
    arrayElement(['${codes.join("','")}'], (number % ${codes.length}) + 1), concat('T', toString(number % 27)), concat('V', toString(number % 351)), concat('D', toString(number % 32)),
    ${status}, arrayElement(['accepted', 'reviewed', 'approved'], (number % 3) + 1), arrayElement(['city', 'district', 'township', 'village'], (number % 4) + 1), concat('staff-', toString(number % 20000)),
    now64(3) - INTERVAL 20 DAY, now64(3) - INTERVAL 20 DAY + INTERVAL 1 HOUR, today() + (number % 61) - 20, today() + (number % 61), today() + (number % 61) - 23,
    if(number % 4 = 0, today() + (number % 9) - 4, NULL), now64(3) - INTERVAL (number % 12) DAY, 10,
    if(number % 20 = 0, concat('[{"from":"', toString(today() - 40), '","kind":"supplement"}]'), '[]')
  FROM numbers(${from}, ${n})`;

try {
  await migrate(ch, 'tongban', [...MIGRATIONS, ...SUPERVISION_MIGRATIONS]);
  const t0 = performance.now();
  await ch.command({ query: rows(0, N, 'now64(3) - INTERVAL 1 HOUR', `'in_progress'`) });
  console.log(`${N.toLocaleString('en-US')} open cases in case_state (${s(performance.now() - t0)} to insert)`);

  // The running server's index, and its snapshot (as at a clean stop or a periodic write).
  const running = new OpenCaseIndex(cal);
  const runningSnap = snapshotOf(running);
  await runningSnap.load();
  await runningSnap.write();
  const tc = performance.now();
  running.image();
  const copyMs = performance.now() - tc;
  console.log(`snapshot written: ${(statSync(file).size / 1e6).toFixed(1)} MB in ${s(runningSnap.counters.lastWriteMs)}; the columns' copy (the one step holding the event loop) ${copyMs.toFixed(0)} ms, then 8 MB chunks`);

  // Derived since the snapshot: half of the tail's cases closed, half changed.
  await ch.command({ query: rows(0, Math.floor(TAIL / 2), 'now64(3)', `'completed'`) });
  await ch.command({ query: rows(Math.floor(TAIL / 2), TAIL - Math.floor(TAIL / 2), 'now64(3)', `'paused'`) });

  const fromSnapshot = new OpenCaseIndex(cal);
  const t1 = performance.now();
  const loaded = await snapshotOf(fromSnapshot).load();
  const snapMs = performance.now() - t1;
  if (loaded.source !== 'snapshot') throw new Error(`snapshot not used: ${JSON.stringify(loaded)}`);

  rmSync(file);
  const rebuilt = new OpenCaseIndex(cal);
  const t2 = performance.now();
  const full = await snapshotOf(rebuilt).load();
  const rebuildMs = performance.now() - t2;

  const now = Date.now();
  const same = isDeepStrictEqual(fromSnapshot.counts(now), rebuilt.counts(now)) && isDeepStrictEqual(fromSnapshot.list({}, now, 50).cases, rebuilt.list({}, now, 50).cases) && fromSnapshot.size === rebuilt.size;
  console.log(`full rebuild:         ${s(rebuildMs)} (${full.openCases.toLocaleString('en-US')} open cases read from case_state)`);
  console.log(
    `snapshot + tail:      ${s(snapMs)} (file read and checksummed ${s(loaded.readMs)}; warnings, counts and heap judged ${s(loaded.judgeMs)}; tail ${s(loaded.tailMs)}: ${loaded.tailOpen.toLocaleString('en-US')} open, ${loaded.tailClosed.toLocaleString('en-US')} closed)`,
  );
  console.log(`ratio rebuild ÷ snapshot: ${(rebuildMs / snapMs).toFixed(1)}×; same index: ${same ? 'yes' : 'NO'} (${fromSnapshot.size.toLocaleString('en-US')} open)`);
  if (!same) process.exitCode = 1;
} finally {
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
}
