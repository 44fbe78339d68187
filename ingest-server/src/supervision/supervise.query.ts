import {
  addCalendarDays,
  DISTRICTS,
  shanghaiDate,
  shanghaiIso,
  type AreaLevel,
  type AreaOverview,
  type AreaRow,
  type PlacedOrder,
  type OrderList,
  type WorkingCalendar,
  type InboxRating,
  type SuperviseInbox,
} from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import type { AreaCounts, OpenCaseIndex, OpenCaseRow } from './open-case-index.ts';
import { orderView } from './order-clock.ts';
import type { SupervisionOrder, SupervisionOrders } from './supervision-orders.store.ts';

type Place = { districtCode: string; townshipCode: string; villageCode: string };
type Tree = typeof import('@tongban/reference/admin-tree');

let tree: Promise<Tree> | undefined;
/** The administrative tree is large: loaded on the first request, not at start-up. */
export const adminTree = (): Promise<Tree> => (tree ??= import('@tongban/reference/admin-tree'));

/**
 * Where cases are: the open ones from the index, the others (a 督办 or a bad rating on a completed case)
 * from `case_state` by primary key. Only the few cases with orders or bad ratings are looked up.
 */
export async function placesOfCases(ch: Clickhouse, db: string, index: OpenCaseIndex, caseIds: readonly string[]): Promise<Map<string, Place>> {
  const out = index.placesOf(caseIds);
  const missing = caseIds.filter((id) => !out.has(id));
  if (missing.length) {
    const rs = await ch.query({
      query: `SELECT case_id, district_code, township_code, village_code FROM ${db}.case_state FINAL WHERE case_id IN {ids:Array(String)}`,
      query_params: { ids: [...new Set(missing)] },
      format: 'JSONCompactEachRow',
      clickhouse_settings: QUERY_SETTINGS,
    });
    for (const [id, districtCode, townshipCode, villageCode] of await rs.json<[string, string, string, string]>()) out.set(id, { districtCode, townshipCode, villageCode });
  }
  return out;
}

export interface DueRating {
  caseId: string;
  districtCode: string;
  rating: number;
  ratedAt: string;
  kind: 'returnVisit' | 'rectification';
  due: string;
}

/**
 * Bad-rating follow-ups missing on or before `day` (latest version of each clock in `rating_clocks`, a small
 * table: bad ratings only). One row per missing follow-up (a clock may miss both).
 */
export async function ratingFollowUpsDue(ch: Clickhouse, db: string, day: string, districtCode?: string): Promise<DueRating[]> {
  const rs = await ch.query({
    query: `SELECT case_id, district_code, rating, toUnixTimestamp64Milli(rated_at) AS rated_ms,
              toString(return_visit_due) AS rv_due, toString(rectification_due) AS rect_due,
              return_visit_at IS NULL AS rv_missing, rectified_at IS NULL AS rect_missing
            FROM ${db}.rating_clocks FINAL
            WHERE ((return_visit_at IS NULL AND return_visit_due <= {day:Date}) OR (rectified_at IS NULL AND rectification_due <= {day:Date}))
              ${districtCode === undefined ? '' : 'AND district_code = {district:String}'}
            ORDER BY rated_at`,
    query_params: { day, district: districtCode ?? '' },
    format: 'JSONEachRow',
    clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
  });
  type Row = { case_id: string; district_code: string; rating: number; rated_ms: number; rv_due: string; rect_due: string; rv_missing: number; rect_missing: number };
  const out: DueRating[] = [];
  for (const r of await rs.json<Row>()) {
    const base = { caseId: r.case_id, districtCode: r.district_code, rating: Number(r.rating), ratedAt: shanghaiIso(Number(r.rated_ms)) };
    if (Number(r.rv_missing) && r.rv_due <= day) out.push({ ...base, kind: 'returnVisit', due: r.rv_due });
    if (Number(r.rect_missing) && r.rect_due <= day) out.push({ ...base, kind: 'rectification', due: r.rect_due });
  }
  return out;
}

const emptyRow = (code: string | null, name: string): AreaRow => ({
  code, name, open: 0, yellow: 0, red: 0, atRisk: null, dataQuality: 0, pauseOverdue: 0, stageOverdue: 0, overdueRate: null, openOrders: 0, overdueOrders: 0, badRatingsPastDue: 0,
});

