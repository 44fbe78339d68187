import { addCalendarDays, shanghaiDate, shanghaiDateTime, shanghaiIso } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../../clickhouse/clickhouse-client.ts';
import type { Warning } from '../case-clock.ts';
import { isActive, kindOfFollowUp, RECTIFICATION_LOOKBACK_DAYS, type FollowUpKind, type RatingClock } from './rating-clock.ts';

/** Recorded follow-ups of bad ratings, for the rooms whose queries read them. */
export const ratingFollowupsTable = (db: string) => `${db}.rating_followups`;

type Row = {
  case_id: string;
  event_id: string;
  district_code: string;
  rating: number;
  rated_ms: number;
  return_visit_due: string;
  rectification_due: string;
  return_visit_yellow_from: string;
  rectification_yellow_from: string;
  provisional: number;
  return_visit_ms: number | null;
  rectified_ms: number | null;
  return_visit_warned: string;
  rectification_warned: string;
};

const SELECT = `SELECT case_id, event_id, district_code, rating, toUnixTimestamp64Milli(rated_at) AS rated_ms,
  toString(return_visit_due) AS return_visit_due, toString(rectification_due) AS rectification_due,
  toString(return_visit_yellow_from) AS return_visit_yellow_from, toString(rectification_yellow_from) AS rectification_yellow_from,
  provisional, toUnixTimestamp64Milli(return_visit_at) AS return_visit_ms, toUnixTimestamp64Milli(rectified_at) AS rectified_ms,
  return_visit_warned, rectification_warned`;

const iso = (ms: number | null) => (ms === null ? null : shanghaiIso(Number(ms)));
const dt = (s: string | null) => (s === null ? null : shanghaiDateTime(Date.parse(s)));

function clockOf(r: Row): RatingClock {
  const ratedAt = shanghaiIso(Number(r.rated_ms));
  return {
    caseId: r.case_id,
    eventId: r.event_id,
    districtCode: r.district_code,
    rating: Number(r.rating),
    ratedAt,
    ratedOn: shanghaiDate(ratedAt),
    returnVisitDue: r.return_visit_due,
    rectificationDue: r.rectification_due,
    returnVisitYellowFrom: r.return_visit_yellow_from,
    rectificationYellowFrom: r.rectification_yellow_from,
    provisional: Number(r.provisional) === 1,
    returnVisitAt: iso(r.return_visit_ms),
    rectifiedAt: iso(r.rectified_ms),
    warned: { returnVisit: r.return_visit_warned as Warning, rectification: r.rectification_warned as Warning },
  };
}

/**
 * Pure: the clocks with their follow-ups as the follow-up log has them (`rating_followups`, append-only, the
 * authority): replayed in time order, each goes to the latest bad rating given at or before it that lacks one
 * of its kind (the rule of `RatingClockBook.followUp`). A clock row written later from a copy that had not
 * seen a follow-up (another node's scanner announcing a warning meanwhile) therefore loses nothing.
 */
export function withFollowUps(clocks: RatingClock[], followUps: ReadonlyArray<{ caseId: string; kind: FollowUpKind; at: string }>): RatingClock[] {
  if (!followUps.length) return clocks;
  const logged = new Map<string, { returnVisitAt: string | null; rectifiedAt: string | null }>(clocks.map((c) => [c.eventId, { returnVisitAt: null, rectifiedAt: null }]));
  const ofCase = new Map<string, RatingClock[]>();
  for (const c of clocks) ofCase.set(c.caseId, [...(ofCase.get(c.caseId) ?? []), c]);
  for (const f of [...followUps].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    const field = kindOfFollowUp(f.kind) === 'returnVisit' ? 'returnVisitAt' : 'rectifiedAt';
    const target = (ofCase.get(f.caseId) ?? [])
      .filter((c) => Date.parse(c.ratedAt) <= Date.parse(f.at))
      .reverse()
      .find((c) => logged.get(c.eventId)![field] === null);
    if (target) logged.get(target.eventId)![field] = f.at;
  }
  return clocks.map((c) => {
    const l = logged.get(c.eventId)!;
    return { ...c, returnVisitAt: l.returnVisitAt ?? c.returnVisitAt, rectifiedAt: l.rectifiedAt ?? c.rectifiedAt };
  });
}

