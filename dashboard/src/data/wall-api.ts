import {
  AreaOverviewSchema,
  CaseDetailSchema,
  DisplayConfigSchema,
  HourlyTrendSchema,
  ItemNamesSchema,
  PlaceNamesSchema,
  TodayRatesSchema,
  WallRankingSchema,
  WallWuduSchema,
  WUDU_DIMENSIONS,
  type WallRankingRow,
  type WuduScores,
} from '@tongban/shared';
import { wireParser } from './wire-parse.ts';

/** The 五度 the wall's radar shows. */
export interface Wudu {
  period: string;
  /** 2025年10月. */
  periodLabel: string;
  scores: WuduScores;
  total: number | null;
  index: number | null;
}

const wudu = wireParser(WallWuduSchema, 'a 五度 answer');
/** Scores are 0–100 or null (no data for that 度; all null: the period has no data, which the panel says). */
export function parseWudu(raw: unknown): Wudu | undefined {
  const w = wudu(raw);
  if (!w) return undefined;
  return { period: w.period, periodLabel: w.periodRange.label, scores: w.scores, total: w.total, index: w.index };
}

const ranking = wireParser(WallRankingSchema, 'a ranking answer');
/** The district ranking of a period: its rows, and the period named (`2026-12`, 2026年12月). */
export interface Ranking {
  period: string;
  periodLabel: string;
  rows: WallRankingRow[];
}
/** `2026年12月` for `2026-12`, `2026年第4季度` for `2026-Q4`, the year for `2026`; else as given. */
export function periodLabelOf(period: string): string {
  const m = /^(\d{4})(?:-(\d{2})|-Q([1-4]))?$/.exec(period);
  if (!m) return period;
  return m[2] ? `${m[1]}年${Number(m[2])}月` : m[3] ? `${m[1]}年第${m[3]}季度` : `${m[1]}年`;
}
export function parseRanking(raw: unknown): Ranking | undefined {
  const r = ranking(raw);
  return r && { period: r.period, periodLabel: periodLabelOf(r.period), rows: r.rows };
}
export const parseHourlyTrend = wireParser(HourlyTrendSchema, 'an hourly trend');
export const parseTodayRates = wireParser(TodayRatesSchema, 'today’s rates');
const items = wireParser(ItemNamesSchema, 'item names');
export const parseItemNames = (raw: unknown) => items(raw)?.items;
const places = wireParser(PlaceNamesSchema, 'place names');
export const parsePlaceNames = (raw: unknown) => places(raw)?.places;
export const parseCaseDetail = wireParser(CaseDetailSchema, 'a case');
export const parseDisplayConfig = wireParser(DisplayConfigSchema, 'a display configuration');
export const parseTownships = wireParser(AreaOverviewSchema, 'a district’s townships');
