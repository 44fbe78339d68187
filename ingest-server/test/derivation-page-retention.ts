/**
 * What the bulk derivation's pages leave in memory when something keeps a few of their strings, as the
 * open-case index keeps the first of every code and holder it sees (issue 16: a 100M-event backfill reached
 * 22.7 GB resident in its derivation pass). Run by bulk-derivation.test.ts in a child process, with --expose-gc,
 * on a stopped server's data dir (libchdb binds one data directory per process).
 *
 *   node --expose-gc --import tsx test/derivation-page-retention.ts <dataDir> [--page 8000]
 *
 * Prints one JSON line: pages read, the bytes of their rows, and the memory outside the V8 heap still held after
 * the pages are dropped (each page's case id of its first event and actor of its last are kept).
 */
import { parseArgs } from 'node:util';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { EventStore } from '../src/events/event.store.ts';

const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { page: { type: 'string', default: '8000' } } });
const dataDir = positionals[0];
const gc = globalThis.gc;
if (!dataDir || !gc) throw new Error('usage: node --expose-gc --import tsx test/derivation-page-retention.ts <dataDir> [--page 8000]');
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: 'tongban' });
const events = new EventStore(ch, 'tongban');

const outsideHeap = () => {
  gc();
  gc();
  return process.memoryUsage().external;
};
const kept: string[] = [];
let pages = 0;
let rowBytes = 0;
const before = outsideHeap();
for (let after = ''; ; ) {
  const { cases, lastCaseId } = await events.derivationPage(after, Number(a.page));
  if (lastCaseId === null) break;
  pages++;
  const all = [...cases.values()].flat();
  for (const e of all) rowBytes += Object.values(e).reduce<number>((n, v) => n + String(v ?? '').length + 1, 0);
  kept.push(all[0]!.caseId, all.at(-1)!.actorId ?? '');
  after = lastCaseId;
}
const retained = outsideHeap() - before;
console.log(JSON.stringify({ pages, rowBytes, retainedOutsideHeap: retained, kept: kept.length }));
await ch.close();
