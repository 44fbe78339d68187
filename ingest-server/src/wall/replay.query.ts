import type { ClickHouseSettings } from '@clickhouse/client';
import { LEVELS, shanghaiDate, type ClockPause, type EventType, type Level, type LiveEvent } from '@tongban/shared';
import type { PiiKeyring } from '@tongban/shared/pii-crypto';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { fromEventRow, type StoredEventRow } from '../events/event-row.ts';
import { eventTables } from '../events/event.store.ts';
import { toLiveEvent } from '../live/live-event.ts';
import { EVENT_TYPES_IN_ORDER, STAGE_KEEPING_TYPES } from '../supervision/case-state.ts';
import { caseStateTable } from '../supervision/case-state.store.ts';
import { dataQualitySql } from '../supervision/overdue-rule.ts';
import { supervisionOrdersTable } from '../supervision/supervision-orders.store.ts';
import type { OpenCounts, ReplayCase } from './replay-state.ts';

const SETTINGS: ClickHouseSettings = { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 };
const AT = `fromUnixTimestamp64Milli({at:Int64}, 'Asia/Shanghai')`;
/** Cases submitted longer ago than this before the instant are not looked at (a bound on the scan, not on history). */
const LOOKBACK_DAYS = 366;

/**
 * The cases open at the instant: submitted by then, not completed, rejected or withdrawn by then. Reads the
 * case state (one row per case) for what the case is, and the event log for when it closed.
 */
const OPEN_AT = (db: string) => `
  coalesce(submitted_at, accepted_at) <= ${AT}
  AND coalesce(submitted_at, accepted_at) > ${AT} - INTERVAL ${LOOKBACK_DAYS} DAY
  AND NOT (completed_at IS NOT NULL AND completed_at <= ${AT})
  AND case_id NOT IN (SELECT case_id FROM ${eventTables(db).events} WHERE type IN ('rejected', 'withdrawn') AND occurred_at <= ${AT})`;

