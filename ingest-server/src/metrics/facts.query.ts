import type { IsoDate } from '@tongban/shared';
import { factAggregates } from './fact-columns.ts';
import { eventTables } from '../events/event.store.ts';
import { caseStateTable } from '../supervision/case-state.store.ts';

/*
 * The raw-log reference: metric facts and stage waits computed from `events`, `case_events` and
 * `case_state`. The rollup builder runs the same SQL per day (groupByDay) into the rollup tables, so a
 * fresh rollup and the raw log agree by construction and the tests check that the rollup stays fresh.
 */

export interface FactsWindow {
  /** Events that occurred in [from, to) (Asia/Shanghai dates). */
  from: IsoDate;
  to: IsoDate;
  /** Only these days of the window (rollup builds of scattered dirty days). */
  days?: IsoDate[] | undefined;
  /** Events received after this instant (epoch ms) are left out. */
  cutoffMs: number;
}

export const windowParams = (w: FactsWindow) => ({ from: w.from, to: w.to, cutoff: w.cutoffMs, days: w.days ?? [] });

const inWindow = (w: FactsWindow, column = 'occurred_at') =>
  `${column} >= toDateTime64({from:String}, 3, 'Asia/Shanghai') AND ${column} < toDateTime64({to:String}, 3, 'Asia/Shanghai')` +
  (w.days ? ` AND toDate(${column}) IN {days:Array(Date)}` : '');
const RECEIVED = `received_at <= fromUnixTimestamp64Milli({cutoff:Int64}, 'Asia/Shanghai')`;

/**
 * Facts per (day?, district, item). An event's district is its own; its item its own or else its case's
 * submitted item; a completion joins its case's current state (on time, working days, flags).
 * Output columns: [day,] district_code, item_code, every fact column, events, max_received.
 */
export function factsSql(db: string, w: FactsWindow, groupByDay: boolean): string {
  return `
WITH
  ev AS (
    SELECT case_id, type, toDate(occurred_at) AS day, district_code, item_code, channel, rating, visits, received_at
    FROM ${eventTables(db).events}
    WHERE ${inWindow(w)} AND ${RECEIVED}
  ),
  submitted_item AS (
    SELECT case_id, argMin(item_code, occurred_at) AS s_item
    FROM ${eventTables(db).caseEvents}
    WHERE case_id IN (SELECT case_id FROM ev WHERE item_code = '')
      AND type = 'submitted' AND item_code != '' AND ${RECEIVED}
    GROUP BY case_id
  ),
  state AS (
    SELECT case_id, toUInt8(1) AS st_found, completed_on_time, statutory_on_time, working_days_used, promised_limit_days,
           statutory_limit_days, toUInt8(accepted_at IS NOT NULL) AS was_accepted, handling_minutes, flags
    FROM ${caseStateTable(db)} FINAL
    WHERE case_id IN (SELECT case_id FROM ev WHERE type = 'completed')
  )
SELECT ${groupByDay ? 'r_day AS day, ' : ''}r_district AS district_code, r_item AS item_code,
  ${factAggregates()},
  count() AS events,
  max(x_received) AS max_received
FROM (
  SELECT e.day AS r_day, e.district_code AS r_district, if(e.item_code != '', e.item_code, i.s_item) AS r_item,
         e.type AS x_type, e.channel AS x_channel, e.visits AS x_visits, e.rating AS x_rating, e.received_at AS x_received,
         s.st_found AS x_st_found, s.completed_on_time AS x_on_time, s.statutory_on_time AS x_stat_on_time,
         s.working_days_used AS x_used, s.promised_limit_days AS x_promised, s.statutory_limit_days AS x_statutory,
         s.was_accepted AS x_was_accepted, s.handling_minutes AS x_handling, s.flags AS x_flags
  FROM ev AS e
  LEFT JOIN submitted_item AS i ON i.case_id = e.case_id
  LEFT JOIN state AS s ON s.case_id = e.case_id
)
GROUP BY ${groupByDay ? 'day, ' : ''}district_code, item_code`;
}

/** Lifecycle steps between which a case dwells (ratings and complaints are not steps). */
const NOT_STEPS = `('rated', 'complained')`;
/** Stages after which nothing is awaited from the administration. */
const FINAL_STAGES = `('completed', 'delivered', 'withdrawn', 'rejected')`;

