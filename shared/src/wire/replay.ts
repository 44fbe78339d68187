import { z } from 'zod';
import { LEVELS } from '../event-schema.ts';
import { LiveEventSchema, SupervisionOverviewSchema, TodayCountsSchema } from './live-messages.ts';
import { HourlyTrendSchema, TodayRatesSchema } from './wall-api.ts';

/**
 * `GET /api/v1/replay?at=…`: the wall as it was at a past instant, rebuilt from the event log in ClickHouse
 * (never the live index). `today` counts the events of `at`'s Shanghai day up to `at`; `supervision` holds the
 * open cases of that instant with their warnings as of that day, and `byLevel` (办件所在层级) where each of them
 * sat then, the level of its last event by then (for a district's replay, that district's cases); the
 * figures the replay does not rebuild, such as stage clocks, are null; `recent` is the feed of the minutes before `at`, newest first.
 */
export const ReplaySnapshotSchema = z.object({
  at: z.string(),
  day: z.string(),
  simulated: z.boolean(),
  today: TodayCountsSchema,
  supervision: SupervisionOverviewSchema.extend({ byLevel: z.record(z.enum(LEVELS), z.number()) }),
  recent: z.array(LiveEventSchema),
  trend: HourlyTrendSchema,
  rates: TodayRatesSchema,
  /** The instants a replay may ask for: the first stored event to now. */
  range: z.object({ from: z.string(), to: z.string() }),
});
export type ReplaySnapshot = z.infer<typeof ReplaySnapshotSchema>;

/**
 * `GET /api/v1/replay/feed?from=…&to=…`: the events that occurred in (from, to], oldest first, at most `limit`
 * (the newest kept); `truncated` says some older ones of the window were left out.
 */
export const ReplayFeedSchema = z.object({
  from: z.string(),
  to: z.string(),
  events: z.array(LiveEventSchema),
  truncated: z.boolean(),
});
export type ReplayFeed = z.infer<typeof ReplayFeedSchema>;

/** `GET /api/v1/replay/range`: the instants a replay may ask for; `from` null while no event is stored. */
export const ReplayRangeSchema = z.object({ from: z.string().nullable(), to: z.string() });
export type ReplayRange = z.infer<typeof ReplayRangeSchema>;

/** Replay speeds the wall offers (replayed time per real time). */
export const REPLAY_SPEEDS = [1, 10, 60, 300, 600] as const;
