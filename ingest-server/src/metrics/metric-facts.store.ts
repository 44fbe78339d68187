import type { FactRow, IsoDate, StageRow } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { selectRows, selectTsv } from './clickhouse-rows.ts';
import { FACT_COLUMN_LIST, factSums, factsOfArray } from './fact-columns.ts';
import { badRatingsSql, factsSql, rollupRange, stageSql, submittedItemsSql, wholeMonths, windowParams, type FactsWindow } from './facts.query.ts';
import { ratingFollowupsTable } from '../supervision/rating-clocks/rating-clock.store.ts';
import { eventTables } from '../events/event.store.ts';

/** Bad ratings of one rated day, district and item that were rectified on the same day (or not at all). */
export interface BadRatingGroup {
  ratedDay: IsoDate;
  districtCode: string;
  itemCode: string;
  /** Day of the first `rectified` follow-up at or after the rating and by the cut-off; null: none. */
  rectifiedDay: IsoDate | null;
  n: number;
}

/** One bad rating with its case, for the 日扫描 list. */
export interface BadRatingCase {
  caseId: string;
  ratedAtMs: number;
  districtCode: string;
  itemCode: string;
  rating: number;
  rectifiedAtMs: number | null;
}

/** Narrows stage waits to a scope in SQL (the district; the items of a department or one item). */
export interface StageFilter {
  districtCode?: string | undefined;
  itemCodes?: string[] | undefined;
}

export const pairKey = (districtCode: string, itemCode: string) => `${districtCode}|${itemCode}`;

const toFactRows = (rows: string[][]): FactRow[] => rows.map((r) => ({ districtCode: r[0]!, itemCode: r[1]!, facts: factsOfArray(r, 2) }));
const toStageRows = (rows: string[][]): StageRow[] =>
  rows.map((r) => ({ itemCode: r[0]!, stage: r[1]!, waits: Number(r[2]), waitMinutes: Number(r[3]), maxWaitMinutes: Number(r[4]) }));

const CUTOFF = `fromUnixTimestamp64Milli({cutoff:Int64}, 'Asia/Shanghai')`;
const stageWhere = (f: StageFilter) =>
  [f.districtCode !== undefined ? 'district_code = {district:String}' : '', f.itemCodes !== undefined ? 'item_code IN {items:Array(String)}' : ''].filter(Boolean).join(' AND ') || '1';
const stageParams = (f: StageFilter) => ({ district: f.districtCode ?? '', items: f.itemCodes ?? [] });
const STAGE_SUMS = 'sum(waits) AS waits, sum(wait_minutes) AS wait_minutes, max(max_wait_minutes) AS max_wait_minutes';

/**
 * Reads metric facts for a window, from the raw log (the reference) or from the rollups (whole months from
 * the monthly tables, the days around them from the daily ones).
 */
