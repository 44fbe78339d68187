import type { IsoDate } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { eventTables } from '../events/event.store.ts';
import { rawTail, stageDwellsBuilt, tailCasesSql, visitsSql, type TailCheck } from './stage-dwells.ts';
import { priorDayColumn, RECENT_TABLE, repeatSubset, STAGE_DEPARTMENT_SQL } from './stage-visit-columns.ts';

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

type BottleneckQuery = { from: IsoDate; to: IsoDate; by: BottleneckDimension[]; districtCode?: string; limit: number };

/**
 * 堵点: how long cases dwell at each stage (time from a lifecycle event to the next one of the same case),
 * grouped by any of stage × department × item × district over [from, to] (Asia/Shanghai dates), worst
 * total dwell first. Dwell is calendar time; a stretch reaching past `to` is cut at the last event in range.
 *
 * Read from the stage-dwell rollup (stage-dwells.ts): the visits starting and ending in the range, but for
 * the cases stored since the rollup's mark, whose visits come from the raw log (the tail, skipped when no
 * event was stored since); before the first build, the raw-log query (`bottlenecksFromLog`, the reference).
 * A visit's district and department are its start event's, its item the case's. A group's distinct cases are its visits that are their case's first in
 * the group within the range (the prior-day column of its dimensions, and the district when filtered by one).
 * `tailOf` names the tail: none, every case stored since the mark, or the cases the projector's rows do not
 * hold yet (`tailCheck`, `projectedTail`). `recent`: the rollup is `stage_dwells` and the recent table
 * (RECENT_TABLE), each case from the recent table when it is there.
 */
export async function bottlenecks(ch: Clickhouse, db: string, q: BottleneckQuery, tailOf: TailCheck = rawTail, recent = false): Promise<BottleneckRow[]> {
  if (!(await stageDwellsBuilt(ch, db))) return bottlenecksFromLog(ch, db, q);
  const inRange = `start_day >= {from:Date} AND start_day <= {to:Date} AND end_day <= {to:Date}${q.districtCode ? ' AND district_code = {district:String}' : ''}`;
  const dims = q.districtCode ? [...q.by, 'district'] : q.by;
  const prior = priorDayColumn(dims);
  const keyed = byStageDepartment(q.by);
  const columns = `stage, case_id, district_code, department_code, item_code, dwell, ${prior}${keyed ? ', stage_department' : ''}`;
  // With the recent table (RECENT_TABLE: embedded, the projector's visits): a case from there when it is there.
  const rollup = (where: string) =>
    recent
      ? `SELECT ${columns} FROM ${db}.stage_dwells FINAL WHERE ${inRange}${where} AND case_key NOT IN (SELECT case_key FROM ${db}.${RECENT_TABLE})
         UNION ALL
         SELECT ${columns} FROM ${db}.${RECENT_TABLE} FINAL WHERE ${inRange}${where}`
      : `SELECT ${columns} FROM ${db}.stage_dwells FINAL WHERE ${inRange}${where}`;
  const tail = await tailOf(ch, db);
  const cases = tail === 'all' ? `(${tailCasesSql(db)})` : '{tail:Array(String)}';
  const visits =
    tail === 'none'
      ? rollup('')
      : `${rollup(` AND case_id NOT IN ${cases}`)}
         UNION ALL
         SELECT ${columns.replace(', stage_department', `, toLowCardinality(${STAGE_DEPARTMENT_SQL}) AS stage_department`)} FROM (${visitsSql(db, `case_id IN ${cases}`, [repeatSubset(dims)], 'few')}) WHERE ${inRange}`;
  return run(ch, q, visits, `countIf(${prior} < {from:Date})`, '1', keyed, typeof tail === 'string' ? [] : tail);
}

/** The route's default grouping, by stage and department (in either order): grouped by their one column in the rollup. */
const byStageDepartment = (by: readonly BottleneckDimension[]) => by.length === 2 && by.includes('stage') && by.includes('department');

/** Stage and department from the rollup's `stage_department` (the text before its tab, and after it). */
const STAGE_DEPARTMENT_DIMS: Record<'stage' | 'department', string> = {
  stage: "substring(stage_department, 1, position(stage_department, '\\t') - 1) AS stage",
  department: "substring(stage_department, position(stage_department, '\\t') + 1) AS department",
};

/** The same from the raw log: a window over every event of the range (the reference for the rollup). */
export async function bottlenecksFromLog(ch: Clickhouse, db: string, q: BottleneckQuery): Promise<BottleneckRow[]> {
  return run(
    ch,
    q,
    `SELECT case_id, type AS stage, department_code, district_code,
            anyIf(item_code, item_code != '') OVER (PARTITION BY case_id) AS item_code,
            dateDiff('minute', occurred_at, leadInFrame(occurred_at) OVER w) AS dwell,
            leadInFrame(type) OVER w AS next_type
     FROM ${eventTables(db).caseEvents}
     WHERE occurred_at >= toDateTime64({from:String}, 3, 'Asia/Shanghai')
       AND occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai') + INTERVAL 1 DAY
       ${q.districtCode ? 'AND district_code = {district:String}' : ''}
     WINDOW w AS (PARTITION BY case_id ORDER BY occurred_at, event_id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)`,
    'uniqExact(case_id)',
    `next_type != '' AND stage NOT IN ('completed', 'delivered', 'rated', 'complained', 'withdrawn', 'rejected')`,
  );
}

/**
 * The figures per group over `visits` (columns stage, case_id, district_code, department_code, item_code, dwell,
 * and stage_department when `keyed`: grouped by that one column), `cases` counting a group's cases.
 */
async function run(ch: Clickhouse, q: BottleneckQuery, visits: string, cases: string, where = '1', keyed = false, tail: readonly string[] = []): Promise<BottleneckRow[]> {
  const dims = q.by.map((d) => (keyed ? STAGE_DEPARTMENT_DIMS[d as 'stage' | 'department'] : `${COLUMN[d]} AS ${d}`)).join(', ');
  const groupBy = keyed ? 'stage_department' : q.by.join(', ');
  const rs = await ch.query({
    query: `
      SELECT ${dims}, count() AS steps, ${cases} AS cases,
             round(avg(dwell)) AS avgMinutes, round(quantileExact(0.9)(dwell)) AS p90Minutes, round(sum(dwell) / 60, 1) AS totalHours
      FROM (${visits})
      WHERE ${where}
      GROUP BY ${groupBy}
      ORDER BY totalHours DESC
      LIMIT {limit:UInt32}`,
    query_params: { from: q.from, to: q.to, district: q.districtCode ?? '', limit: q.limit, tail },
    format: 'JSONEachRow',
    clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
  });
  return (await rs.json<BottleneckRow>()).map((r) => ({ ...r, steps: Number(r.steps), cases: Number(r.cases), avgMinutes: Number(r.avgMinutes), p90Minutes: Number(r.p90Minutes), totalHours: Number(r.totalHours) }));
}