/** Events of `at`'s Shanghai day up to `at`, by district and type (the wall's 今日 counters as they stood). */
export async function queryDayCountsUntil(ch: Clickhouse, db: string, atMs: number): Promise<Array<{ district_code: string; type: EventType; n: number }>> {
  const rs = await ch.query({
    query: `SELECT district_code, type, count() AS n FROM ${eventTables(db).events}
            WHERE occurred_at >= toDateTime64({day:String}, 3, 'Asia/Shanghai') AND occurred_at <= ${AT}
            GROUP BY district_code, type`,
    query_params: { day: shanghaiDate(atMs), at: atMs },
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  return (await rs.json<{ district_code: string; type: EventType; n: number }>()).map((r) => ({ ...r, n: Number(r.n) }));
}

/** Open cases at the instant per district, and those with a data-quality flag. */
export async function queryOpenCounts(ch: Clickhouse, db: string, atMs: number): Promise<Omit<OpenCounts, 'orders'>> {
  const rs = await ch.query({
    query: `SELECT district_code, count() AS open, countIf(${dataQualitySql()}) AS dq FROM ${caseStateTable(db)} FINAL
            WHERE ${OPEN_AT(db)} GROUP BY district_code`,
    query_params: { at: atMs },
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  const openByDistrict: Record<string, number> = {};
  const dataQualityByDistrict: Record<string, number> = {};
  for (const r of await rs.json<{ district_code: string; open: number; dq: number }>()) {
    openByDistrict[r.district_code] = Number(r.open);
    if (Number(r.dq)) dataQualityByDistrict[r.district_code] = Number(r.dq);
  }
  return { openByDistrict, dataQualityByDistrict };
}

/**
 * Open cases at the instant by the level holding them then: the level of each case's last event by then
 * that moves a case (delivered, rated and complained leave it where it was), ties broken as the case state's
 * derivation orders events, so that replaying now gives the live index's figures.
 */
export async function queryLevelsAt(ch: Clickhouse, db: string, atMs: number, districtCode: string | null): Promise<Record<Level, number>> {
  const rs = await ch.query({
    query: `SELECT lvl, count() AS n FROM (
              SELECT case_id, argMax(level, (occurred_at, indexOf({order:Array(String)}, toString(type)), event_id)) AS lvl
              FROM ${eventTables(db).caseEvents}
              WHERE occurred_at <= ${AT} AND toString(type) NOT IN {keep:Array(String)}
                AND case_id IN (SELECT case_id FROM ${caseStateTable(db)} FINAL WHERE ${OPEN_AT(db)}
                                ${districtCode ? 'AND district_code = {district:String}' : ''})
              GROUP BY case_id)
            GROUP BY lvl`,
    query_params: { at: atMs, order: EVENT_TYPES_IN_ORDER, keep: STAGE_KEEPING_TYPES, district: districtCode ?? '' },
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  const out = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  for (const r of await rs.json<{ lvl: string; n: number }>()) if (r.lvl in out) out[r.lvl as Level] += Number(r.n);
  return out;
}

type CaseRow = [string, string, string, string, string, string, string, string, string, string, number | null, number, string, string[], number, number, number | null, number | null];

/**
 * The accepted open cases at the instant without a data-quality flag: those that can be yellow or red then.
 * The limits are the case's own less a 延期 granted after the instant (a 延期 lengthens the clock from then on).
 */
export async function queryWarnableCases(ch: Clickhouse, db: string, atMs: number, districtCode: string | null): Promise<ReplayCase[]> {
  const rs = await ch.query({
    query: `SELECT s.case_id, item_code, item_name, district_code, township_code, village_code, department_code, stage, level, holder,
              toUnixTimestamp64Milli(submitted_at), toUnixTimestamp64Milli(accepted_at), pauses, flags,
              promised_limit_days, statutory_limit_days, x.ext_days, toUnixTimestamp64Milli(x.ext_at)
            FROM (SELECT * FROM ${caseStateTable(db)} FINAL
                  WHERE accepted_at IS NOT NULL AND accepted_at <= ${AT} AND NOT ${dataQualitySql()} AND ${OPEN_AT(db)}
                  ${districtCode ? 'AND district_code = {district:String}' : ''}) AS s
            LEFT JOIN (SELECT case_id, argMin(extension_days, occurred_at) AS ext_days, min(occurred_at) AS ext_at
                       FROM ${eventTables(db).events} WHERE type = 'extended' GROUP BY case_id) AS x ON x.case_id = s.case_id
            SETTINGS join_use_nulls = 1`,
    query_params: { at: atMs, district: districtCode ?? '' },
    format: 'JSONCompact',
    clickhouse_settings: SETTINGS,
  });
  const rows = (await rs.json<CaseRow>()).data;
  return rows.map((r) => {
    const extDays = r[16] === null ? 0 : Number(r[16]);
    const later = r[17] !== null && Number(r[17]) > atMs ? extDays : 0;
    const promised = Number(r[14]);
    const statutory = Number(r[15]);
    return {
      caseId: r[0],
      itemCode: r[1],
      itemName: r[2],
      districtCode: r[3],
      townshipCode: r[4],
      villageCode: r[5],
      departmentCode: r[6],
      stage: r[7],
      level: r[8] as Level,
      holder: r[9],
      submittedMs: r[10] === null ? null : Number(r[10]),
      acceptedMs: Number(r[11]),
      pauses: r[12] === '[]' ? [] : (JSON.parse(r[12]) as ClockPause[]),
      flags: r[13],
      // A case of an unknown item has no limits (0): no clock, as the live engine has none.
      promisedLimitDays: promised > 0 ? promised - later : null,
      statutoryLimitDays: statutory > 0 ? statutory - later : null,
    };
  });
}

/** 督办 orders open at the instant and those past their due date then; null without the supervision tables. */
export async function queryOrdersAt(ch: Clickhouse, db: string, atMs: number): Promise<{ open: number; overdue: number } | null> {
  try {
    const rs = await ch.query({
      query: `SELECT count() AS open, countIf(due_on < toDate({day:String})) AS overdue FROM ${supervisionOrdersTable(db)} FINAL
              WHERE issued_at <= ${AT} AND (resolved_at IS NULL OR resolved_at > ${AT})`,
      query_params: { at: atMs, day: shanghaiDate(atMs) },
      format: 'JSONEachRow',
      clickhouse_settings: SETTINGS,
    });
    const [row] = await rs.json<{ open: number; overdue: number }>();
    return { open: Number(row?.open ?? 0), overdue: Number(row?.overdue ?? 0) };
  } catch {
    return null;
  }
}

/**
 * Events that occurred in (fromMs, toMs], newest `limit` of them, returned oldest first, masked as the live
 * feed masks them. The note is left out: its applicant's name is masked live by the case's 申办 event, which
 * a window of the log does not hold.
 */
export async function queryEventsBetween(ch: Clickhouse, db: string, fromMs: number, toMs: number, limit: number, pii: PiiKeyring | undefined, districtCode: string | null): Promise<{ events: LiveEvent[]; truncated: boolean }> {
  const rs = await ch.query({
    query: `SELECT *, toUnixTimestamp64Milli(occurred_at) AS occurred_ms FROM ${eventTables(db).events}
            WHERE occurred_at > fromUnixTimestamp64Milli({from:Int64}, 'Asia/Shanghai') AND occurred_at <= fromUnixTimestamp64Milli({to:Int64}, 'Asia/Shanghai')
            ${districtCode ? 'AND district_code = {district:String}' : ''}
            ORDER BY occurred_at DESC, event_id DESC LIMIT {limit:UInt32}`,
    query_params: { from: fromMs, to: toMs, limit: limit + 1, district: districtCode ?? '' },
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  const rows = await rs.json<StoredEventRow>();
  const truncated = rows.length > limit;
  const events = rows.slice(0, limit).reverse().map((r) => {
    const { source: _source, note: _note, ...e } = fromEventRow(r, pii);
    return toLiveEvent(e);
  });
  return { events, truncated };
}

/** The first stored event's instant (ms), or null for an empty log. */
export async function queryFirstEventMs(ch: Clickhouse, db: string): Promise<number | null> {
  const rs = await ch.query({
    query: `SELECT count() AS n, toUnixTimestamp64Milli(min(occurred_at)) AS first FROM ${eventTables(db).events}`,
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  const [row] = await rs.json<{ n: number; first: number }>();
  return Number(row?.n ?? 0) === 0 ? null : Number(row!.first);
}

