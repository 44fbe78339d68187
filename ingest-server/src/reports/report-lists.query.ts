import { randomUUID } from 'node:crypto';
import { addCalendarDays, maskApplicant, type IsoDate, type WorkingCalendar } from '@tongban/shared';
import { tryDecryptPii, type PiiKeyring } from '@tongban/shared/pii-crypto';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { runCommand, selectRows } from '../metrics/clickhouse-rows.ts';
import { dataQualitySql } from '../supervision/overdue-rule.ts';
import { supervisionOrdersTable } from '../supervision/supervision-orders.store.ts';
import { eventTables } from '../events/event.store.ts';
import { caseStateTable } from '../supervision/case-state.store.ts';

/** A case of `case_state` as the report lists need it. */
export interface StateRow {
  caseId: string;
  itemCode: string;
  districtCode: string;
  holder: string;
  acceptedMs: number | null;
  promisedDeadline: IsoDate | null;
  completedMs: number | null;
  status: string;
  flags: string[];
}

type Raw = {
  case_id: string;
  item_code: string;
  district_code: string;
  holder: string;
  accepted_ms: number | null;
  deadline: string | null;
  completed_ms: number | null;
  status: string;
  flags: string[];
};

const toRow = (r: Raw): StateRow => ({
  caseId: r.case_id,
  itemCode: r.item_code,
  districtCode: r.district_code,
  holder: r.holder,
  acceptedMs: r.accepted_ms === null ? null : Number(r.accepted_ms),
  promisedDeadline: r.deadline,
  completedMs: r.completed_ms === null ? null : Number(r.completed_ms),
  status: r.status,
  flags: r.flags,
});

/** Data-quality cases are never overdue (the one rule: supervision/overdue-rule.ts). */
const DQ = dataQualitySql('flags');
const CUTOFF = `fromUnixTimestamp64Milli({cutoff:Int64}, 'Asia/Shanghai')`;
const COLUMNS = `case_id, item_code, district_code, holder, toUnixTimestamp64Milli(accepted_at) AS accepted_ms,
  toString(promised_deadline) AS deadline, toUnixTimestamp64Milli(completed_at) AS completed_ms, status, flags`;
/** workingDaysOverdue() of case-clock.ts in SQL: working days past the promised deadline to completion (within the period and by the cut-off) or to the as-of day, at least 1. */
const OVERDUE_DAYS = `if((if(completed_at IS NOT NULL AND completed_at <= ${CUTOFF} AND toDate(assumeNotNull(completed_at)) < {to:Date},
      toDate(assumeNotNull(completed_at)), toDate({asOfOpen:String})) AS as_of) <= assumeNotNull(promised_deadline), 0,
    greatest(1, transform(toString(as_of), {dates:Array(String)}, {ords:Array(Int32)}, 0)
      - transform(toString(assumeNotNull(promised_deadline)), {dates:Array(String)}, {ords:Array(Int32)}, 0)))`;

export interface OverdueWindow {
  from: IsoDate;
  to: IsoDate;
  cutoffMs: number;
  /** The day an open case's lateness is counted to: the period's last day, or the cut-off's day when earlier. */
  asOfOpen: IsoDate;
  calendar: WorkingCalendar;
}

export interface OverdueFilter {
  districtCode?: string | undefined;
  itemCodes?: string[] | undefined;
}

/** Not completed by `at` (a completion after the cut-off does not count either). */
const notCompletedBy = (at: string) => `(completed_at IS NULL OR completed_at >= ${at} OR completed_at > ${CUTOFF})`;