export class MetricFactsRepository {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
  ) {}

  async rawFacts(w: FactsWindow): Promise<FactRow[]> {
    const columns = ['district_code', 'item_code', ...FACT_COLUMN_LIST].join(', ');
    return toFactRows(await selectTsv(this.ch, `SELECT ${columns} FROM (${factsSql(this.db, w, false)})`, windowParams(w)));
  }

  async rollupFacts(from: IsoDate, to: IsoDate): Promise<FactRow[]> {
    const rows = await selectTsv(
      this.ch,
      `SELECT district_code, item_code, ${factSums()} FROM ${rollupRange(this.db, 'metric_monthly', 'metric_daily', ['district_code', 'item_code', ...FACT_COLUMN_LIST].join(', '))}
       GROUP BY district_code, item_code`,
      { from, to, ...wholeMonths(from, to) },
    );
    return toFactRows(rows);
  }

  /** Stage waits per item and stage, narrowed to a scope. */
  async rawStages(w: FactsWindow, filter: StageFilter = {}): Promise<StageRow[]> {
    return toStageRows(
      await selectTsv(
        this.ch,
        `SELECT item_code, stage, ${STAGE_SUMS} FROM (${stageSql(this.db, w, false)}) WHERE ${stageWhere(filter)} GROUP BY item_code, stage`,
        { ...windowParams(w), ...stageParams(filter) },
      ),
    );
  }

  async rollupStages(from: IsoDate, to: IsoDate, filter: StageFilter = {}): Promise<StageRow[]> {
    const columns = 'district_code, item_code, stage, waits, wait_minutes, max_wait_minutes';
    return toStageRows(
      await selectTsv(
        this.ch,
        `SELECT item_code, stage, ${STAGE_SUMS} FROM ${rollupRange(this.db, 'metric_stage_monthly', 'metric_stage_daily', columns)}
         WHERE ${stageWhere(filter)} GROUP BY item_code, stage`,
        { from, to, ...wholeMonths(from, to), ...stageParams(filter) },
      ),
    );
  }

  /** district|item pairs with at least one 申办 in the window. */
  async rawSubmittedPairs(w: FactsWindow): Promise<Set<string>> {
    const rows = await selectTsv(this.ch, submittedItemsSql(this.db, w), windowParams(w));
    return new Set(rows.map((r) => pairKey(r[0]!, r[1]!)));
  }

  async rollupSubmittedPairs(from: IsoDate, to: IsoDate): Promise<Set<string>> {
    const rows = await selectTsv(
      this.ch,
      `SELECT DISTINCT district_code, item_code FROM ${rollupRange(this.db, 'metric_monthly', 'metric_daily', 'district_code, item_code, submitted')}
       WHERE submitted > 0 AND item_code != ''`,
      { from, to, ...wholeMonths(from, to) },
    );
    return new Set(rows.map((r) => pairKey(r[0]!, r[1]!)));
  }

  /**
   * Bad ratings given in [from, to) and received by the cut-off, grouped by rated day, district, item and the
   * day of their first rectification (a `rectified` follow-up at or after the rating, recorded by the
   * cut-off). `rollup` reads metric_bad_ratings, `raw` the event log.
   */
  async badRatingGroups(source: 'rollup' | 'raw', from: IsoDate, to: IsoDate, cutoffMs: number): Promise<BadRatingGroup[]> {
    const rows = await selectTsv(
      this.ch,
      `WITH bad AS (${this.badSource(source)}),
       fixes AS (SELECT case_id, at FROM ${ratingFollowupsTable(this.db)} WHERE kind = 'rectified' AND at <= ${CUTOFF} AND case_id IN (SELECT case_id FROM bad))
       SELECT toString(rated_day), district_code, item_code, if(fixed = 0, '', toString(toDate(fromUnixTimestamp64Milli(fixed, 'Asia/Shanghai')))) AS fixed_day, count()
       FROM (
         SELECT b.case_id, b.rated_at, any(b.day) AS rated_day, any(b.district_code) AS district_code, any(b.item_code) AS item_code,
                minIf(toUnixTimestamp64Milli(f.at), f.case_id != '' AND f.at >= b.rated_at) AS fixed
         FROM bad AS b LEFT JOIN fixes AS f ON f.case_id = b.case_id
         GROUP BY b.case_id, b.rated_at
       )
       GROUP BY rated_day, district_code, item_code, fixed_day`,
      { ...windowParams({ from, to, cutoffMs }) },
    );
    return rows.map((r) => ({ ratedDay: r[0]!, districtCode: r[1]!, itemCode: r[2]!, rectifiedDay: r[3] ? r[3] : null, n: Number(r[4]) }));
  }

  /** Bad ratings of [from, to) one by one, with their first rectification (for the 日扫描 list). */
  async badRatingCases(source: 'rollup' | 'raw', from: IsoDate, to: IsoDate, cutoffMs: number): Promise<BadRatingCase[]> {
    const rows = await selectRows<{ case_id: string; at: number; district_code: string; item_code: string; rating: number; fixed: number }>(
      this.ch,
      `WITH bad AS (${this.badSource(source)}),
       fixes AS (SELECT case_id, at FROM ${ratingFollowupsTable(this.db)} WHERE kind = 'rectified' AND at <= ${CUTOFF} AND case_id IN (SELECT case_id FROM bad))
       SELECT b.case_id AS case_id, toUnixTimestamp64Milli(b.rated_at) AS at, any(b.district_code) AS district_code, any(b.item_code) AS item_code,
              any(b.rating) AS rating, minIf(toUnixTimestamp64Milli(f.at), f.case_id != '' AND f.at >= b.rated_at) AS fixed
       FROM bad AS b LEFT JOIN fixes AS f ON f.case_id = b.case_id
       GROUP BY b.case_id, b.rated_at
       ORDER BY at, case_id`,
      { ...windowParams({ from, to, cutoffMs }) },
    );
    return rows.map((r) => ({
      caseId: r.case_id,
      ratedAtMs: Number(r.at),
      districtCode: r.district_code,
      itemCode: r.item_code,
      rating: Number(r.rating),
      rectifiedAtMs: Number(r.fixed) > 0 ? Number(r.fixed) : null,
    }));
  }

  /** Days of [from, to) (Asia/Shanghai) with at least one event received by the cut-off (COMPARISON_RULE). */
  async activeDays(from: IsoDate, to: IsoDate, cutoffMs: number): Promise<number> {
    const rows = await selectRows<{ n: number }>(
      this.ch,
      `SELECT uniqExact(toDate(occurred_at, 'Asia/Shanghai')) AS n FROM ${eventTables(this.db).events}
       WHERE occurred_at >= toDateTime64({from:String}, 3, 'Asia/Shanghai') AND occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai')
         AND received_at <= ${CUTOFF}`,
      { from, to, cutoff: cutoffMs },
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Events that occurred in [from, to) and were received after the cut-off (a stored report is then stale). */
  async eventsAfterCutoff(from: IsoDate, to: IsoDate, cutoffMs: number): Promise<number> {
    const rows = await selectRows<{ n: number }>(
      this.ch,
      `SELECT count() AS n FROM ${eventTables(this.db).events}
       WHERE occurred_at >= toDateTime64({from:String}, 3, 'Asia/Shanghai') AND occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai')
         AND received_at > ${CUTOFF}`,
      { from, to, cutoff: cutoffMs },
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Whether any rectification of a bad rating has been recorded by the cut-off (anywhere in the city). */
  async rectificationRecorded(cutoffMs: number): Promise<boolean> {
    const rows = await selectRows<{ n: number }>(
      this.ch,
      `SELECT count() AS n FROM (SELECT 1 FROM ${ratingFollowupsTable(this.db)} WHERE kind = 'rectified' AND at <= ${CUTOFF} LIMIT 1)`,
      { cutoff: cutoffMs },
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  private badSource(source: 'rollup' | 'raw'): string {
    return source === 'rollup'
      ? `SELECT day, district_code, item_code, case_id, rated_at, rating FROM ${this.db}.metric_bad_ratings WHERE day >= {from:Date} AND day < {to:Date}`
      : badRatingsSql(this.db, { from: '', to: '', cutoffMs: 0 });
  }
}
