import {
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
/** Scores are 0–100 or null (no data for that 度); a body with no score at all is not a 五度. */
export function parseWudu(raw: unknown): Wudu | undefined {
  const w = wudu(raw);
  if (!w || !WUDU_DIMENSIONS.some((d) => w.scores[d] !== null)) return undefined;
  return { period: w.period, periodLabel: w.periodRange.label, scores: w.scores, total: w.total, index: w.index };
}

const ranking = wireParser(WallRankingSchema, 'a ranking answer');
export const parseRanking = (raw: unknown): WallRankingRow[] | undefined => ranking(raw)?.rows;
export const parseHourlyTrend = wireParser(HourlyTrendSchema, 'an hourly trend');
export const parseTodayRates = wireParser(TodayRatesSchema, 'today’s rates');
const items = wireParser(ItemNamesSchema, 'item names');
export const parseItemNames = (raw: unknown) => items(raw)?.items;
const places = wireParser(PlaceNamesSchema, 'place names');
export const parsePlaceNames = (raw: unknown) => places(raw)?.places;
export const parseCaseDetail = wireParser(CaseDetailSchema, 'a case');
export const parseDisplayConfig = wireParser(DisplayConfigSchema, 'a display configuration');
