import { districtByCode, shanghaiIso, type CaseWarning, type SupervisionOverview } from '@tongban/shared';
import type { FeatureFactory } from '../feature.ts';
import type { Warning } from './case-clock.ts';
import { CaseProjector, closedCaseSummary } from './case-projector.ts';
import { deriveCaseState, type CaseState } from './case-state.ts';
import { CaseStateStore } from './case-state.store.ts';
import { OpenCaseIndex, type OpenCaseRow } from './open-case-index.ts';
import { ratingClock, ratingClockStatus, type RatingClock } from './rating-clocks.ts';
import { SupervisionOrders } from './supervision-orders.store.ts';
import { SUPERVISION_MIGRATIONS } from './supervision.migrations.ts';
import { supervisionRoutes } from './supervision.route.ts';

const SCAN_INTERVAL_MS = 1_000;
const HISTORY_REFRESH_MS = 10 * 60_000;
const RED_LIST = 100;
/** More cases than this behind the event log are projected in one ordered pass rather than one by one. */
const BULK_PROJECTION_ABOVE = 100_000;

/**
 * The supervision engine: derives every case's state and clocks from its events, keeps the open cases
 * in a memory-efficient index, turns them yellow and red as time passes (not only when events arrive),
 * tracks 督办 orders and bad-rating clocks, and answers the reading API.
 */