/** Pure: red ÷ open cases without a data-quality flag, null when there are none. */
export function overdueRate(r: Pick<AreaRow, 'open' | 'red' | 'dataQuality'>): number | null {
  const judged = r.open - r.dataQuality;
  return judged > 0 ? r.red / judged : null;
}

/**
 * Pure: the rows of an overview. Every area of the administrative tree is listed (zeros where nothing is
 * open), then any code the data holds that the tree lacks, and the cases without a recorded place (code null).
 * Orders and bad ratings are counted by the place of their case.
 */
export function areaRows(
  areas: readonly { code: string; name: string }[],
  counts: readonly AreaCounts[],
  extras: { orders: Array<{ area: string; overdue: boolean }>; ratingsPastDue: string[] },
  nameOf: (code: string) => string,
): { rows: AreaRow[]; totals: AreaRow } {
  const rows = new Map<string, AreaRow>(areas.map((a) => [a.code, emptyRow(a.code, a.name)]));
  const row = (code: string) => {
    let r = rows.get(code);
    if (!r) rows.set(code, (r = emptyRow(code || null, code ? nameOf(code) : '未记录')));
    return r;
  };
  for (const c of counts) Object.assign(row(c.code), { open: c.open, yellow: c.yellow, red: c.red, atRisk: c.atRisk, dataQuality: c.dataQuality, pauseOverdue: c.pauseOverdue, stageOverdue: c.stageOverdue });
  for (const o of extras.orders) {
    const r = row(o.area);
    r.openOrders++;
    if (o.overdue) r.overdueOrders++;
  }
  for (const area of extras.ratingsPastDue) row(area).badRatingsPastDue++;
  const totals = emptyRow(null, '合计');
  for (const r of rows.values()) {
    r.overdueRate = overdueRate(r);
    for (const k of ['open', 'yellow', 'red', 'dataQuality', 'pauseOverdue', 'stageOverdue', 'openOrders', 'overdueOrders', 'badRatingsPastDue'] as const) totals[k] += r[k];
    // At risk: known where a lateness model judged some case; the total is null only when none did anywhere.
    if (r.atRisk !== null) totals.atRisk = (totals.atRisk ?? 0) + r.atRisk;
  }
  totals.overdueRate = overdueRate(totals);
  return { rows: [...rows.values()], totals };
}

interface Sources {
  ch: Clickhouse;
  db: string;
  index: OpenCaseIndex;
  orders: SupervisionOrders;
  districtName: (code: string) => string;
  calendar: WorkingCalendar;
  now: number;
}

const areaOf = (level: AreaLevel, p: Place) => (level === 'district' ? p.districtCode : level === 'township' ? p.townshipCode : p.villageCode);

/** The city's districts, a district's townships or a township's villages, with their counts. */
export async function areaOverview(s: Sources, scope: { districtCode?: string; townshipCode?: string }): Promise<AreaOverview> {
  const t = await adminTree();
  const townshipCode = scope.townshipCode;
  const districtCode = scope.districtCode ?? (townshipCode ? townshipCode.slice(0, 6) : undefined);
  const level: AreaLevel = townshipCode ? 'village' : districtCode ? 'township' : 'district';
  const day = shanghaiDate(s.now);
  const areas =
    level === 'district'
      ? DISTRICTS.map((d) => ({ code: d.code, name: d.name }))
      : level === 'township'
        ? t.townshipsOf(districtCode!).map((x) => ({ code: x.code, name: x.name }))
        : t.villagesOf(townshipCode!).map((x) => ({ code: x.code, name: x.name }));
  const nameOf = (code: string) => (level === 'district' ? s.districtName(code) : level === 'township' ? (t.getTownship(code)?.name ?? code) : (t.getVillage(code)?.name ?? code));
  const counts = s.index.areas(level, { districtCode, townshipCode }, s.now);

  const open = s.orders.openOrders();
  const ratings = await ratingFollowUpsDue(s.ch, s.db, addCalendarDays(day, -1), districtCode);
  const places = await placesOfCases(s.ch, s.db, s.index, [...open.map((o) => o.caseId), ...ratings.map((r) => r.caseId)]);
  const inScope = (p: Place | undefined): p is Place => p !== undefined && (districtCode === undefined || p.districtCode === districtCode) && (townshipCode === undefined || p.townshipCode === townshipCode);
  const orders = open.flatMap((o) => {
    const p = places.get(o.caseId);
    return inScope(p) ? [{ area: areaOf(level, p), overdue: o.dueOn < day }] : [];
  });
  // A bad rating past due counts once, however many of its follow-ups are missing.
  const pastDue = new Map<string, string>();
  for (const r of ratings) {
    const p = places.get(r.caseId);
    if (inScope(p)) pastDue.set(`${r.caseId}|${r.ratedAt}`, areaOf(level, p));
  }
  const { rows, totals } = areaRows(areas, counts, { orders, ratingsPastDue: [...pastDue.values()] }, nameOf);
  return {
    level,
    asOf: shanghaiIso(s.now),
    day,
    district: districtCode ? { code: districtCode, name: s.districtName(districtCode) } : null,
    township: townshipCode ? { code: townshipCode, name: t.getTownship(townshipCode)?.name ?? townshipCode } : null,
    rows,
    totals,
  };
}

