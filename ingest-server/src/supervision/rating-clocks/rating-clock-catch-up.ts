import { shanghaiDateTime, shanghaiIso } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../../clickhouse/clickhouse-client.ts';
import type { BadRating, RatingClockBook } from './rating-clock-book.ts';

/** The mark of the catch-up in `supervision_marks`; raise the version to have it run once more on every data dir. */
export const CATCH_UP_MARK = 'rating_clocks_catch_up';
export const CATCH_UP_VERSION = 1;
const PAGE = 5_000;

async function markOf(ch: Clickhouse, db: string, name: string): Promise<number> {
  const rs = await ch.query({
    query: `SELECT max(value) AS v FROM ${db}.supervision_marks FINAL WHERE name = {name:String}`,
    query_params: { name },
    format: 'JSONEachRow',
    clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
  });
  const [row] = await rs.json<{ v: number | null }>();
  return Number(row?.v ?? 0);
}

async function setMark(ch: Clickhouse, db: string, name: string, value: number, now: number): Promise<void> {
  await ch.insert({ table: `${db}.supervision_marks`, format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS, values: [{ name, value, set_at: shanghaiDateTime(now) }] });
}

/**
 * Opens, once per data dir, the clocks of the bad ratings already in the event log that have none (stored
 * before the rating-clocks room existed, or by a path that derived no state). Every later bad rating opens its
 * clock as its case is derived, so once the mark is set a start reads nothing. Idempotent: a pass interrupted
 * half-way runs again and opens only the clocks still missing (the book checks `rating_clocks` per case).
 * Returns the clocks opened, or null when the mark says it was done.
 */
export async function catchUpRatingClocks(o: { ch: Clickhouse; db: string; book: RatingClockBook; now: () => number }): Promise<number | null> {
  const { ch, db } = o;
  if ((await markOf(ch, db, CATCH_UP_MARK)) >= CATCH_UP_VERSION) return null;
  let after = '';
  let opened = 0;
  for (;;) {
    // Bad ratings without a clock (rating_clocks holds bad ratings only: a small set), with their case's
    // handling district from its state when derived, else the rated event's own.
    const rs = await ch.query({
      query: `SELECT e.event_id, e.case_id, if(s.case_id = '', e.district_code, s.district_code) AS district, e.rating, toUnixTimestamp64Milli(e.occurred_at) AS at
              FROM (
                SELECT event_id, case_id, district_code, rating, occurred_at FROM ${db}.events
                WHERE type = 'rated' AND rating IN (1, 2) AND event_id > {after:String}
                  AND event_id NOT IN (SELECT event_id FROM ${db}.rating_clocks)
                ORDER BY event_id LIMIT ${PAGE}
              ) AS e
              LEFT JOIN (
                SELECT case_id, argMax(district_code, version) AS district_code FROM ${db}.case_state
                WHERE case_id IN (
                  SELECT case_id FROM ${db}.events WHERE type = 'rated' AND rating IN (1, 2) AND event_id > {after:String}
                    AND event_id NOT IN (SELECT event_id FROM ${db}.rating_clocks) ORDER BY event_id LIMIT ${PAGE})
                GROUP BY case_id
              ) AS s ON s.case_id = e.case_id
              ORDER BY e.event_id`,
      query_params: { after },
      format: 'JSONCompactEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0, join_use_nulls: 0 },
    });
    const rows = await rs.json<[string, string, string, number, number]>();
    const ratings: BadRating[] = rows.map(([eventId, caseId, districtCode, rating, at]) => ({ eventId, caseId, districtCode, rating: Number(rating), ratedAt: shanghaiIso(Number(at)) }));
    opened += await o.book.catchUp(ratings);
    if (rows.length < PAGE) break;
    after = rows.at(-1)![0];
  }
  await setMark(ch, db, CATCH_UP_MARK, CATCH_UP_VERSION, o.now());
  return opened;
}
