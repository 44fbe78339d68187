import { shanghaiDateTime, type ClockPause, type Level } from '@tongban/shared';
import { insertTabSeparated, QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import type { LineBuffer } from '../clickhouse/line-buffer.ts';
import { isOpen, OPEN_STATUSES, type CaseState, type CaseStatus } from './case-state.ts';
import type { OpenCase } from './open-case-index.ts';

const OPEN_IN = OPEN_STATUSES.map((st) => `'${st}'`).join(', ');
const isOpenStatus = (status: string) => isOpen({ status: status as CaseStatus });

/** The case state table (latest version per case), for the rooms whose queries read it. */
export const caseStateTable = (db: string) => `${db}.case_state`;

/**
 * An instant as ClickHouse reads a Shanghai DateTime64. An ISO instant already at +08:00 with milliseconds (as
 * the stored events are read back) is cut, not parsed and formatted again: the same text, a tenth of the time
 * at bulk volume (issue 16).
 */
const ms = (iso: string | null) =>
  iso === null ? null : iso.length === 29 && iso.endsWith('+08:00') && iso[10] === 'T' ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : shanghaiDateTime(Date.parse(iso));
const bit = (b: boolean | null) => (b === null ? null : b ? 1 : 0);

/** The `case_state` row of a derived state (`version`: as `shanghaiDateTime` writes it). */
export function caseStateRow(s: CaseState, version: string, fence: number) {
  return {
    case_id: s.caseId,
    version,
    item_code: s.itemCode,
    item_name: s.itemName,
    department_code: s.departmentCode,
    district_code: s.districtCode,
    township_code: s.townshipCode,
    village_code: s.villageCode,
    channel: s.channel,
    cross_district: s.crossDistrict ? 1 : 0,
    status: s.status,
    stage: s.stage,
    level: s.level,
    holder: s.holder,
    submitted_at: ms(s.submittedAt),
    accepted_at: ms(s.acceptedAt),
    completed_at: ms(s.completedAt),
    promised_limit_days: s.promisedLimitDays,
    statutory_limit_days: s.statutoryLimitDays,
    promised_deadline: s.promised?.deadline ?? null,
    statutory_deadline: s.statutory?.deadline ?? null,
    provisional: s.flags.includes('provisional_deadline') ? 1 : 0,
    yellow_from: s.promised?.yellowFrom ?? null,
    stage_due: s.stageClock?.due ?? null,
    stage_since: ms(s.stageSince),
    paused: s.status === 'paused' ? 1 : 0,
    pauses: JSON.stringify(s.pauses),
    working_days_used: s.workingDaysUsed,
    paused_working_days: s.pausedWorkingDays,
    warning: s.warning,
    days_overdue: s.daysOverdue,
    completed_on_time: bit(s.completedOnTime),
    statutory_on_time: bit(s.statutoryOnTime),
    handling_minutes: s.handlingMinutes,
    visits: s.visits,
    rating: s.rating,
    rated_at: ms(s.ratedAt),
    supplements: s.supplements,
    event_count: s.events.length,
    flags: s.flags,
    fence,
  };
}

type CaseStateRow = ReturnType<typeof caseStateRow>;
/** The columns of `caseStateLine`, in `caseStateRow`'s order. */
export const CASE_STATE_COLUMNS: [keyof CaseStateRow, ...Array<keyof CaseStateRow>] = [
  'case_id', 'version', 'item_code', 'item_name', 'department_code', 'district_code', 'township_code', 'village_code', 'channel', 'cross_district', 'status', 'stage', 'level', 'holder', 'submitted_at', 'accepted_at', 'completed_at', 'promised_limit_days', 'statutory_limit_days', 'promised_deadline', 'statutory_deadline', 'provisional', 'yellow_from', 'stage_due', 'stage_since', 'paused', 'pauses', 'working_days_used', 'paused_working_days', 'warning', 'days_overdue', 'completed_on_time', 'statutory_on_time', 'handling_minutes', 'visits', 'rating', 'rated_at', 'supplements', 'event_count', 'flags', 'fence',
];

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const tsvString = (s: string) => (NEEDS_ESCAPE.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : s);
/** A value of `caseStateRow` as a TabSeparated field (null as \N, an array as a ClickHouse literal). */
function tsvField(x: string | number | null | readonly string[]): string {
  if (x === null) return '\\N';
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return tsvString(x);
  return x.length ? tsvString(`[${x.map((f) => `'${f.replace(/[\\']/g, '\\$&')}'`).join(',')}]`) : '[]';
}
/** One TabSeparated line of `case_state` (CASE_STATE_COLUMNS) of a derived state, without its newline (`version`: as `shanghaiDateTime` writes it). */
export function caseStateLine(s: CaseState, version: string, fence: number): string {
  const row = caseStateRow(s, version, fence);
  const fields = new Array<string>(CASE_STATE_COLUMNS.length);
  for (let i = 0; i < CASE_STATE_COLUMNS.length; i++) fields[i] = tsvField(row[CASE_STATE_COLUMNS[i]!]);
  return fields.join('\t');
}

