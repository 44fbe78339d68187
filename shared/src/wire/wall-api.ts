import { z } from 'zod';
import { WUDU_DIMENSIONS, type WuduDimension } from '../metrics/definitions.ts';

/** `GET /api/v1/wall/hourly-trend`: submissions per Shanghai hour today against the same weekday last week. */
export const HourlyTrendSchema = z.object({
  day: z.string(),
  compareDay: z.string(),
  type: z.literal('submitted'),
  /** 24 rows; `today` is null for hours that have not begun yet. */
  hours: z.array(z.object({ hour: z.number().int().min(0).max(23), today: z.number().nullable(), compare: z.number() })).length(24),
});
export type HourlyTrend = z.infer<typeof HourlyTrendSchema>;

/** `GET /api/v1/wall/today-rates`: null where nothing was counted (0 of 0 is not 0%). */
export const TodayRatesSchema = z.object({
  day: z.string(),
  /** 好差评 of the day: 非常满意 and 满意 (4–5) over all ratings given today. */
  goodRating: z.object({ good: z.number(), rated: z.number() }).nullable(),
  /** Cases completed today by their promised deadline, over cases completed today. */
  onTime: z.object({ onTime: z.number(), completed: z.number() }).nullable(),
});
export type TodayRates = z.infer<typeof TodayRatesSchema>;

export const ItemNamesSchema = z.object({ items: z.record(z.string(), z.string()) });
export type ItemNames = z.infer<typeof ItemNamesSchema>;
export const PlaceNamesSchema = z.object({ places: z.record(z.string(), z.string()) });
export type PlaceNames = z.infer<typeof PlaceNamesSchema>;

const score = z.number().nullable();
/** What the wall reads of `GET /api/v1/metrics/wudu` (the full answer is `WuduResponse`). */
export const WallWuduSchema = z.object({
  period: z.string(),
  periodRange: z.object({ label: z.string() }),
  scores: z.object(Object.fromEntries(WUDU_DIMENSIONS.map((d) => [d, score])) as Record<WuduDimension, typeof score>),
  total: z.number().nullable(),
  index: z.number().nullable(),
});
export type WallWudu = z.infer<typeof WallWuduSchema>;

/** What the wall reads of `GET /api/v1/metrics/ranking` (the full answer is `RankingResponse`). */
export const WallRankingSchema = z.object({
  period: z.string(),
  rows: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      index: z.number().nullable(),
      rank: z.number().nullable(),
      rankChange: z.number().nullable(),
      total: z.number().nullable(),
    }),
  ),
});
export type WallRanking = z.infer<typeof WallRankingSchema>;
export type WallRankingRow = WallRanking['rows'][number];
