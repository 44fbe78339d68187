import path from 'node:path';
import { districtByCode, shanghaiIso, type CaseWarning, type SupervisionOverview } from '@tongban/shared';
import type { Feature, FeatureContext } from '../feature.ts';
import type { ProjectedVisits } from './projected-visits.ts';
import type { Warning } from './case-clock.ts';
import { CaseProjector, closedCaseSummary } from './case-projector.ts';
import { deriveCaseState, type CaseState } from './case-state.ts';
import { CaseStateStore } from './case-state.store.ts';
import { OpenCaseIndex, type OpenCaseRow } from './open-case-index.ts';
import { DerivationWatermark } from './derivation-watermark.ts';
import { OpenCaseSnapshot } from './open-case-snapshot.ts';
import { TypicalMinutesStore } from './typical-minutes.store.ts';
import { EventArrivals } from '../events/event-arrivals.store.ts';
import { EventStore } from '../events/event.store.ts';
import { DeadlineHistoryStore, deadlineChanges } from './deadline-history.store.ts';
import { RatingClockBook } from './rating-clocks/rating-clock-book.ts';
import { RatingClockStore } from './rating-clocks/rating-clock.store.ts';
import { RATING_CLOCK_MIGRATIONS } from './rating-clocks/rating-clocks.migrations.ts';
import { ratingClockRoutes } from './rating-clocks/rating-clocks.route.ts';
import { catchUpRatingClocks } from './rating-clocks/rating-clock-catch-up.ts';
import { LatenessModel, LatenessRefresher } from './lateness.ts';
import { SupervisionOrders } from './supervision-orders.store.ts';
import { escalationAnnouncer } from './order-escalation-announcer.ts';
import { ORDER_ESCALATION_MIGRATIONS } from './order-escalations.migrations.ts';
import { SUPERVISION_MIGRATIONS } from './supervision.migrations.ts';
import { supervisionRoutes } from './supervision.route.ts';
import { superviseRoutes } from './supervise.route.ts';
import { SupervisionEngineRole } from './engine-role.ts';
import { warningId } from './warning-id.ts';

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
/** `projected`: the stage visits of the cases the projector derives (ProjectedVisits), when it writes them. */
export const supervisionFeature = (ctx: FeatureContext, projected?: ProjectedVisits): Feature => {
  const states = new CaseStateStore(ctx.clickhouse, ctx.db);
  const typicalStore = new TypicalMinutesStore(ctx.clickhouse, ctx.db, states);
  const index = new OpenCaseIndex(() => ctx.calendar.calendar, ctx.config.pauseFlagDays);
  ctx.provideCaseDistrict((caseId) => index.districtOf(caseId));
  const log = ctx.logger.child({ component: 'supervision' });
  const districtName = (code: string) => districtByCode(code)?.name ?? code;
  const orders = new SupervisionOrders(ctx.clickhouse, ctx.db, {
    calendar: () => ctx.calendar.calendar,
    redCardAfterDays: ctx.config.supervisionOrders.redCardAfterDays,
    now: ctx.now,
    logger: log,
    announce: escalationAnnouncer(ctx, index, districtName, log),
  });
  const history = new DeadlineHistoryStore(ctx.clickhouse, ctx.db);
  // Its read takes seconds (the window's completions): on the second connection, beside the API's reads.
  const lateness = new LatenessModel(ctx.backgroundClickhouse('lateness model'), ctx.db, ctx.config.lateness);
  const latenessReads = new LatenessRefresher({ model: lateness, index, calendar: () => ctx.calendar.calendar, now: ctx.now, logger: log, file: path.join(ctx.config.dataDir, 'supervision', 'lateness-model.bin') });
  /** Open cases queued by a repair (calendar or item change): their deadlines before it, and the cause. */
  const repairs = new Map<string, { promised: string | null; statutory: string | null; cause: string }>();
  let typical = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];

  const itemName = (code: string) => ctx.catalogue.get(code)?.name ?? '';
  const deriveContext = () => ({
    calendar: ctx.calendar.calendar,
    pauseFlagDays: ctx.config.pauseFlagDays,
    item: (code: string) => ctx.catalogue.get(code),
    now: ctx.now(),
    typicalMinutes: (code: string) => typical.get(code),
  });

  const warningMessage = (summary: OpenCaseRow, previous: Warning | null): CaseWarning => ({
    id: warningId(summary),
    ...summary,
    itemName: itemName(summary.itemCode),
    districtName: districtName(summary.districtCode),
    previous,
    at: shanghaiIso(ctx.now()),
  });

  const role = ctx.cluster.role;
  const sendWarning = (msg: CaseWarning) => {
    ctx.live.emit('case:warning', msg, msg.districtCode);
    ctx.live.statsChanged();
  };
  // Several nodes: only the engine's holder announces, each warning once whichever holder gets there. The mark
  // is set after the message went out: a holder killed in between leaves a repeat (same id, walls ignore it),
  // never a warning lost.
  const announcing = new Set<string>();
  const emitWarning = (msg: CaseWarning) => {
    if (!ctx.cluster.clustered) return sendWarning(msg);
    if (!role.active || announcing.has(msg.id)) return;
    announcing.add(msg.id);
    void ctx.cluster
      .announced(msg.caseId, msg.id)
      .catch((err: unknown) => {
        log.warn({ err: (err as Error).message }, 'once-only warning mark unreachable: announcing anyway (walls ignore a repeat id)');
        return false;
      })
      .then(async (already) => {
        if (already || !role.active) return;
        sendWarning(msg);
        await ctx.cluster.markAnnounced(msg.caseId, msg.id);
      })
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'marking a warning announced failed'))
      .finally(() => announcing.delete(msg.id));
  };

  const book = new RatingClockBook({
    store: new RatingClockStore(ctx.clickhouse, ctx.db),
    calendar: () => ctx.calendar.calendar,
    now: ctx.now,
    logger: log,
    emit: (m) => ctx.live.emit('rating:warning', m, m.districtCode),
    followedUp: (caseId) => ctx.cluster.bus.publish('rating-followup', { caseId }),
  });

  /** Queues open cases for recomputation by a repair, remembering their deadlines before it. */
  const repair = (caseIds: string[], cause: string) => {
    const now = ctx.now();
    for (const id of caseIds) {
      const c = index.summary(id, now);
      if (c && !repairs.has(id)) repairs.set(id, { promised: c.promisedDeadline, statutory: c.statutoryDeadline, cause });
    }
    projector.enqueue(caseIds);
  };

  const recordRepairs = async (states: CaseState[]) => {
    if (!repairs.size) return;
    const at = new Date(ctx.now()).toISOString();
    const changes = [];
    for (const s of states) {
      const before = repairs.get(s.caseId);
      if (!before) continue;
      repairs.delete(s.caseId);
      changes.push(...deadlineChanges(s.caseId, before, { promised: s.promised?.deadline ?? null, statutory: s.statutory?.deadline ?? null }, before.cause, at));
    }
    await history.write(changes);
  };

  const projector = new CaseProjector({
    // The bulk pass's pages on a connection of their own, parameters inlined: on the requests' connection a page
    // read (seconds of engine time) ran one at a time with the pass's writes and lookups, and chDB chains every
    // parameterized query of the process. Apart, the engine reads page n + 1 while it stores page n.
    events: new EventStore(ctx.backgroundClickhouse('case derivation'), ctx.db, ctx.config.piiKeys),
    states,
    index,
    eventsOfCases: (ids) => ctx.eventsOfCases(ids, { derivation: true }),
    derive: deriveContext,
    logger: log,
    now: ctx.now,
    mayRun: () => role.active,
    fence: () => role.fence,
    async afterApply(states, bulk) {
      if (!bulk) projected?.add(states);
      await book.observe(states, bulk);
      await recordRepairs(states);
      engine.publish(states, bulk);
      if (ctx.cluster.clustered) cached = undefined;
    },
    onWarningChange(s, previous, warning) {
      const summary = index.summary(s.caseId, ctx.now());
      emitWarning(warningMessage(summary ?? closedCaseSummary(s, warning), previous ?? null));
    },
  });

  // Cases whose stage visits the rollup cannot vouch for are derived (and so written) again.
  projected?.derivesWith((ids) => projector.enqueue(ids));

  // One node only: on several, every takeover rebuilds the index from ClickHouse (engine-role.ts).
  const indexSnapshot =
    ctx.cluster.clustered || ctx.config.scale.indexSnapshotMs <= 0
      ? undefined
      : new OpenCaseSnapshot({ index, states, file: path.join(ctx.config.dataDir, 'supervision', 'open-cases.bin'), now: ctx.now, logger: log, intervalMs: ctx.config.scale.indexSnapshotMs });

  const watermark = new DerivationWatermark({ clickhouse: ctx.clickhouse, db: ctx.db, arrivals: new EventArrivals(ctx.clickhouse, ctx.db), projector, logger: log, intervalMs: ctx.config.scale.derivationWatermarkMs });

  const scan = () => {
    const now = ctx.now();
    // Not the engine's holder: the index follows the clock silently (the holder announces).
    if (!role.active) return void index.advance(now, () => {});
    index.advance(now, (caseId, previous) => {
      const summary = index.summary(caseId, now);
      if (summary) emitWarning(warningMessage(summary, previous));
    });
    void orders.escalate().catch((err: unknown) => log.warn({ err }, '督办 escalation tick failed'));
    void book.scan();
  };

  /** Projects the events received after the last derivation (a crash, a backfill, another holder's last moments). */
  const catchUp = async () => {
    const started = Date.now();
    // Several nodes: events this node accepted as a follower and has not stored yet (the holder never heard of them).
    if (ctx.cluster.clustered) projector.enqueue(ctx.unflushedCaseIds());
    const mark = await watermark.load();
    const last = mark.watermark === null ? await states.lastVersion() : 0;
    if (mark.watermark !== null) {
      // Only the cases with an event stored since the last derivation (issue 16): never the whole log.
      const touched = await watermark.touchedSince(mark.watermark);
      projector.enqueue(touched);
      await projector.drain();
      log.info({ cases: touched.length, since: shanghaiIso(mark.watermark), ms: Date.now() - started }, 'derived the cases touched since the derivation watermark');
    } else if (last === 0 || (await states.casesReceivedSince(last - 60_000)).length > BULK_PROJECTION_ABOVE) {
      log.info({ reason: mark.reason }, 'no usable derivation watermark: deriving every case of the event log once');
      // A first start on an existing log, or a bulk backfill: one ordered pass over case_events.
      const n = await projector.projectAll((cases) => log.info({ cases }, 'projecting the event log'));
      if (n) log.info({ cases: n, ms: Date.now() - started }, 'projected every case of the event log');
    } else {
      projector.enqueue(await states.casesReceivedSince(last - 60_000));
      await projector.drain();
    }
    // Bad ratings stored before their clocks existed get them, once per data dir (a mark, not a scan per start).
    const caughtUp = await catchUpRatingClocks({ ch: ctx.clickhouse, db: ctx.db, book, now: ctx.now });
    if (caughtUp !== null) log.info({ opened: caughtUp }, 'bad-rating clocks caught up with the event log');
  };
  const engine = new SupervisionEngineRole({
    cluster: ctx.cluster,
    index,
    states,
    projector,
    logger: log,
    now: ctx.now,
    catchUp,
    // The derivation watermark is the holder's: a follower's (idle) projector must not advance it.
    engaged: (active) => (active ? watermark.start() : watermark.pause()),
    announce: (row) => emitWarning(warningMessage(row, null)),
    changed: () => (cached = undefined),
  });

  let cached: { at: number; value: { supervision: SupervisionOverview; dataQuality: SupervisionOverview['dataQuality'] } } | undefined;
  const overview = () => {
    const now = ctx.now();
    if (cached && now - cached.at < 500) return cached.value;
    const counts = index.counts(now);
    // Red first, then yellow: only those are sorted, never every open case.
    const red = index.list({ warning: 'red' }, now, RED_LIST).cases;
    const yellow = red.length < RED_LIST ? index.list({ warning: 'yellow' }, now, RED_LIST - red.length).cases : [];
    const redList = [...red, ...yellow].map((c) => warningMessage(c, null));
    cached = {
      at: now,
      value: {
        supervision: {
          counts: { open: counts.open, yellow: counts.yellow, red: counts.red, stageOverdue: counts.stageOverdue.total, pauseOverdue: counts.pauseOverdue, atRisk: counts.atRisk },
          byLevel: counts.byLevel,
          levelsByDistrict: counts.levelsByDistrict,
          byDistrict: counts.byDistrict,
          dataQuality: counts.dataQuality,
          stageOverdue: counts.stageOverdue,
          redList,
          orders: orders.counts(now),
          ratingClocks: { active: book.activeCount },
        },
        // SPEC.md: data-quality cases are counted apart in the overview.
        dataQuality: counts.dataQuality,
      },
    };
    return cached.value;
  };

  return {
    name: 'supervision',
    migrations: [...SUPERVISION_MIGRATIONS, ...RATING_CLOCK_MIGRATIONS, ...ORDER_ESCALATION_MIGRATIONS],

    async register(app) {
      const caseState = async (caseId: string) => {
        const events = (await ctx.eventsOfCases([caseId])).get(caseId) ?? [];
        return events.length ? deriveCaseState(events, deriveContext()) : undefined;
      };
      supervisionRoutes(app, {
        ctx,
        index,
        orders,
        itemName,
        districtName,
        caseState,
        ratingClocks: (s) => book.viewsOf(s),
        deadlineHistory: (caseId) => history.ofCase(caseId),
        projected,
      });
      ratingClockRoutes(app, { ctx, book, caseState });
      superviseRoutes(app, { ctx, index, orders, itemName, districtName });
    },

    async start() {
      // Several nodes: an order issued or resolved on one node is known to the others (the holder's scanner, every list).
      orders.onChange(() => ctx.cluster.bus.publish('orders', {}));
      ctx.cluster.bus.subscribe('orders', () => {
        void orders.reload().then(() => (cached = undefined), (err: unknown) => log.warn({ err }, 'reloading supervision orders failed'));
      });
      // …and a bad rating's follow-up recorded on one node: the others read that case's clocks anew.
      ctx.cluster.bus.subscribe('rating-followup', (m) => {
        const { caseId } = m as { caseId: string };
        void book.reload(caseId).catch((err: unknown) => log.warn({ err, caseId }, 'reloading a case\'s bad-rating clocks failed'));
      });
      const typicalLoaded = await typicalStore.load();
      typical = typicalLoaded.minutes;
      await orders.load();
      const ratings = await book.load();
      log.info({ activeRatingClocks: ratings }, 'bad-rating clocks loaded');
      if (indexSnapshot) {
        // From its snapshot plus the cases derived since, when it has a usable one (issue 16).
        log.info(await indexSnapshot.load(), 'open-case index loaded');
      } else {
        const started = Date.now();
        const loaded = await states.loadOpen((c) => index.upsert(c, ctx.now()));
        log.info({ source: 'rebuild', openCases: loaded, reason: ctx.cluster.clustered ? 'several nodes' : 'INDEX_SNAPSHOT_SECONDS=0', ms: Date.now() - started }, 'open-case index loaded');
      }
      if (ctx.cluster.clustered) {
        // The holder takes over (rebuild, catch up, announce once); the others follow its messages.
        await engine.start();
      } else {
        await catchUp();
        projector.start();
        watermark.start();
        indexSnapshot?.start();
      }
      // Not awaited: the model's read covers the window's completions (seconds), and at_risk reads 无数据 until then.
      // Not in a backfill (the process ends after it; the server reads the model at its own start).
      if (!ctx.config.scale.bulkLoad) {
        const { stored } = await latenessReads.start();
        log.info({ stored }, stored ? 'lateness model of the last run in use until the first read' : 'lateness model: first read in the background');
      }
      timers.push(setInterval(scan, SCAN_INTERVAL_MS));
      timers.push(
        setInterval(() => {
          void typicalStore.refresh().then((t) => (typical = t), (err: unknown) => log.warn({ err }, 'item history refresh failed'));
        }, HISTORY_REFRESH_MS),
      );
      for (const t of timers) t.unref();
      ctx.calendar.onChange(() => {
        log.info({ openCases: index.size }, 'calendar updated: recomputing open deadlines');
        repair(index.caseIds(), `calendar:${ctx.calendar.calendar.source}`);
        orders.recompute();
        void book.recompute().catch((err: unknown) => log.warn({ err }, 'recomputing bad-rating clocks failed'));
      });
      ctx.catalogue.onChange((item) => repair(index.caseIds({ itemCode: item.itemCode }), `item:${item.itemCode}`));
      scan();
    },

    onAccepted(events) {
      // Several nodes: another node's events reach the holder once stored (ingest's onStored → 'touched').
      if (role.active) projector.enqueue(new Set(events.map((e) => e.caseId)));
      cached = undefined;
    },

    async afterBulkLoad(progress) {
      const started = Date.now();
      const from = await watermark.now();
      const n = await projector.projectAll((cases) => progress(`case states: ${cases.toLocaleString('en-US')} cases derived`));
      const seconds = (Date.now() - started) / 1000;
      const p = projector.bulkPhases;
      const phase = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      progress(
        `case states: ${n.toLocaleString('en-US')} cases in ${seconds.toFixed(1)} s; ${index.size.toLocaleString('en-US')} open` +
          (p ? ` (${Math.round(p.events / seconds).toLocaleString('en-US')} events/s; read ${phase(p.readMs)}, derive ${phase(p.deriveMs)}, write ${phase(p.writeMs)}, after ${phase(p.afterMs)})` : ''),
      );
      await watermark.afterBulk(from);
      typical = await typicalStore.refresh();
    },

    snapshot: overview,
    stats: overview,
    series: () => [
      { name: 'tongban_open_cases', help: 'open cases in the supervision index', type: 'gauge', samples: [['', index.size]] },
      ...(indexSnapshot?.metrics() ?? []),
    ],

    async stop() {
      for (const t of timers) clearInterval(t);
      await latenessReads.stop();
      await projector.stop();
      if (role.active) await watermark.stop();
      else watermark.pause();
      // After the projector's last batch: the snapshot holds every derivation applied.
      await indexSnapshot?.stop();
    },
  };
};
