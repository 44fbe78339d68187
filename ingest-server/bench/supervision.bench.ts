/**
 * pnpm bench:supervision — the open-case index at a million open cases:
 *   1. memory per million cases (V8 heap + typed arrays, after GC, measured by difference);
 *   2. rebuild after a restart: 1M open cases read from case_state in embedded ClickHouse into a fresh index;
 *   3. scanner cost per tick: the heap-driven `advance` beside a naive scan of every case, same data, same run,
 *      for a quiet tick (nothing due) and a Shanghai midnight (a day's transitions due).
 *
 *   node --expose-gc --import tsx bench/supervision.bench.ts [--cases 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultWorkingCalendar, DISTRICTS } from '@tongban/shared';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { migrate, MIGRATIONS } from '../src/clickhouse/migrations.ts';
import { CaseStateStore } from '../src/supervision/case-state.store.ts';
import { dayNumber, shanghaiMidnight } from '../src/supervision/day-number.ts';
import { OpenCaseIndex } from '../src/supervision/open-case-index.ts';
import { BENCH_NOW, BENCH_TODAY, syntheticOpenCase } from './synthetic-open-case.ts';
import { atRiskFromUsed, dwellDistribution, lateProbability } from '../src/supervision/lateness-model.ts';
import { SUPERVISION_MIGRATIONS } from '../src/supervision/supervision.migrations.ts';

const { values: args } = parseArgs({ options: { cases: { type: 'string', default: '1000000' } } });
const N = Number(args.cases);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const cal = () => defaultWorkingCalendar;
const codes = DISTRICTS.map((d) => d.code);
const TODAY = BENCH_TODAY;
const NOW = BENCH_NOW;


const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
const used = () => {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const time = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

// 1. Memory.
const before = used();
const index = new OpenCaseIndex(cal);
const tBuild = time(() => {
  for (let i = 0; i < N; i++) index.upsert(syntheticOpenCase(i), NOW);
});
const bytes = used() - before;
console.log(`bench:supervision — ${N.toLocaleString('en-US')} open cases`);
console.log(`index memory: ${mb(bytes)} MiB (${Math.round(bytes / N)} bytes per case; ${mb((bytes / N) * 1e6)} MiB per million); built in memory in ${tBuild.toFixed(0)} ms`);

// 3. Scanner cost: heap-driven advance vs a naive scan computing every case's warning.
// A naive design keeps one object per case and recomputes every warning each tick.
const plain = Array.from({ length: N }, (_, i) => {
  const c = syntheticOpenCase(i);
  return { deadline: c.promisedDeadlineDay!, yellowFrom: c.yellowFromDay!, warning: 0 };
});
const naive = (now: number) => {
  const today = Math.floor((now + 8 * 3600_000) / 86_400_000);
  let changed = 0;
  for (const c of plain) {
    const w = today > c.deadline ? 2 : today >= c.yellowFrom ? 1 : 0;
    if (w !== c.warning) {
      c.warning = w;
      changed++;
    }
  }
  return changed;
};
naive(NOW);
const quiet = NOW + 1000;
const quietTicks = Array.from({ length: 5 }, (_, k) => time(() => index.advance(quiet + k, () => undefined)));
const naiveQuiet = Array.from({ length: 3 }, () => time(() => naive(quiet)));
let changed = 0;
const midnight = shanghaiMidnight(dayNumber(TODAY) + 1);
const tMidnight = time(() => (changed = index.advance(midnight, () => undefined)));
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `scanner tick, nothing due: ${med(quietTicks).toFixed(3)} ms (naive scan of every case ${med(naiveQuiet).toFixed(0)} ms; ratio ${(med(naiveQuiet) / Math.max(med(quietTicks), 0.001)).toFixed(0)}×)`,
);
console.log(`scanner tick at Shanghai midnight: ${tMidnight.toFixed(0)} ms for ${changed.toLocaleString('en-US')} warning changes`);
// The wall's supervision figures (sent with stats at most twice a second): counts plus the top-100 red list.
const tOverview = med(Array.from({ length: 3 }, () => time(() => {
  index.counts(Date.now());
  index.list({ warning: 'red' }, midnight, 100);
})));
console.log(`wall overview (counts by level and district + top-100 red list): ${tOverview.toFixed(0)} ms`);
// The supervisors' workspace (issue 13): the index's part of GET /api/v1/supervise/areas at each level.
const district = codes[0]!;
const tAreas = (f: () => unknown) => med(Array.from({ length: 5 }, () => time(() => void f())));
console.log(
  `supervise areas: city by district ${tAreas(() => index.areas('district', {}, midnight)).toFixed(1)} ms; ` +
    `${district} by township ${tAreas(() => index.areas('township', { districtCode: district }, midnight)).toFixed(1)} ms; ` +
    `one township by village ${tAreas(() => index.areas('village', { districtCode: district, townshipCode: `${district}000` }, midnight)).toFixed(1)} ms`,
);
// Predicted lateness: judging every open case with a new model (every AT_RISK_REFRESH_SECONDS), then listing at_risk.
const dist = dwellDistribution([[3, 20], [8, 10], [15, 10]]);
const opts = { minCases: 10 };
const tLateness = time(() =>
  index.setLateness({
    hasModel: () => true,
    atRiskFromUsed: (_i, _s, entered, limit) => atRiskFromUsed(dist, { entered, limit }, 0.5, opts),
    probability: (_i, _s, c) => lateProbability(dist, c, opts),
  }),
);
const atRiskPage = index.list({ atRisk: true }, NOW, 50);
console.log(`lateness model applied to every open case: ${tLateness.toFixed(0)} ms; at_risk list, first page of 50: ${tAreas(() => index.list({ atRisk: true }, NOW, 50)).toFixed(1)} ms (${atRiskPage.total.toLocaleString('en-US')} matches)`);
const page = index.list({ districtCode: district, warning: 'red' }, midnight, 50);
console.log(`case list, one district's red, first page of 50: ${tAreas(() => index.list({ districtCode: district, warning: 'red' }, midnight, 50)).toFixed(1)} ms (${page.total.toLocaleString('en-US')} matches)`);

// 2. Rebuild from ClickHouse.
const dir = mkdtempSync(path.join(tmpdir(), 'tongban-bench-sup-'));
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'tongban' });
try {
  await migrate(ch, 'tongban', [...MIGRATIONS, ...SUPERVISION_MIGRATIONS]);
  // Fill case_state engine-side (a million rows) so the figure is the read, not our writer.
  await ch.command({
    query: `INSERT INTO tongban.case_state (case_id, version, item_code, district_code, township_code, department_code, status, stage, level, holder,
              submitted_at, accepted_at, promised_deadline, statutory_deadline, yellow_from, pauses)
            SELECT concat('CQ2025', leftPad(toString(number), 9, '0')), now64(3), concat('ITEM-', toString(number % 400)),
              arrayElement(['${codes.join("','")}'], (number % ${codes.length}) + 1), concat('T', toString(number % 27)), concat('D', toString(number % 32)),
              'in_progress', 'reviewed', 'district', concat('staff-', toString(number % 20000)),
              toDateTime64('2025-10-01 09:00:00', 3, 'Asia/Shanghai'), toDateTime64('2025-10-01 10:00:00', 3, 'Asia/Shanghai'),
              toDate('${TODAY}') + (number % 61) - 20, toDate('${TODAY}') + (number % 61), toDate('${TODAY}') + (number % 61) - 23, '[]'
            FROM numbers(${N})`,
  });
  const store = new CaseStateStore(ch, 'tongban');
  const fresh = new OpenCaseIndex(cal);
  const t0 = performance.now();
  let tRead = 0;
  const loaded = await store.loadOpen((c) => {
    const t = performance.now();
    fresh.upsert(c, NOW);
    tRead -= performance.now() - t;
  });
  const total = performance.now() - t0;
  const indexing = -tRead;
  console.log(`rebuild after restart: ${loaded.toLocaleString('en-US')} open cases in ${(total / 1000).toFixed(2)} s (ClickHouse read ${((total - indexing) / 1000).toFixed(2)} s, indexing ${(indexing / 1000).toFixed(2)} s)`);
} finally {
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
}