/** Today's 日扫描 for the city or one district. */
export async function superviseInbox(
  s: Sources & { named: (rows: OpenCaseRow[]) => SuperviseInbox['newRed']['cases'] },
  districtCode: string | undefined,
  limit: number,
): Promise<SuperviseInbox> {
  const day = shanghaiDate(s.now);
  const since = addCalendarDays(day, -1);
  const newRed = s.index.list({ districtCode, redSince: since }, s.now, limit);
  const paused = s.index.list({ districtCode, flag: 'pause_overdue' }, s.now, limit);

  const open = s.orders.openOrders().filter((o) => o.dueOn <= day);
  const ratings = await ratingFollowUpsDue(s.ch, s.db, day, districtCode);
  const places = await placesOfCases(s.ch, s.db, s.index, open.map((o) => o.caseId));
  const orders: PlacedOrder[] = open
    .map((o: SupervisionOrder): PlacedOrder => {
      const d = places.get(o.caseId)?.districtCode ?? null;
      return { ...orderView(o, s.calendar, day), districtCode: d, districtName: d === null ? null : s.districtName(d) };
    })
    .filter((o) => districtCode === undefined || o.districtCode === districtCode)
    .sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0));
  const due: InboxRating[] = ratings
    .map((r) => ({ ...r, districtName: s.districtName(r.districtCode), overdue: r.due < day }))
    .sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
  return {
    day,
    asOf: shanghaiIso(s.now),
    newRed: { since, count: newRed.total, cases: s.named(newRed.cases) },
    ordersDue: { count: orders.length, orders: orders.slice(0, limit) },
    ratingsDue: { count: due.length, ratings: due.slice(0, limit) },
    pausedTooLong: { count: paused.total, cases: s.named(paused.cases) },
  };
}

const CLOCK_ORDER = { overdue: 0, due_soon: 1, open: 2, resolved: 3 } as const;

/** Every 督办 order with its clock and escalation, filtered by district, issuer and clock: overdue first, then by due date. */
export async function orderList(s: Sources, f: { districtCode?: string; issuer?: string; status?: PlacedOrder['clock'] }, limit: number): Promise<OrderList> {
  const day = shanghaiDate(s.now);
  const all = (await s.orders.all()).filter((o) => f.issuer === undefined || o.issuer === f.issuer);
  const places = await placesOfCases(s.ch, s.db, s.index, all.map((o) => o.caseId));
  const rows = all
    .map((o): PlacedOrder => {
      const d = places.get(o.caseId)?.districtCode ?? null;
      return { ...orderView(o, s.calendar, day), districtCode: d, districtName: d === null ? null : s.districtName(d) };
    })
    .filter((o) => (f.districtCode === undefined || o.districtCode === f.districtCode) && (f.status === undefined || o.clock === f.status))
    .sort((a, b) => CLOCK_ORDER[a.clock] - CLOCK_ORDER[b.clock] || (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0) || (a.issuedAt < b.issuedAt ? -1 : 1));
  return { total: rows.length, orders: rows.slice(0, limit) };
}
