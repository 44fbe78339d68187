import type { FastifyInstance } from 'fastify';
import { shanghaiDate, shanghaiHour, shanghaiIso, type ReplayFeed, type ReplayRange, type ReplaySnapshot, type TodayCounts } from '@tongban/shared';
import type { PiiKeyring } from '@tongban/shared/pii-crypto';
import type { CalendarHolder } from '../calendar/calendar-holder.ts';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { AppError } from '../errors.ts';
import { ofDistrict } from '../live/district-scope.ts';
import { SystemFlags } from '../system/system-flags.store.ts';
import { queryHourlyTrend } from './hourly-trend.query.ts';
import { parseReplayInstant, replayInstantProblem } from './replay-time.ts';
import { queryDayCountsUntil, queryEventsBetween, queryFirstEventMs, queryLevelsAt, queryOpenCounts, queryOrdersAt, queryWarnableCases } from './replay.query.ts';
import { replaySupervision } from './replay-state.ts';
import { queryGoodRating, queryOnTime } from './today-rates.query.ts';
import { memoize } from './wall.route.ts';

interface Deps {
  clickhouse: Clickhouse;
  db: string;
  calendar: CalendarHolder;
  piiKeys: PiiKeyring | undefined;
  simulate: boolean;
  now: () => number;
}

/** The feed of the hour before the instant that a replay opens with (its newest `RECENT_MAX`). */
const RECENT_MINUTES = 60;
const RECENT_MAX = 50;
/** At most this many events per feed window (the wall shows the newest; the rest coalesce anyway). */
const FEED_MAX = 500;
/** A feed window longer than this is refused: the player asks a second or a few minutes at a time. */
const FEED_WINDOW_MAX_MS = 3_600_000;
/** Snapshots of the same instant asked for by several walls within this long are computed once. */
const SNAPSHOT_TTL_MS = 60_000;
const SNAPSHOTS_KEPT = 16;

/**
 * Replays run one at a time, whatever the number of walls replaying: a replay reads ClickHouse (never the
 * live index), and queued replays must not starve ingest of the two cores.
 */
function oneAtATime() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

function todayFromRows(day: string, rows: Array<{ district_code: string; type: string; n: number }>): TodayCounts {
  const today: TodayCounts = { day, totals: {}, districts: {} };
  for (const r of rows) {
    const type = r.type as keyof TodayCounts['totals'];
    today.totals[type] = (today.totals[type] ?? 0) + r.n;
    const d = (today.districts[r.district_code] ??= {});
    d[type] = (d[type] ?? 0) + r.n;
  }
  return today;
}

/**
 * `GET /api/v1/replay?at=…`: the wall at a past instant; `GET /api/v1/replay/feed?from=…&to=…`: the events
 * between two instants, for playing forward; `GET /api/v1/replay/range`: what may be replayed. A display or
 * person confined to a district gets that district's figures only (`districtCode` set by the access hook).
 */
export function replayRoutes(app: FastifyInstance, deps: Deps): void {
  const { clickhouse: ch, db } = deps;
  const serial = oneAtATime();
  const flags = new SystemFlags(ch, db);
  const firstEvent = memoize(60_000, () => queryFirstEventMs(ch, db), deps.now);
  const simulated = memoize(60_000, async () => deps.simulate || (await flags.get('simulated').catch(() => null)) === '1', deps.now);
  const snapshots = new Map<string, { at: number; value: Promise<ReplaySnapshot> }>();

  const range = async () => ({ fromMs: await firstEvent(), toMs: deps.now() });
  const instant = async (text: string | undefined, name: string): Promise<number> => {
    const ms = parseReplayInstant(text);
    const problem = replayInstantProblem(ms, await range());
    if (problem) throw new AppError(400, 'bad_request', `${name}: ${problem}`);
    return ms;
  };

  const build = async (atMs: number, districtCode: string | null): Promise<ReplaySnapshot> => {
    const day = shanghaiDate(atMs);
    const [counts, open, cases, orders, levels, recent, trend, goodRating, onTime, sim, r] = await Promise.all([
      queryDayCountsUntil(ch, db, atMs),
      queryOpenCounts(ch, db, atMs),
      queryWarnableCases(ch, db, atMs, districtCode),
      queryOrdersAt(ch, db, atMs),
      queryLevelsAt(ch, db, atMs, districtCode),
      queryEventsBetween(ch, db, atMs - RECENT_MINUTES * 60_000, atMs, RECENT_MAX, deps.piiKeys, districtCode),
      queryHourlyTrend(ch, db, day, shanghaiHour(atMs), atMs),
      queryGoodRating(ch, db, day, atMs),
      queryOnTime(ch, db, day, atMs).catch(() => null),
      simulated(),
      range(),
    ]);
    const supervision = replaySupervision(cases, { ...open, orders }, atMs, deps.calendar.calendar);
    const scoped = ofDistrict({ today: todayFromRows(day, counts), supervision }, districtCode);
    return {
      at: shanghaiIso(atMs),
      day,
      simulated: sim,
      today: scoped.today,
      // The levels are counted in the scope asked for (a district's own cases): kept through the scoping.
      supervision: { ...scoped.supervision!, byLevel: levels },
      recent: [...recent.events].reverse(),
      trend,
      rates: { day, goodRating: goodRating.rated > 0 ? goodRating : null, onTime: onTime && onTime.completed > 0 ? onTime : null },
      range: { from: shanghaiIso(r.fromMs ?? atMs), to: shanghaiIso(r.toMs) },
    };
  };

  app.get<{ Querystring: { at?: string; districtCode?: string } }>('/api/v1/replay', async (req): Promise<ReplaySnapshot> => {
    const atMs = await instant(req.query.at, 'at');
    const district = req.query.districtCode ?? null;
    const key = `${atMs}|${district ?? ''}`;
    const hit = snapshots.get(key);
    if (hit && deps.now() - hit.at < SNAPSHOT_TTL_MS) return hit.value;
    const value = serial(() => build(atMs, district));
    snapshots.set(key, { at: deps.now(), value });
    value.catch(() => snapshots.delete(key));
    while (snapshots.size > SNAPSHOTS_KEPT) snapshots.delete(snapshots.keys().next().value!);
    return value;
  });

  app.get<{ Querystring: { from?: string; to?: string; districtCode?: string } }>('/api/v1/replay/feed', async (req): Promise<ReplayFeed> => {
    const fromMs = await instant(req.query.from, 'from');
    const toMs = await instant(req.query.to, 'to');
    if (toMs < fromMs) throw new AppError(400, 'bad_request', 'to lies before from');
    if (toMs - fromMs > FEED_WINDOW_MAX_MS) throw new AppError(400, 'bad_request', 'a feed window is at most one hour');
    const { events, truncated } = await serial(() => queryEventsBetween(ch, db, fromMs, toMs, FEED_MAX, deps.piiKeys, req.query.districtCode ?? null));
    return { from: shanghaiIso(fromMs), to: shanghaiIso(toMs), events, truncated };
  });

  app.get('/api/v1/replay/range', async (): Promise<ReplayRange> => {
    const r = await range();
    return { from: r.fromMs === null ? null : shanghaiIso(r.fromMs), to: shanghaiIso(r.toMs) };
  });
}
