import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { shanghaiDate, shanghaiHour, type HourlyTrend, type ItemNames, type PlaceNames, type TodayRates } from '@tongban/shared';
import type { ItemCatalogue } from '../catalogue/item-catalogue.store.ts';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { queryHourlyTrend } from './hourly-trend.query.ts';
import { parsePlaceCodes, placeNames } from './place-names.ts';
import { queryGoodRating, queryOnTime } from './today-rates.query.ts';

interface Deps {
  clickhouse: Clickhouse;
  db: string;
  catalogue: ItemCatalogue;
  logger: Logger;
  now: () => number;
}

/** Wall screens poll these; many walls must not mean many scans, so answers are shared for a while. */
const TREND_TTL_MS = 15_000;
const RATES_TTL_MS = 15_000;

/** A value computed at most once per `ttlMs`; concurrent callers share one computation. */
export function memoize<T>(ttlMs: number, compute: () => Promise<T>, now: () => number): () => Promise<T> {
  let value: Promise<T> | undefined;
  let at = 0;
  return () => {
    if (!value || now() - at >= ttlMs) {
      at = now();
      const p = compute();
      value = p;
      // A failure is not cached: the next caller tries again.
      p.catch(() => {
        if (value === p) value = undefined;
      });
    }
    return value;
  };
}

/** ClickHouse's error code for a table that does not exist. */
const UNKNOWN_TABLE = '60';

/**
 * Reading endpoints the wall screen needs beyond the core's: today's hourly trend against the same weekday
 * last week, today's on-time and good-rating rates, and compact name dictionaries (items, townships,
 * villages) so the live feed can name what the masked events only code.
 */
export function wallRoutes(app: FastifyInstance, deps: Deps): void {
  const log = deps.logger.child({ component: 'wall' });
  const trendByDay = new Map<string, () => Promise<HourlyTrend>>();
  const trend = () => {
    const day = shanghaiDate(deps.now());
    let get = trendByDay.get(day);
    if (!get) {
      trendByDay.clear();
      get = memoize(TREND_TTL_MS, () => queryHourlyTrend(deps.clickhouse, deps.db, day, shanghaiHour(deps.now())), deps.now);
      trendByDay.set(day, get);
    }
    return get();
  };
  const rates = memoize<TodayRates>(
    RATES_TTL_MS,
    async () => {
      const day = shanghaiDate(deps.now());
      const [goodRating, onTime] = await Promise.all([
        queryGoodRating(deps.clickhouse, deps.db, day),
        // The case state belongs to the supervision engine; without it the ratio is unknown, not zero.
        queryOnTime(deps.clickhouse, deps.db, day).catch((err: unknown) => {
          const missing = (err as { code?: string }).code === UNKNOWN_TABLE;
          if (missing) log.debug('no case_state table: no on-time rate');
          else log.warn({ err }, 'on-time rate query failed');
          return null;
        }),
      ]);
      return { day, goodRating, onTime: onTime && onTime.completed > 0 ? onTime : null };
    },
    deps.now,
  );

  app.get('/api/v1/wall/hourly-trend', async (): Promise<HourlyTrend> => trend());
  app.get('/api/v1/wall/today-rates', async (): Promise<TodayRates> => rates());
  app.get('/api/v1/wall/item-names', async (_req, reply): Promise<ItemNames> => {
    void reply.header('cache-control', 'max-age=60');
    return { items: Object.fromEntries(deps.catalogue.list().map((i) => [i.itemCode, i.name])) };
  });
  app.get<{ Querystring: { codes?: string } }>('/api/v1/wall/place-names', async (req, reply): Promise<PlaceNames> => {
    // The administrative tree is large: loaded on the first request, not at start-up.
    const tree = await import('@tongban/reference/admin-tree');
    void reply.header('cache-control', 'max-age=3600');
    return { places: placeNames(parsePlaceCodes(req.query.codes), tree.getTownship, tree.getVillage) };
  });
}