/** `rating_clocks` (latest version per clock) and the follow-ups of `rating_followups`. */
export class RatingClockStore {
  private lastVersion = 0;

  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
  ) {}

  async write(clocks: readonly RatingClock[], now: number): Promise<void> {
    if (!clocks.length) return;
    // Strictly increasing versions: two writes of one clock within a millisecond must still order.
    const version = (this.lastVersion = Math.max(now, this.lastVersion + 1));
    await this.ch.insert({
      table: `${this.db}.rating_clocks`,
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
      values: clocks.map((c) => ({
        case_id: c.caseId,
        event_id: c.eventId,
        version: shanghaiDateTime(version),
        district_code: c.districtCode,
        rating: c.rating,
        rated_at: dt(c.ratedAt),
        return_visit_due: c.returnVisitDue,
        rectification_due: c.rectificationDue,
        return_visit_yellow_from: c.returnVisitYellowFrom,
        rectification_yellow_from: c.rectificationYellowFrom,
        provisional: c.provisional ? 1 : 0,
        return_visit_at: dt(c.returnVisitAt),
        rectified_at: dt(c.rectifiedAt),
        return_visit_warned: c.warned.returnVisit,
        rectification_warned: c.warned.rectification,
        active: isActive(c) ? 1 : 0,
      })),
    });
  }

  /** Clocks still being watched, from the partitions of the last RECTIFICATION_LOOKBACK_DAYS (+ a month). */
  async loadActive(now: number): Promise<RatingClock[]> {
    const since = addCalendarDays(shanghaiDate(now), -(RECTIFICATION_LOOKBACK_DAYS + 31));
    return (await this.read(`rated_at >= toDateTime64({since:String}, 3, 'Asia/Shanghai') AND active = 1`, { since })).filter(isActive);
  }

  /**
   * The bad ratings of these cases that have a clock (any version: no FINAL, no follow-ups), for opening the
   * missing ones; a bulk derivation asks this for every page of cases.
   */
  async ratingsWithClocks(caseIds: readonly string[]): Promise<Set<string>> {
    if (!caseIds.length) return new Set();
    const rs = await this.ch.query({
      query: `SELECT DISTINCT event_id FROM ${this.db}.rating_clocks WHERE case_id IN {ids:Array(String)}`,
      query_params: { ids: caseIds },
      format: 'JSONCompactEachRow',
      clickhouse_settings: QUERY_SETTINGS,
    });
    return new Set((await rs.json<[string]>()).map(([id]) => id));
  }

  ofCases(caseIds: readonly string[]): Promise<RatingClock[]> {
    return caseIds.length ? this.read('case_id IN {ids:Array(String)}', { ids: caseIds }) : Promise.resolve([]);
  }

  async addFollowUp(caseId: string, kind: FollowUpKind, at: string, by: string, note: string): Promise<void> {
    await this.ch.insert({
      table: `${this.db}.rating_followups`,
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
      values: [{ case_id: caseId, kind, at: dt(at), by, note }],
    });
  }

  private async read(where: string, params: Record<string, unknown>): Promise<RatingClock[]> {
    const rs = await this.ch.query({
      query: `${SELECT} FROM ${this.db}.rating_clocks FINAL WHERE ${where} ORDER BY rated_at, event_id`,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    const clocks = (await rs.json<Row>()).map(clockOf);
    return clocks.length ? withFollowUps(clocks, await this.followUpsOf([...new Set(clocks.map((c) => c.caseId))])) : clocks;
  }

  /** The logged follow-ups of some cases (in slices: the active clocks at start can be many). */
  private async followUpsOf(caseIds: string[]): Promise<Array<{ caseId: string; kind: FollowUpKind; at: string }>> {
    const out: Array<{ caseId: string; kind: FollowUpKind; at: string }> = [];
    for (let i = 0; i < caseIds.length; i += 5_000) {
      const rs = await this.ch.query({
        query: `SELECT case_id, kind, toUnixTimestamp64Milli(at) AS at_ms FROM ${this.db}.rating_followups WHERE case_id IN {ids:Array(String)}`,
        query_params: { ids: caseIds.slice(i, i + 5_000) },
        format: 'JSONEachRow',
        clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
      });
      for (const r of await rs.json<{ case_id: string; kind: FollowUpKind; at_ms: number }>()) out.push({ caseId: r.case_id, kind: r.kind, at: shanghaiIso(Number(r.at_ms)) });
    }
    return out;
  }
}
