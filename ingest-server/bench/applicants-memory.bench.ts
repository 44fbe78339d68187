/**
 * What the live feed's CaseApplicants costs a case: fills it with the bench:soak's applicants (parsed from
 * JSON, as ingest gets them) and reads the V8 heap used after a full GC before and after.
 *
 *   node --expose-gc --import tsx bench/applicants-memory.bench.ts [--cases 200000] [--module ../src/live/live-event.ts]
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import type { CaseEvent, LiveEvent } from '@tongban/shared';

const { values: args } = parseArgs({ options: { cases: { type: 'string', default: '200000' }, module: { type: 'string', default: '../src/live/live-event.ts' } } });
const N = Number(args.cases);
const mod = (await import(path.resolve(import.meta.dirname, args.module))) as { CaseApplicants: new (capacity?: number) => { toLive(e: CaseEvent): LiveEvent } };
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const used = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const book = new mod.CaseApplicants(N);
// Held from the global object, so the collector cannot take it before the second reading.
(globalThis as { book?: unknown }).book = book;
const before = used();
for (let c = 0; c < N; c++) {
  // As bench:soak sends them: one JSON line per event.
  const e = JSON.parse(
    JSON.stringify({ eventId: `SOAK-${c}.0`, caseId: `SOAK-${c}`, type: 'submitted', occurredAt: new Date().toISOString(), itemCode: `ITEM-${c % 300}`, districtCode: '500101', level: 'district', departmentCode: 'SCJGJ', channel: 'pc', applicant: { type: 'person', name: '王小明', idNumber: `5001011990${String(c % 1e8).padStart(8, '0')}`, phone: `138${String(c % 1e8).padStart(8, '0')}` } }),
  ) as CaseEvent;
  book.toLive(e);
}
const after = used();
console.log(`${args.module}: ${N} cases, ${((after - before) / 2 ** 20).toFixed(1)} MiB, ${((after - before) / N).toFixed(0)} B a case`);
