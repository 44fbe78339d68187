import { maskApplicant, type IsoDate } from '@tongban/shared';
import { tryDecryptPii, type PiiKeyring } from '@tongban/shared/pii-crypto';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { selectRows } from '../metrics/clickhouse-rows.ts';
import { DATA_QUALITY_FLAGS } from '../metrics/fact-columns.ts';

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

const DQ = `hasAny(flags, ['${DATA_QUALITY_FLAGS.join("', '")}'])`;
const CUTOFF = `fromUnixTimestamp64Milli({cutoff:Int64}, 'Asia/Shanghai')`;
const COLUMNS = `case_id, item_code, district_code, holder, toUnixTimestamp64Milli(accepted_at) AS accepted_ms,
  toString(promised_deadline) AS deadline, toUnixTimestamp64Milli(completed_at) AS completed_ms, status, flags`;
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

  /**
   * Cases overdue at some time in [from, to): accepted by the cut-off, promised deadline before `to` (and
   * before the cut-off's day), and either completed late within or after the period or not completed by its
   * end. Data-quality cases and cases closed without completion (不予受理, 撤回) are left out. Gives the
   * count per item and the first `limit` cases by deadline.
   */
  async overdue(from: IsoDate, to: IsoDate, cutoffMs: number, filter: { districtCode?: string | undefined; itemCodes?: string[] | undefined }, limit: number) {
    const where = `promised_deadline IS NOT NULL AND promised_deadline < {to:Date} AND promised_deadline < toDate(${CUTOFF})
         AND accepted_at <= ${CUTOFF}
         AND (completed_at IS NULL OR completed_at >= toDateTime64({from:String}, 3, 'Asia/Shanghai'))
         AND (completed_at IS NULL OR toDate(completed_at) > promised_deadline)
         AND status NOT IN ('rejected', 'withdrawn') AND NOT ${DQ}
         ${filter.districtCode ? 'AND district_code = {district:String}' : ''}
         ${filter.itemCodes ? 'AND item_code IN {items:Array(String)}' : ''}`;
    const params = { from, to, cutoff: cutoffMs, district: filter.districtCode ?? '', items: filter.itemCodes ?? [], limit };
    const [counts, rows] = await Promise.all([
      selectRows<{ item_code: string; n: number }>(this.ch, `SELECT item_code, count() AS n FROM ${this.db}.case_state FINAL WHERE ${where} GROUP BY item_code`, params),
      selectRows<Raw>(this.ch, `SELECT ${COLUMNS} FROM ${this.db}.case_state FINAL WHERE ${where} ORDER BY promised_deadline, case_id LIMIT {limit:UInt32}`, params),
    ]);
    const byItem = new Map(counts.map((c) => [c.item_code, Number(c.n)]));
    return { total: [...byItem.values()].reduce((a, b) => a + b, 0), byItem, rows: rows.map(toRow) };
  }

  /** 日扫描: cases whose promised deadline was `day` and that were not completed by its end. */
  async newRed(day: IsoDate, cutoffMs: number, districtCode?: string): Promise<StateRow[]> {
    const rows = await selectRows<Raw>(
      this.ch,
      `SELECT ${COLUMNS} FROM ${this.db}.case_state FINAL
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
      `SELECT ${COLUMNS} FROM ${this.db}.case_state FINAL
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
      `SELECT ${COLUMNS} FROM ${this.db}.case_state FINAL
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
       FROM ${this.db}.case_events WHERE case_id IN {ids:Array(String)} AND type = 'submitted' AND applicant_type != '' GROUP BY case_id`,
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
       FROM (SELECT * FROM ${this.db}.supervision_orders FINAL
             WHERE issued_at < toDateTime64({to:String}, 3, 'Asia/Shanghai') AND issued_at <= ${CUTOFF}) AS o
       LEFT JOIN (SELECT case_id, district_code, item_code FROM ${this.db}.case_state FINAL
                  WHERE case_id IN (SELECT case_id FROM ${this.db}.supervision_orders)) AS s ON s.case_id = o.case_id
       ORDER BY issued_ms, order_id`,
      { to, cutoff: cutoffMs },
    );
  }
}
