import { addCalendarDays, shanghaiDate, type IsoDate, type WorkingCalendar } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { dwellDistribution, type DwellDistribution } from './lateness-model.ts';
import { dataQualitySql } from './overdue-rule.ts';

/** Stages an open case can be at once accepted (the latest lifecycle step that keeps it open). */
export const MODEL_STAGES = ['accepted', 'supplement_requested', 'supplement_received', 'suspended', 'resumed', 'reviewed', 'extended', 'approved'] as const;

/** Calendar days before the window that acceptance dates are read for (a case accepted earlier is clamped). */
const ACCEPTANCE_LOOKBACK_DAYS = 400;

export const modelKey = (itemCode: string, stage: string) => `${itemCode}|${stage}`;

/**
 * Cumulative working days from `base` (exclusive) to each date of [base, to]: element i (0-based) is the
 * number of working days in (base, base + i]. ClickHouse reads the calendar from this array.
 */
export function cumulativeWorkingDays(cal: WorkingCalendar, base: IsoDate, to: IsoDate): number[] {
  const out: number[] = [];
  let n = 0;
  for (let d = base; d <= to; d = addCalendarDays(d, 1)) {
    if (d !== base && cal.isWorkingDay(d).working) n++;
    out.push(n);
  }
  return out;
}

/**
 * The dwell distributions of every item × stage, from the cases completed in the last `windowDays` (not
 * data-quality cases): for each stage a case went through after acceptance, the working days from entering it
 * to completion (its working days used at completion, minus those used when the stage began). Bounded by the
 * window: the completions are found in the window's month partitions of `events`, their states and events by
 * primary key, never by a pass over all history.
 *
 * Approximation: the days used when a stage began are counted on the calendar alone, so a pause before the
 * stage makes the remaining time of that case look shorter than it was.
 */
export async function dwellDistributions(ch: Clickhouse, db: string, cal: WorkingCalendar, now: number, windowDays: number): Promise<Map<string, DwellDistribution>> {
  const today = shanghaiDate(now);
  const since = addCalendarDays(today, -windowDays);
  const base = addCalendarDays(since, -ACCEPTANCE_LOOKBACK_DAYS);
  const cum = cumulativeWorkingDays(cal, base, today);
  const idx = (col: string) => `cum[least(greatest(dateDiff('day', base, toDate(${col}, 'Asia/Shanghai')) + 1, 1), toInt64(length(cum)))]`;
  const rs = await ch.query({
    query: `WITH {cum:Array(Int32)} AS cum, toDate({base:String}) AS base
            SELECT s.item_code AS item, e.type AS stage,
              toInt32(s.working_days_used) - least(toInt32(s.working_days_used), greatest(0, ${idx('e.occurred_at')} - ${idx('s.accepted_at')})) AS remaining,
              count() AS n
            FROM ${db}.case_events AS e
            INNER JOIN (
              SELECT case_id, item_code, accepted_at, completed_at, working_days_used FROM ${db}.case_state FINAL
              WHERE case_id IN (SELECT case_id FROM ${db}.events WHERE type = 'completed' AND occurred_at >= toDateTime64({since:String}, 3, 'Asia/Shanghai') AND occurred_at < fromUnixTimestamp64Milli({now:Int64}, 'Asia/Shanghai'))
                AND status = 'completed' AND accepted_at IS NOT NULL AND NOT ${dataQualitySql('flags')}
            ) AS s ON s.case_id = e.case_id
            WHERE e.case_id IN (SELECT case_id FROM ${db}.events WHERE type = 'completed' AND occurred_at >= toDateTime64({since:String}, 3, 'Asia/Shanghai') AND occurred_at < fromUnixTimestamp64Milli({now:Int64}, 'Asia/Shanghai'))
              AND e.type IN {stages:Array(String)} AND e.occurred_at >= s.accepted_at AND e.occurred_at <= s.completed_at
            GROUP BY item, stage, remaining`,
    query_params: { cum, base, since, now, stages: [...MODEL_STAGES] },
    format: 'JSONCompactEachRow',
    clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
  });
  const pairs = new Map<string, Array<[number, number]>>();
  for (const [item, stage, remaining, n] of await rs.json<[string, string, number, number]>()) {
    const k = modelKey(item, stage);
    let list = pairs.get(k);
    if (!list) pairs.set(k, (list = []));
    list.push([Number(remaining), Number(n)]);
  }
  return new Map([...pairs].map(([k, v]) => [k, dwellDistribution(v)]));
}