/** The TabSeparated lines (CASE_STATE_COLUMNS) of derived states, each ending in a newline. */
export function caseStateBody(states: CaseState[], version: number, fence: number): string {
  const v = shanghaiDateTime(version);
  // Lines joined once: a string grown line by line is a rope of millions of pieces, flattened at the end.
  return states.map((s) => caseStateLine(s, v, fence)).join('\n') + '\n';
}

/** Reads and writes of `case_state` (one row per derivation; the latest version wins). */
export class CaseStateStore {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
  ) {}

  /**
   * `fence`: the engine lease's fencing token of the writer (0 on a single node). TabSeparated (issue 16):
   * at bulk volume JSON rows cost several times as much to build and for ClickHouse to parse.
   */
  async write(states: CaseState[], version: number, fence = 0, table = 'case_state'): Promise<void> {
    if (!states.length) return;
    await insertTabSeparated(this.ch, { table: `${this.db}.${table}`, columns: CASE_STATE_COLUMNS, body: caseStateBody(states, version, fence) });
  }

  /** `write` of lines already built (caseStateLine), as the bulk derivation builds each case's line as soon as it is derived. */
  async writeLines(lines: LineBuffer, table = 'case_state'): Promise<void> {
    if (!lines.rows) return;
    await insertTabSeparated(this.ch, { table: `${this.db}.${table}`, columns: CASE_STATE_COLUMNS, body: lines.bytes() });
  }

  /** `write` as JSONEachRow (the format before issue 16), kept for bench/derivation.bench.ts to compare. */
  async writeJson(states: CaseState[], version: number, fence = 0, table = 'case_state'): Promise<void> {
    if (!states.length) return;
    const v = shanghaiDateTime(version);
    await this.ch.insert({ table: `${this.db}.${table}`, format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS, values: states.map((s) => caseStateRow(s, v, fence)) });
  }

  /** Every open case as last derived: the scanner's index after a restart. */
  loadOpen(visit: (c: OpenCase) => void): Promise<number> {
    return this.readStates(`status IN (${OPEN_IN})`, {}, visit);
  }

  /**
   * The latest state of every case derived at or after `sinceMs` (an index snapshot's tail): open ones to
   * `open`, the ids of the others to `closed`. The cases are found by `version` without FINAL (one column
   * scanned), then read with FINAL by primary key.
   */
  loadChangedSince(sinceMs: number, open: (c: OpenCase) => void, closed: (caseId: string) => void): Promise<number> {
    return this.readStates(
      `case_id IN (SELECT case_id FROM ${this.db}.case_state WHERE version >= fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai'))`,
      { since: sinceMs },
      (c) => (isOpenStatus(c.status) ? open(c) : closed(c.caseId)),
      true,
    );
  }

  /** Case states matching `where`, in case order, page by page, as the index takes them. */
  private async readStates(where: string, params: Record<string, unknown>, visit: (c: OpenCase) => void, allStatuses = false): Promise<number> {
    let after = '';
    let total = 0;
    // Large pages: each page re-reads the table with FINAL, so fewer pages load faster (≈ 150 MB of text per million).
    const PAGE = 2_000_000;
    for (;;) {
      const rs = await this.ch.query({
        query: `SELECT case_id, item_code, district_code, township_code, department_code, status, stage, level, holder,
                  toUnixTimestamp64Milli(submitted_at) AS submitted_ms, toUnixTimestamp64Milli(accepted_at) AS accepted_ms,
                  toInt32(promised_deadline), toInt32(statutory_deadline), toInt32(yellow_from), pauses, toInt32(stage_due), flags, village_code,
                  toInt32(toDate(stage_since, 'Asia/Shanghai')) AS stage_since_day, promised_limit_days
                FROM ${this.db}.case_state FINAL
                WHERE ${where} AND case_id > {after:String}
                ORDER BY case_id LIMIT ${PAGE}`,
        query_params: { ...params, after },
        // One JSON document (one JSON.parse) rather than a parse per row: about twice as fast to load.
        format: 'JSONCompact',
        clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
      });
      const rows = (await rs.json<[string, string, string, string, string, string, string, string, string, number | null, number | null, number | null, number | null, number | null, string, number | null, string[], string, number | null, number]>()).data;
      for (const r of rows) {
        // A closed case's row is only told by its id and status: its other columns are not parsed.
        const closed = allStatuses && !isOpenStatus(r[5]);
        visit({
          caseId: r[0],
          itemCode: r[1],
          districtCode: r[2],
          townshipCode: r[3],
          villageCode: r[17],
          departmentCode: r[4],
          status: r[5],
          stage: r[6],
          level: r[7] as Level,
          holder: r[8],
          submittedMs: r[9],
          acceptedMs: r[10],
          promisedDeadlineDay: r[11],
          statutoryDeadlineDay: r[12],
          yellowFromDay: r[13],
          pauses: closed || r[14] === '[]' ? [] : (JSON.parse(r[14]) as ClockPause[]),
          stageDueDay: r[15],
          stageSinceDay: r[18],
          promisedLimitDays: Number(r[19]),
          flags: r[16],
        });
      }
      total += rows.length;
      if (rows.length < PAGE) return total;
      after = rows.at(-1)![0];
    }
  }

  /** The highest fencing token written with a case state (0 when none, or on a single node). */
  async maxFence(): Promise<number> {
    const rs = await this.ch.query({ query: `SELECT max(fence) AS f FROM ${this.db}.case_state`, format: 'JSONEachRow', clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 } });
    const [row] = await rs.json<{ f: number }>();
    return Number(row?.f ?? 0);
  }

  /** Time of the latest derivation (0 when none): events received after it may not be projected yet. */
  async lastVersion(): Promise<number> {
    const rs = await this.ch.query({
      query: `SELECT toUnixTimestamp64Milli(max(version)) AS v, count() AS n FROM ${this.db}.case_state`,
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    const [row] = await rs.json<{ v: number; n: number }>();
    return Number(row?.n ?? 0) === 0 ? 0 : Number(row!.v);
  }

  /** Cases with events received at or after `sinceMs`. */
  async casesReceivedSince(sinceMs: number): Promise<string[]> {
    const rs = await this.ch.query({
      query: `SELECT DISTINCT case_id FROM ${this.db}.events WHERE received_at >= fromUnixTimestamp64Milli({since:Int64}, 'Asia/Shanghai')`,
      query_params: { since: sinceMs },
      format: 'JSONCompactEachRow',
      clickhouse_settings: QUERY_SETTINGS,
    });
    return (await rs.json<[string]>()).map((r) => r[0]);
  }

  /** Median handling minutes per item over completed cases without flags (the item's own history). */
  async typicalMinutes(minCases = 20): Promise<Map<string, number>> {
    const rs = await this.ch.query({
      query: `SELECT item_code, quantileExact(0.5)(handling_minutes) AS m FROM ${this.db}.case_state FINAL
              WHERE status = 'completed' AND handling_minutes IS NOT NULL AND length(flags) = 0
              GROUP BY item_code HAVING count() >= {minCases:UInt32}`,
      query_params: { minCases },
      format: 'JSONCompactEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    return new Map((await rs.json<[string, number]>()).map(([k, v]) => [k, Number(v)]));
  }
}
