import { addCalendarDays, type HourlyTrend } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { eventTables } from '../events/event.store.ts';


export interface HourRow {
  day: string;
  hour: number;
  n: number;
}

/** Pure: the trend from grouped rows; `currentHour` is the Shanghai hour now (23 for a past day). */
export function hourlyTrendFromRows(day: string, rows: HourRow[], currentHour: number): HourlyTrend {
  const compareDay = addCalendarDays(day, -7);
  const today = new Array<number>(24).fill(0);
  const compare = new Array<number>(24).fill(0);
  for (const r of rows) {
    const hour = Number(r.hour);
    if (!(hour >= 0 && hour < 24)) continue;
    if (r.day === day) today[hour]! += Number(r.n);
    else if (r.day === compareDay) compare[hour]! += Number(r.n);
  }
  return {
    day,
    compareDay,
    type: 'submitted',
    hours: today.map((n, hour) => ({ hour, today: hour <= currentHour ? n : null, compare: compare[hour]! })),
  };
}

/** Two day ranges of the event log (month partitions prune the rest), grouped by Shanghai day and hour. */
/** `untilMs`: the day's events up to this instant only (a replay); last week's day is whole. */
export async function queryHourlyTrend(ch: Clickhouse, db: string, day: string, currentHour: number, untilMs = 7_258_118_400_000): Promise<HourlyTrend> {
  const rs = await ch.query({
    query: `SELECT toString(toDate(occurred_at, 'Asia/Shanghai')) AS day, toHour(occurred_at, 'Asia/Shanghai') AS hour, count() AS n
            FROM ${eventTables(db).events}
            WHERE type = 'submitted' AND (
              (occurred_at >= toDateTime64({day:String}, 3, 'Asia/Shanghai') AND occurred_at < toDateTime64({day:String}, 3, 'Asia/Shanghai') + INTERVAL 1 DAY
               AND occurred_at <= fromUnixTimestamp64Milli({until:Int64}, 'Asia/Shanghai'))
              OR (occurred_at >= toDateTime64({compare:String}, 3, 'Asia/Shanghai') AND occurred_at < toDateTime64({compare:String}, 3, 'Asia/Shanghai') + INTERVAL 1 DAY))
            GROUP BY day, hour`,
    query_params: { day, compare: addCalendarDays(day, -7), until: untilMs },
    format: 'JSONEachRow',
    clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
  });
  return hourlyTrendFromRows(day, await rs.json<HourRow>(), currentHour);
}
