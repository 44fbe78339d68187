/**
 * The open-case index snapshot's copy (issue 16): how long it holds the event loop. N synthetic open cases; side
 * by side in one run, the copy in one synchronous step (`image()`) and the copy in slices (`imageInSlices()`)
 * with 50 cases upserted and 10 removed between slices, as live ingest would; medians of 3, and whether each
 * sliced image equals a synchronous one taken right after it.
 *
 *   node --import tsx bench/index-image.bench.ts [--cases 1000000]
 */
import { parseArgs } from 'node:util';
import { defaultWorkingCalendar } from '@tongban/shared';
import { OpenCaseIndex } from '../src/supervision/open-case-index.ts';
import { BENCH_NOW, simulatorCaseId, syntheticOpenCase } from './synthetic-open-case.ts';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '1000000' } } });
const N = Number(values.cases);
const index = new OpenCaseIndex(() => defaultWorkingCalendar);
let t = performance.now();
for (let i = 0; i < N; i++) index.upsert(syntheticOpenCase(i, simulatorCaseId(i)), BENCH_NOW);
console.log(`${N.toLocaleString('en-US')} open cases upserted in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let next = N;
const sync: number[] = [];
const hold: number[] = [];
const total: number[] = [];
let slices = 0;
let equal = true;
for (let r = 0; r < 3; r++) {
  t = performance.now();
  const whole = index.image();
  sync.push(performance.now() - t);
  const bytes = whole.columns.reduce((s, c) => s + c.byteLength, 0);
  if (r === 0) console.log(`image: ${(bytes / 1e6).toFixed(1)} MB (${(bytes / N).toFixed(1)} B a case)`);
  t = performance.now();
  const sliced = await index.imageInSlices({
    pause: async () => {
      slices++;
      for (let k = 0; k < 50; k++) index.upsert(syntheticOpenCase(next, simulatorCaseId(next++)), BENCH_NOW);
      for (let k = 0; k < 10; k++) index.remove(simulatorCaseId(next - 1 - k * 3));
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  });
  total.push(performance.now() - t);
  hold.push(sliced.holdMs);
  const after = index.image();
  equal &&= JSON.stringify(after.meta) === JSON.stringify(sliced.meta) && after.columns.every((c, i) => Buffer.from(c).equals(Buffer.from(sliced.columns[i]!)));
}
console.log(`one synchronous copy: ${median(sync).toFixed(0)} ms held (median of 3: ${sync.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`in slices: longest step ${median(hold).toFixed(1)} ms (${hold.map((x) => x.toFixed(1)).join(', ')}), whole copy ${median(total).toFixed(0)} ms, ${Math.round(slices / 3)} slices a copy`);
console.log(`held ×${(median(sync) / median(hold)).toFixed(1)} shorter; sliced images equal to a synchronous copy: ${equal}`);
if (!equal) process.exitCode = 1;
