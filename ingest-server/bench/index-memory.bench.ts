/**
 * Bytes per open case of the open-case index (issue 16: ≤ 100 B at 6M open): N synthetic open cases
 * (the shapes of bench/supervision.bench.ts), heap + array buffers after GC, before and after, ÷ N.
 *
 *   node --expose-gc --import tsx bench/index-memory.bench.ts --cases 1000000
 */
import { parseArgs } from 'node:util';
import { addCalendarDays, defaultWorkingCalendar, DISTRICTS, LEVELS } from '@tongban/shared';
import { dayNumber } from '../src/supervision/day-number.ts';
import { OpenCaseIndex, type OpenCase } from '../src/supervision/open-case-index.ts';

const { values: args } = parseArgs({ options: { cases: { type: 'string', default: '1000000' } } });
const N = Number(args.cases);
// Case ids shaped like the simulator's 申办流水号 (YKB + district + date + second of day + rank: 24 characters).
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const codes = DISTRICTS.map((d) => d.code);
const caseIdOf = (i: number) => `YKB${codes[i % codes.length]}${20_250_000 + Math.floor(i / 100_000)}${String(i % 100_000).padStart(5, '0')}01`;
const TODAY = '2025-10-20';
const NOW = Date.parse(`${TODAY}T10:00:00+08:00`);

function openCase(i: number): OpenCase {
  const dl = addCalendarDays(TODAY, (i % 61) - 20);
  return {
    caseId: caseIdOf(i),
    itemCode: `ITEM-${i % 400}`,
    districtCode: codes[i % codes.length]!,
    townshipCode: `${codes[i % codes.length]}${String(i % 27).padStart(3, '0')}`,
    villageCode: `${codes[i % codes.length]}${String(i % 27).padStart(3, '0')}${String(i % 13).padStart(3, '0')}`,
    departmentCode: `D${i % 32}`,
    status: i % 20 === 0 ? 'paused' : 'in_progress',
    stage: ['accepted', 'reviewed', 'approved'][i % 3]!,
    level: LEVELS[i % 4]!,
    holder: `staff-${i % 20000}`,
    submittedMs: Date.parse('2025-10-01T09:00:00.000Z'),
    acceptedMs: Date.parse('2025-10-01T10:00:00.000Z'),
    promisedDeadlineDay: dayNumber(dl),
    statutoryDeadlineDay: dayNumber(dl) + 20,
    yellowFromDay: dayNumber(dl) - 3,
    stageSinceDay: dayNumber('2025-10-01'),
    promisedLimitDays: 10,
    pauses: i % 20 === 0 ? [{ from: '2025-10-09', to: '2025-10-10' }] : [],
    stageDueDay: null,
    flags: [],
  };
}

const used = () => {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = used();
const index = new OpenCaseIndex(() => defaultWorkingCalendar);
const t = performance.now();
for (let i = 0; i < N; i++) index.upsert(openCase(i), NOW);
const ms = performance.now() - t;
const bytes = used() - before;
// Case id strings alone (they exist in any design that answers with case ids): measured apart.
const b2 = used();
const ids = N <= 1_000_000 ? Array.from({ length: N }, (_, i) => caseIdOf(i)) : [];
const idBytes = ids.length ? used() - b2 : NaN;
console.log(
  `${N.toLocaleString('en-US')} open cases: ${(bytes / N).toFixed(1)} B per case (typed arrays ${(index.arrayBytes / N).toFixed(1)} B; ` +
    `a bare array of the id strings alone ${(idBytes / N).toFixed(1)} B); upserts ${ms.toFixed(0)} ms; size ${index.size}`,
);
void ids.length;