export const supervisionFeature: FeatureFactory = (ctx) => {
  const states = new CaseStateStore(ctx.clickhouse, ctx.db);
  const index = new OpenCaseIndex(() => ctx.calendar.calendar);
  const orders = new SupervisionOrders(ctx.clickhouse, ctx.db);
  const ratingClocks = new Map<string, RatingClock>();
  const followUps = new Map<string, Array<{ kind: 'return_visit' | 'rectified'; at: string }>>();
  const breachedRatings = new Set<string>();
  let typical = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  const log = ctx.logger.child({ component: 'supervision' });

  const itemName = (code: string) => ctx.catalogue.get(code)?.name ?? '';
  const districtName = (code: string) => districtByCode(code)?.name ?? code;
  const deriveContext = () => ({
    calendar: ctx.calendar.calendar,
    item: (code: string) => ctx.catalogue.get(code),
    now: ctx.now(),
    typicalMinutes: (code: string) => typical.get(code),
  });

  const warningMessage = (summary: OpenCaseRow, previous: Warning | null): CaseWarning => ({
    ...summary,
    itemName: itemName(summary.itemCode),
    districtName: districtName(summary.districtCode),
    previous,
    at: shanghaiIso(ctx.now()),
  });

  const emitWarning = (msg: CaseWarning) => {
    ctx.live.emit('case:warning', msg, msg.districtCode);
    ctx.live.statsChanged();
  };

  const trackRating = (s: CaseState) => {
    if (s.rating === null || s.ratedAt === null) return;
    const clock = ratingClock(ctx.calendar.calendar, { caseId: s.caseId, districtCode: s.districtCode, rating: s.rating, ratedAt: s.ratedAt }, followUps.get(s.caseId) ?? []);
    if (clock) ratingClocks.set(s.caseId, clock);
    else ratingClocks.delete(s.caseId);
  };

  const projector = new CaseProjector({
    events: ctx.store,
    states,
    index,
    eventsOfCases: ctx.eventsOfCases,
    derive: deriveContext,
    logger: log,
    now: ctx.now,
    onWarningChange(s, previous, warning) {
      trackRating(s);
      const summary = index.summary(s.caseId, ctx.now());
      emitWarning(warningMessage(summary ?? closedCaseSummary(s, warning), previous ?? null));
    },
  });

  const scan = () => {
    const now = ctx.now();
    index.advance(now, (caseId, previous) => {
      const summary = index.summary(caseId, now);
      if (summary) emitWarning(warningMessage(summary, previous));
    });
    for (const o of orders.newlyOverdue(now)) ctx.live.emit('supervision:overdue', { ...o, districtCode: undefined }, undefined);
    for (const clock of ratingClocks.values()) {
      const st = ratingClockStatus(clock, now);
      for (const kind of ['returnVisit', 'rectification'] as const) {
        const key = `${clock.caseId}:${kind}`;
        if (st[kind] === 'breached' && !breachedRatings.has(key)) {
          breachedRatings.add(key);
          ctx.live.emit('rating:warning', { caseId: clock.caseId, kind, due: kind === 'returnVisit' ? clock.returnVisitDue : clock.rectificationDue, districtCode: clock.districtCode }, clock.districtCode);
        }
      }
    }
  };

  let cached: { at: number; value: { supervision: SupervisionOverview } } | undefined;
  const overview = () => {
    const now = ctx.now();
    if (cached && now - cached.at < 500) return cached.value;
    const counts = index.counts();
    // Red first, then yellow: only those are sorted, never every open case.
    const red = index.list({ warning: 'red' }, now, RED_LIST).cases;
    const yellow = red.length < RED_LIST ? index.list({ warning: 'yellow' }, now, RED_LIST - red.length).cases : [];
    const redList = [...red, ...yellow].map((c) => warningMessage(c, null));
    cached = { at: now, value: { supervision: { counts: { open: counts.open, yellow: counts.yellow, red: counts.red }, byLevel: counts.byLevel, byDistrict: counts.byDistrict, redList, orders: orders.counts(now) } } };
    return cached.value;
  };

  return {
    name: 'supervision',
    migrations: SUPERVISION_MIGRATIONS,

    async register(app) {
      supervisionRoutes(app, {
        ctx,
        index,
        orders,
        itemName,
        districtName,
        async caseState(caseId) {
          const events = (await ctx.eventsOfCases([caseId])).get(caseId) ?? [];
          return events.length ? deriveCaseState(events, deriveContext()) : undefined;
        },
        ratingClock: (caseId) => {
          const c = ratingClocks.get(caseId);
          return c ? ratingClockStatus(c, ctx.now()) : undefined;
        },
        async addFollowUp(caseId, kind, at, by, note) {
          await ctx.clickhouse.insert({
            table: `${ctx.db}.rating_followups`,
            format: 'JSONEachRow',
            values: [{ case_id: caseId, kind, at: at.replace('T', ' ').slice(0, 23), by, note }],
          });
          const list = followUps.get(caseId) ?? [];
          list.push({ kind, at });
          followUps.set(caseId, list);
          projector.enqueue([caseId]);
        },
      });
    },

    async start() {
      typical = await states.typicalMinutes();
      await orders.load();
      const rs = await ctx.clickhouse.query({ query: `SELECT case_id, kind, toString(at) AS at FROM ${ctx.db}.rating_followups`, format: 'JSONEachRow' });
      for (const r of await rs.json<{ case_id: string; kind: 'return_visit' | 'rectified'; at: string }>()) {
        const list = followUps.get(r.case_id) ?? [];
        list.push({ kind: r.kind, at: `${r.at.replace(' ', 'T')}+08:00` });
        followUps.set(r.case_id, list);
      }
      const started = Date.now();
      const last = await states.lastVersion();
      const loaded = await states.loadOpen((c) => index.upsert(c, ctx.now()));
      log.info({ openCases: loaded, ms: Date.now() - started }, 'open-case index rebuilt');
      // Events received after the last derivation (a crash, a backfill) are projected now.
      const behind = last === 0 ? [] : await states.casesReceivedSince(last - 60_000);
      if (last === 0 || behind.length > BULK_PROJECTION_ABOVE) {
        // A first start on an existing log, or a bulk backfill: one ordered pass over case_events.
        const n = await projector.projectAll((cases) => log.info({ cases }, 'projecting the event log'));
        if (n) log.info({ cases: n, ms: Date.now() - started }, 'projected every case of the event log');
      } else {
        projector.enqueue(behind);
        await projector.drain();
      }
      projector.start();
      timers.push(setInterval(scan, SCAN_INTERVAL_MS));
      timers.push(
        setInterval(() => {
          void states.typicalMinutes().then((t) => (typical = t), (err: unknown) => log.warn({ err }, 'item history refresh failed'));
        }, HISTORY_REFRESH_MS),
      );
      for (const t of timers) t.unref();
      ctx.calendar.onChange(() => {
        log.info({ openCases: index.size }, 'calendar updated: recomputing open deadlines');
        projector.enqueue(index.caseIds());
      });
      ctx.catalogue.onChange((item) => projector.enqueue(index.caseIds({ itemCode: item.itemCode })));
      scan();
    },

    onAccepted(events) {
      projector.enqueue(new Set(events.map((e) => e.caseId)));
      cached = undefined;
    },

    async afterBulkLoad(progress) {
      const started = Date.now();
      const n = await projector.projectAll((cases) => progress(`case states: ${cases.toLocaleString('en-US')} cases derived`));
      progress(`case states: ${n.toLocaleString('en-US')} cases in ${((Date.now() - started) / 1000).toFixed(1)} s; ${index.size.toLocaleString('en-US')} open`);
    },

    snapshot: overview,
    stats: overview,

    async stop() {
      for (const t of timers) clearInterval(t);
      await projector.stop();
    },
  };
};
