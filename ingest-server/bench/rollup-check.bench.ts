/**
 * The rollups' safety-net check on a stopped server's data dir, side by side in one process: the full check
 * (every day's event counts and every case state, what a start ran before) and the bounded one's parts (the
 * days with events stored in the last minute, one sweep slice of 7 built days, case states derived in the
 * last day). Alternating rounds; prints each round and the medians.
 *
 *   pnpm backfill --days 60 --events 1000000 --data-dir /tmp/check-1m
 *   node --import tsx ingest-server/bench/rollup-check.bench.ts /tmp/check-1m [rounds]
 */
import pino from 'pino';
import { shanghaiDate } from '@tongban/shared';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { RollupBuilder } from '../src/metrics/rollup-builder.ts';
import { SWEEP_DAYS } from '../src/metrics/rollup-check.ts';

const [dataDir, roundsArg] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: rollup-check.bench.ts <dataDir> [rounds]');
const rounds = Number(roundsArg ?? 5);
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: 'tongban' });
const builder = new RollupBuilder({ ch, db: 'tongban', logger: pino({ level: 'silent' }), now: Date.now, settleMs: 3_000 });
const timed = async (run: () => Promise<unknown>) => {
  const t = performance.now();
  await run();
  return performance.now() - t;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const full: number[] = [];
const bounded: number[] = [];
for (let i = 0; i < rounds; i++) {
  full.push(await timed(() => builder.checkCounts()));
  bounded.push(
    await timed(async () => {
      await builder.checkDays(await builder.daysStoredSince(Date.now() - 60_000));
      await builder.checkDays(await builder.builtDaysBefore(shanghaiDate(Date.now()), SWEEP_DAYS));
      await builder.checkStatesSince(Date.now() - 86_400_000);
    }),
  );
  console.log(`round ${i + 1}: full check ${full.at(-1)!.toFixed(0)} ms, bounded check ${bounded.at(-1)!.toFixed(0)} ms`);
}
console.log(`median: full ${median(full).toFixed(0)} ms, bounded ${median(bounded).toFixed(0)} ms, full ÷ bounded ${(median(full) / median(bounded)).toFixed(2)}`);
await ch.close();