/**
 * Stage waits per (day?, district, item, stage): for each lifecycle event, the time since the case's previous
 * lifecycle event; the stage is that previous event's type (as GET /api/v1/bottlenecks names stages). A wait
 * belongs to the day it ended, so a closed period never changes when later events arrive.
 */
export function stageSql(db: string, w: FactsWindow, groupByDay: boolean): string {
  return `
SELECT ${groupByDay ? 'day, ' : ''}district_code, item AS item_code, stage,
       count() AS waits, sum(dwell) AS wait_minutes, max(dwell) AS max_wait_minutes
FROM (
  SELECT toDate(occurred_at) AS day, occurred_at, district_code,
         anyIf(item_code, item_code != '') OVER (PARTITION BY case_id) AS item,
         lagInFrame(type) OVER w AS stage,
         toUInt32(greatest(0, intDiv(toUnixTimestamp64Milli(occurred_at) - toUnixTimestamp64Milli(lagInFrame(occurred_at) OVER w), 60000))) AS dwell,
         row_number() OVER w AS rn
  FROM ${eventTables(db).caseEvents}
  WHERE case_id IN (SELECT case_id FROM ${eventTables(db).events} WHERE ${inWindow(w)} AND ${RECEIVED} AND type NOT IN ${NOT_STEPS})
    AND occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai') AND ${RECEIVED} AND type NOT IN ${NOT_STEPS}
  WINDOW w AS (PARTITION BY case_id ORDER BY occurred_at, event_id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
)
WHERE rn > 1 AND stage NOT IN ${FINAL_STAGES} AND ${inWindow(w)}
GROUP BY ${groupByDay ? 'day, ' : ''}district_code, item_code, stage`;
}

/** Items with at least one 申办 per district in a window (事项实施率), from the raw log. */
export function submittedItemsSql(db: string, w: FactsWindow): string {
  return `SELECT DISTINCT district_code, item_code FROM ${eventTables(db).events}
          WHERE type = 'submitted' AND item_code != '' AND ${inWindow(w)} AND ${RECEIVED}`;
}

/**
 * Bad ratings (不满意, 非常不满意) given in the window, with their case's item (the event's own, else the
 * case's submitted item). Output columns: day, district_code, item_code, case_id, rated_at, rating.
 */
export function badRatingsSql(db: string, w: FactsWindow): string {
  return `
SELECT toDate(e.occurred_at) AS day, e.district_code AS district_code, if(e.item_code != '', e.item_code, i.s_item) AS item_code,
       e.case_id AS case_id, e.occurred_at AS rated_at, toUInt8(assumeNotNull(e.rating)) AS rating
FROM (
  SELECT case_id, occurred_at, district_code, item_code, rating FROM ${eventTables(db).events}
  WHERE type = 'rated' AND rating <= 2 AND ${inWindow(w)} AND ${RECEIVED}
) AS e
LEFT JOIN (
  SELECT case_id, argMin(item_code, occurred_at) AS s_item FROM ${eventTables(db).caseEvents}
  WHERE case_id IN (SELECT case_id FROM ${eventTables(db).events} WHERE type = 'rated' AND rating <= 2 AND ${inWindow(w)} AND ${RECEIVED} AND item_code = '')
    AND type = 'submitted' AND item_code != '' AND ${RECEIVED}
  GROUP BY case_id
) AS i ON i.case_id = e.case_id`;
}

/** The whole months inside [from, to) as [monthFrom, monthTo); both equal `to` when there is none. */
export function wholeMonths(from: IsoDate, to: IsoDate): { monthFrom: IsoDate; monthTo: IsoDate } {
  const monthFrom = from.endsWith('-01') ? from : nextMonthStart(from);
  const monthTo = `${to.slice(0, 7)}-01`;
  return monthFrom < monthTo ? { monthFrom, monthTo } : { monthFrom: to, monthTo: to };
}

function nextMonthStart(date: IsoDate): IsoDate {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01-01` : `${date.slice(0, 4)}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * Rollup rows of [from, to): whole months from the monthly table, the days around them from the daily one.
 * Parameters {from}, {to}, {monthFrom}, {monthTo}.
 */
export function rollupRange(db: string, monthly: string, daily: string, columns: string): string {
  return `(SELECT ${columns} FROM ${db}.${monthly} WHERE day >= {monthFrom:Date} AND day < {monthTo:Date}
           UNION ALL
           SELECT ${columns} FROM ${db}.${daily}
           WHERE (day >= {from:Date} AND day < {monthFrom:Date}) OR (day >= {monthTo:Date} AND day < {to:Date}))`;
}
