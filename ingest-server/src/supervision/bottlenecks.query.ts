import type { IsoDate } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { eventTables } from '../events/event.store.ts';

export const BOTTLENECK_DIMENSIONS = ['stage', 'department', 'item', 'district'] as const;
export type BottleneckDimension = (typeof BOTTLENECK_DIMENSIONS)[number];

const COLUMN: Record<BottleneckDimension, string> = { stage: 'stage', department: 'department_code', item: 'item_code', district: 'district_code' };

export interface BottleneckRow {
  stage?: string;
  department?: string;
  item?: string;
  district?: string;
  steps: number;
  cases: number;
  avgMinutes: number;
  p90Minutes: number;
  totalHours: number;
}

/**
 * 堵点: how long cases dwell at each stage (time from a lifecycle event to the next one of the same case),
 * grouped by any of stage × department × item × district over [from, to] (Asia/Shanghai dates), worst
 * total dwell first. Dwell is calendar time; a stretch reaching past `to` is cut at the last event in range.
 */
export async function bottlenecks(
  ch: Clickhouse,
  db: string,
  q: { from: IsoDate; to: IsoDate; by: BottleneckDimension[]; districtCode?: string; limit: number },
): Promise<BottleneckRow[]> {
  const dims = q.by.map((d) => `${COLUMN[d]} AS ${d}`).join(', ');
  const groupBy = q.by.join(', ');
  const rs = await ch.query({
    query: `
      SELECT ${dims}, count() AS steps, uniqExact(case_id) AS cases,
             round(avg(dwell)) AS avgMinutes, round(quantileExact(0.9)(dwell)) AS p90Minutes, round(sum(dwell) / 60, 1) AS totalHours
      FROM (
        SELECT case_id, type AS stage, department_code, district_code,
               anyIf(item_code, item_code != '') OVER (PARTITION BY case_id) AS item_code,
               dateDiff('minute', occurred_at, leadInFrame(occurred_at) OVER w) AS dwell,
               leadInFrame(type) OVER w AS next_type
        FROM ${eventTables(db).caseEvents}
        WHERE occurred_at >= toDateTime64({from:String}, 3, 'Asia/Shanghai')
          AND occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai') + INTERVAL 1 DAY
          ${q.districtCode ? 'AND district_code = {district:String}' : ''}
        WINDOW w AS (PARTITION BY case_id ORDER BY occurred_at, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
      )
      WHERE next_type != '' AND stage NOT IN ('completed', 'delivered', 'rated', 'complained', 'withdrawn', 'rejected')
      GROUP BY ${groupBy}
      ORDER BY totalHours DESC
      LIMIT {limit:UInt32}`,
    query_params: { from: q.from, to: q.to, district: q.districtCode ?? '', limit: q.limit },
    format: 'JSONEachRow',
    clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
  });
  return (await rs.json<BottleneckRow>()).map((r) => ({ ...r, steps: Number(r.steps), cases: Number(r.cases), avgMinutes: Number(r.avgMinutes), p90Minutes: Number(r.p90Minutes), totalHours: Number(r.totalHours) }));
}