/** Case lists of the reports, read from `case_state` (latest derivation) and judged as of a cut-off. */
export class ReportListsQuery {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
    /** PII_KEY: decrypts the applicant's fields before masking them. */
    private readonly piiKeys?: PiiKeyring,
  ) {}

  /** The WHERE of the overdue list (see overdue()). */
  private overdueWhere(filter: OverdueFilter): string {
    return `promised_deadline IS NOT NULL AND promised_deadline < {to:Date} AND promised_deadline < toDate(${CUTOFF})
         AND accepted_at <= ${CUTOFF}
         AND (completed_at IS NULL OR completed_at >= toDateTime64({from:String}, 3, 'Asia/Shanghai'))
         AND (completed_at IS NULL OR toDate(completed_at) > promised_deadline)
         AND status NOT IN ('rejected', 'withdrawn') AND NOT ${DQ}
         ${filter.districtCode ? 'AND district_code = {district:String}' : ''}
         ${filter.itemCodes ? 'AND item_code IN {items:Array(String)}' : ''}`;
  }

  /**
   * Cases overdue at some time in [from, to): accepted by the cut-off, promised deadline before `to` (and
   * before the cut-off's day), and either completed late within or after the period or not completed by its
   * end. Data-quality cases and cases closed without completion (不予受理, 撤回) are left out. Gives the
   * count per item and the `limit` most overdue cases (working days past the promised deadline, counted to
   * completion or to `asOfOpen` for a case open at the end; then by deadline and case id).
   */
  async overdue(w: OverdueWindow, filter: OverdueFilter, limit: number) {
    const params = await this.overdueParams(w, filter);
    const where = this.overdueWhere(filter);
    const [counts, rows] = await Promise.all([
      selectRows<{ item_code: string; n: number }>(this.ch, `SELECT item_code, count() AS n FROM ${caseStateTable(this.db)} FINAL WHERE ${where} GROUP BY item_code`, params),
      selectRows<Raw & { od: number }>(
        this.ch,
        `SELECT ${COLUMNS}, ${OVERDUE_DAYS} AS od FROM ${caseStateTable(this.db)} FINAL WHERE ${where} ORDER BY od DESC, promised_deadline, case_id LIMIT {limit:UInt32}`,
        { ...params, limit },
      ),
    ]);
    const byItem = new Map(counts.map((c) => [c.item_code, Number(c.n)]));
    return { total: [...byItem.values()].reduce((a, b) => a + b, 0), byItem, rows: rows.map((r) => ({ ...toRow(r), workingDaysOverdue: Number(r.od) })) };
  }

  /**
   * Every overdue case in the order of overdue(), in pages of `pageSize`: the list is written once into a
   * scratch table (one pass over case_state) and read back by row number, so memory stays bounded however
   * long the list is.
   */
  async *overduePages(w: OverdueWindow, filter: OverdueFilter, pageSize = 5_000): AsyncGenerator<Array<StateRow & { workingDaysOverdue: number }>> {
    const params = await this.overdueParams(w, filter);
    const table = `${this.db}.report_list_${randomUUID().replace(/-/g, '')}`;
    await runCommand(
      this.ch,
      `CREATE TABLE ${table} ENGINE = MergeTree ORDER BY seq AS
       SELECT row_number() OVER (ORDER BY od DESC, deadline, case_id) AS seq, * FROM (
         SELECT ${COLUMNS}, ${OVERDUE_DAYS} AS od FROM ${caseStateTable(this.db)} FINAL WHERE ${this.overdueWhere(filter)})`,
      params,
    );
    try {
      for (let from = 0; ; from += pageSize) {
        const rows = await selectRows<Raw & { od: number }>(
          this.ch,
          `SELECT case_id, item_code, district_code, holder, accepted_ms, deadline, completed_ms, status, flags, od FROM ${table}
           WHERE seq > {a:UInt64} AND seq <= {b:UInt64} ORDER BY seq`,
          { a: from, b: from + pageSize },
        );
        if (!rows.length) return;
        yield rows.map((r) => ({ ...toRow(r), workingDaysOverdue: Number(r.od) }));
        if (rows.length < pageSize) return;
      }
    } finally {
      await runCommand(this.ch, `DROP TABLE IF EXISTS ${table}`);
    }
  }

  /**
   * Query parameters of the overdue list, with the working-day ordinal of every date the list can hold
   * (deadlines, completion days, the as-of day): working days between two dates are then a subtraction
   * in SQL, so the list can be sorted by working days overdue where it is stored.
   */
  private async overdueParams(w: OverdueWindow, filter: OverdueFilter) {
    const base = { from: w.from, to: w.to, cutoff: w.cutoffMs, district: filter.districtCode ?? '', items: filter.itemCodes ?? [], asOfOpen: w.asOfOpen };
    const [d] = await selectRows<{ deadlines: string[]; completions: string[] }>(
      this.ch,
      `SELECT groupUniqArray(toString(promised_deadline)) AS deadlines, groupUniqArray(toString(toDate(completed_at))) AS completions
       FROM ${caseStateTable(this.db)} FINAL WHERE ${this.overdueWhere(filter)}`,
      base,
    );
    const dates = [...new Set([...(d?.deadlines ?? []), ...(d?.completions ?? []).filter((x) => x && x !== '1970-01-01'), w.asOfOpen])].sort();
    const epoch = addCalendarDays(dates[0]!, -1);
    const ords = dates.map((x) => w.calendar.countWorkingDays(epoch, x).days);
    return { ...base, dates, ords };
  }

  /** 日扫描: cases whose promised deadline was `day` and that were not completed by its end. */
  async newRed(day: IsoDate, cutoffMs: number, districtCode?: string): Promise<StateRow[]> {
    const rows = await selectRows<Raw>(
      this.ch,
      `SELECT ${COLUMNS} FROM ${caseStateTable(this.db)} FINAL
       WHERE promised_deadline = {day:Date} AND accepted_at <= ${CUTOFF}
         AND ${notCompletedBy(`toDateTime64({day:String}, 3, 'Asia/Shanghai') + INTERVAL 1 DAY`)}
         AND status NOT IN ('rejected', 'withdrawn') AND NOT ${DQ}
         ${districtCode ? 'AND district_code = {district:String}' : ''}
       ORDER BY case_id`,
      { day, cutoff: cutoffMs, district: districtCode ?? '' },
    );
    return rows.map(toRow);
  }

  /** 日扫描: cases open at the end of `day` whose promised deadline is on or before `deadlineBy`. */
  async openOverdue(day: IsoDate, deadlineBy: IsoDate, cutoffMs: number, districtCode?: string): Promise<StateRow[]> {
    const rows = await selectRows<Raw>(
      this.ch,
      `SELECT ${COLUMNS} FROM ${caseStateTable(this.db)} FINAL
       WHERE promised_deadline <= {deadlineBy:Date} AND accepted_at <= ${CUTOFF}
         AND ${notCompletedBy(`toDateTime64({day:String}, 3, 'Asia/Shanghai') + INTERVAL 1 DAY`)}
         AND status NOT IN ('rejected', 'withdrawn') AND NOT ${DQ}
         ${districtCode ? 'AND district_code = {district:String}' : ''}
       ORDER BY promised_deadline, case_id`,
      { day, deadlineBy, cutoff: cutoffMs, district: districtCode ?? '' },
    );
    return rows.map(toRow);
  }

  /** 日扫描: completions on `day` flagged too fast. */
  async tooFast(day: IsoDate, cutoffMs: number, districtCode?: string): Promise<StateRow[]> {
    const rows = await selectRows<Raw>(
      this.ch,
      `SELECT ${COLUMNS} FROM ${caseStateTable(this.db)} FINAL
       WHERE toDate(completed_at) = {day:Date} AND completed_at <= ${CUTOFF} AND has(flags, 'too_fast')
         ${districtCode ? 'AND district_code = {district:String}' : ''}
       ORDER BY case_id`,
      { day, cutoff: cutoffMs, district: districtCode ?? '' },
    );
    return rows.map(toRow);
  }

  /** The applicant of each case (from its 申办 event), masked: "张*（139****5678）" or an enterprise's name. */
  async maskedApplicants(caseIds: string[]): Promise<Map<string, string>> {
    if (!caseIds.length) return new Map();
    const rows = await selectRows<{ case_id: string; t: string; name: string; id: string; phone: string }>(
      this.ch,
      `SELECT case_id, any(applicant_type) AS t, any(applicant_name) AS name, any(applicant_id_number) AS id, any(applicant_phone) AS phone
       FROM ${eventTables(this.db).caseEvents} WHERE case_id IN {ids:Array(String)} AND type = 'submitted' AND applicant_type != '' GROUP BY case_id`,
      { ids: caseIds },
    );
    const out = new Map<string, string>();
    for (const stored of rows) {
      const open = (v: string) => (v ? (tryDecryptPii(v, this.piiKeys) ?? '') : '');
      const r = { ...stored, name: open(stored.name), id: open(stored.id), phone: open(stored.phone) };
      const m = maskApplicant({
        type: r.t === 'enterprise' ? 'enterprise' : 'person',
        ...(r.name ? { name: r.name } : {}),
        ...(r.id ? { idNumber: r.id } : {}),
        ...(r.phone ? { phone: r.phone } : {}),
      });
      out.set(r.case_id, [m.name ?? '', m.phone ? `（${m.phone}）` : ''].join('') || '—');
    }
    return out;
  }

  /** 督办 orders issued before `to` and by the cut-off, with the district and item of their case. */
  async supervisionOrders(to: IsoDate, cutoffMs: number) {
    return selectRows<{
      order_id: string;
      case_id: string;
      issued_ms: number;
      due_on: string;
      status: string;
      resolved_ms: number | null;
      reason: string;
      district_code: string;
      item_code: string;
    }>(
      this.ch,
      `SELECT toString(o.order_id) AS order_id, o.case_id AS case_id, toUnixTimestamp64Milli(o.issued_at) AS issued_ms, toString(o.due_on) AS due_on,
              o.status AS status, toUnixTimestamp64Milli(o.resolved_at) AS resolved_ms, o.reason AS reason,
              s.district_code AS district_code, s.item_code AS item_code
       FROM (SELECT * FROM ${supervisionOrdersTable(this.db)} FINAL
             WHERE issued_at < toDateTime64({to:String}, 3, 'Asia/Shanghai') AND issued_at <= ${CUTOFF}) AS o
       LEFT JOIN (SELECT case_id, district_code, item_code FROM ${caseStateTable(this.db)} FINAL
                  WHERE case_id IN (SELECT case_id FROM ${supervisionOrdersTable(this.db)})) AS s ON s.case_id = o.case_id
       ORDER BY issued_ms, order_id`,
      { to, cutoff: cutoffMs },
    );
  }
}
