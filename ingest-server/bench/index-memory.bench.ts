/**
 * Bytes per open case of the open-case index (issue 16: ≤ 100 B at 6M open): N synthetic open cases
 * (the shapes of bench/supervision.bench.ts), heap + array buffers after GC, before and after, ÷ N.
 *
 *   node --expose-gc --import tsx bench/index-memory.bench.ts --cases 1000000
 */
import { parseArgs } from 'node:util';
import { defaultWorkingCalendar } from '@tongban/shared';
import { OpenCaseIndex } from '../src/supervision/open-case-index.ts';
import { BENCH_NOW, simulatorCaseId, syntheticOpenCase } from './synthetic-open-case.ts';

const { values: args } = parseArgs({ options: { cases: { type: 'string', default: '1000000' } } });
const N = Number(args.cases);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const caseIdOf = simulatorCaseId;
const NOW = BENCH_NOW;

const used = () => {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = used();
const index = new OpenCaseIndex(() => defaultWorkingCalendar);
const t = performance.now();
for (let i = 0; i < N; i++) index.upsert(syntheticOpenCase(i, caseIdOf(i)), NOW);
const ms = performance.now() - t;
const bytes = used() - before;
// Case id strings alone (they exist in any design that answers with case ids): measured apart.
const b2 = used();
const ids = N <= 1_000_000 ? Array.from({ length: N }, (_, i) => caseIdOf(i)) : [];
const idBytes = ids.length ? used() - b2 : NaN;
console.log(
  `${N.toLocaleString('en-US')} open cases: ${(bytes / N).toFixed(1)} B per case (typed arrays ${(index.arrayBytes / N).toFixed(1)} B; ` +
    `a bare array of the id strings alone ${ids.length ? `${(idBytes / N).toFixed(1)} B` : 'not measured above 1M'}); upserts ${ms.toFixed(0)} ms; size ${index.size}`,
);
void ids.length;
