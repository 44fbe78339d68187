import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, shanghaiDate, shanghaiDateTime } from '@tongban/shared';
import { createClickhouse, QUERY_SETTINGS } from '../clickhouse/clickhouse-client.ts';
import { migrate, MIGRATIONS } from '../clickhouse/migrations.ts';
import { SUPERVISION_MIGRATIONS } from '../supervision/supervision.migrations.ts';
import { METRICS_MIGRATIONS } from './metrics.migrations.ts';
import { RollupBuilder } from './rollup-builder.ts';

/*
 * A restart's first refresh rebuilds nothing that has not changed, on real chDB. The case states of a bulk
 * derivation were written over minutes (a 20M backfill derives for five); the builder's first look at
 * `metric_state_changes` and its next one must read the same window, or every day completed in the last
 * minute looks changed: bench:scale at 20M rebuilt 139 days twice (≈ 50 s each) at every start.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'tongban-rollup-builder-'));
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'tongban' });
// Real time: metric_state_changes keeps two days (its TTL drops older rows).
const NOW = Date.now();
const DAYS = [5, 4, 3, 2, 1].map((d) => addCalendarDays(shanghaiDate(NOW), -d));

beforeAll(async () => {
  await migrate(ch, 'tongban', [...MIGRATIONS, ...SUPERVISION_MIGRATIONS, ...METRICS_MIGRATIONS]);
  // Derivations of cases completed on five days, stamped over the five minutes before NOW (a long bulk pass).
  const rows = Array.from({ length: 500 }, (_, i) => ({
    version: shanghaiDateTime(NOW - 300_000 + i * 600),
    day: DAYS[i % DAYS.length]!,
    case_id: `CASE-${i}`,
  }));
  await ch.insert({ table: 'tongban.metric_state_changes', format: 'JSONEachRow', values: rows, clickhouse_settings: QUERY_SETTINGS });
}, 120_000);
afterAll(async () => {
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
});

const builder = () => new RollupBuilder({ ch, db: 'tongban', logger: pino({ level: 'silent' }), now: () => NOW, settleMs: 0 });

describe('the rollup builder after a restart', () => {
  it('marks no day for case states derived before it started, however long their derivation took', async () => {
    const [{ n }] = (await (await ch.query({ query: 'SELECT count() AS n FROM tongban.metric_state_changes', format: 'JSONEachRow' })).json<{ n: string }>()) as [{ n: string }];
    expect(Number(n)).toBe(500);
    const first = builder();
    first.markDays(DAYS);
    expect((await first.refresh()).days).toBe(DAYS.length);

    // A new process: the safety net's first look (only look), then the refreshes.
    const next = builder();
    await next.checkStatesSince(NOW - 86_400_000);
    expect((await next.refresh()).days).toBe(0);
    expect((await next.refresh()).days).toBe(0);

    // A state derived after that look still marks its day.
    await ch.insert({
      table: 'tongban.metric_state_changes',
      format: 'JSONEachRow',
      values: [{ version: shanghaiDateTime(NOW + 1_000), day: DAYS[2]!, case_id: 'CASE-LATE' }],
      clickhouse_settings: QUERY_SETTINGS,
    });
    expect(next.dirtyDays('2000-01-01', '2100-01-01')).toEqual([]);
    expect((await next.refresh()).days).toBe(1);
  }, 120_000);
});
