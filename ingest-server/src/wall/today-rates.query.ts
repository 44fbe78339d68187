import type { ClickHouseSettings } from '@clickhouse/client';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { eventTables } from '../events/event.store.ts';
import { caseStateTable } from '../supervision/case-state.store.ts';

const SETTINGS: ClickHouseSettings = { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 };
const DAY_RANGE = (column: string) =>
  `${column} >= toDateTime64({day:String}, 3, 'Asia/Shanghai') AND ${column} < toDateTime64({day:String}, 3, 'Asia/Shanghai') + INTERVAL 1 DAY
   AND ${column} <= fromUnixTimestamp64Milli({until:Int64}, 'Asia/Shanghai')`;
/** 2200-01-01: no upper bound within the day (the live wall's "today so far"). */
const WHOLE_DAY = 7_258_118_400_000;

/** `untilMs`: only events up to this instant (a replay of the day as it stood then). */
export async function queryGoodRating(ch: Clickhouse, db: string, day: string, untilMs = WHOLE_DAY): Promise<{ good: number; rated: number }> {
  const rs = await ch.query({
    query: `SELECT countIf(rating >= 4) AS good, count() AS rated FROM ${eventTables(db).events} WHERE type = 'rated' AND ${DAY_RANGE('occurred_at')}`,
    query_params: { day, until: untilMs },
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  const [row] = await rs.json<{ good: number; rated: number }>();
  return { good: Number(row?.good ?? 0), rated: Number(row?.rated ?? 0) };
}

/**
 * On-time completions of the day from the supervision engine's case state (latest version per case).
 * Only cases whose latest state says completed today, with a known promised deadline, count.
 */
export async function queryOnTime(ch: Clickhouse, db: string, day: string, untilMs = WHOLE_DAY): Promise<{ onTime: number; completed: number }> {
  const rs = await ch.query({
    query: `SELECT countIf(on_time = 1) AS on_time_n, count() AS completed_n FROM (
              SELECT case_id, argMax(completed_on_time, version) AS on_time, argMax(completed_at, version) AS done_at
              FROM ${caseStateTable(db)} WHERE ${DAY_RANGE('completed_at')} GROUP BY case_id)
            WHERE ${DAY_RANGE('done_at')} AND on_time IS NOT NULL`,
    query_params: { day, until: untilMs },
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  const [row] = await rs.json<{ on_time_n: number; completed_n: number }>();
  return { onTime: Number(row?.on_time_n ?? 0), completed: Number(row?.completed_n ?? 0) };
}
