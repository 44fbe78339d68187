import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import { shedsUnderPressure } from './system/pressure.ts';
import type { Logger } from 'pino';
import { BackgroundConnections, clickhouseLayout, createClickhouse, type Clickhouse } from './clickhouse/clickhouse-client.ts';
import { MIGRATIONS, migrate } from './clickhouse/migrations.ts';
import { EventArrivals } from './events/event-arrivals.store.ts';
import { CalendarHolder } from './calendar/calendar-holder.ts';
import { ItemCatalogue } from './catalogue/item-catalogue.store.ts';
import type { BackgroundJob, Feature, FeatureContext } from './feature.ts';
import { createFeatures } from './features.ts';
import type { Config } from './config.ts';
import { registerErrorHandler } from './errors.ts';
import { EventStore } from './events/event.store.ts';
import { DiskSpace } from './events/disk-space.ts';
import { IngestLog } from './events/ingest-log.ts';
import { IngestService, type LogRecord } from './events/ingest-service.ts';
import { attachLiveHub } from './live/live-hub.ts';
import { CaseApplicants } from './live/live-event.ts';
import { shanghaiIso, type LiveEvent, type Snapshot, type Stats } from '@tongban/shared';
import { TodayStats } from './live/today-stats.ts';
import { createCluster } from './cluster/cluster.ts';
import { SharedToday } from './cluster/shared-today.ts';
import { clusterRoute } from './cluster/cluster.route.ts';
import { syncPeers } from './cluster/peer-sync.ts';
import { CaseStateStore } from './supervision/case-state.store.ts';
import { createLogger } from './logger.ts';
import { registerAccess } from './auth/access.ts';
import { AuditLog } from './auth/audit.store.ts';
import { auditRoutes } from './auth/audit.route.ts';
import { AUTH_MIGRATIONS } from './auth/auth.migrations.ts';
import { applicantRoute } from './auth/applicant.route.ts';
import { sessionRoutes } from './auth/session.route.ts';
import { SessionStore } from './auth/sessions.store.ts';
import { SignInThrottle } from './auth/sign-in-throttle.ts';
import { DEV_PASSWORD, DEV_PEOPLE, UserDirectory } from './auth/users.store.ts';
import { usersRoutes } from './auth/users.route.ts';
import { eventsRoute } from './routes/events.route.ts';
import { healthRoute } from './routes/health.route.ts';
import { engineMemory, startEnginePurge } from './clickhouse/engine-memory.ts';
import { readingRoutes } from './routes/reading.route.ts';
import { adminRoutes } from './routes/admin.route.ts';
import { calendarRoutes } from './routes/calendar.route.ts';
import { itemsRoutes } from './routes/items.route.ts';
import { SystemFlags } from './system/system-flags.store.ts';
import { hallStreamOrigins } from './wall/hall-origins.ts';

const RECENT_EVENTS = 50;

export interface Tongban {
  /** Migrates ClickHouse, loads the dedup filter, replays the ingest log; then /healthz answers 200. */
  start(): Promise<void>;
  readonly ready: boolean;
  clickhouse: Clickhouse;
  ingest: IngestService;
  /** Facts kept with the data (that it is simulated). */
  flags: SystemFlags;
  /** After a bulk backfill: every feature derives what depends on the new events (case states, rollups). */
  afterBulkLoad(progress: (message: string) => void): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    tongban: Tongban;
  }
}

/**
 * Assembles the server (STYLE.md habit 1). Nothing here listens or touches ClickHouse yet: `server.ts`
 * listens first, so /healthz can say 503 while `app.tongban.start()` migrates and replays.
 */
export async function buildApp(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    // Per-request lines would be thousands a second at peak: errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
  });
  registerErrorHandler(app);
  app.addContentTypeParser(/^application\/(x-)?ndjson/i, { parseAs: 'string' }, (_req, body, done) => done(null, body));

  await app.register(underPressure, {
    maxEventLoopDelay: 2_000,
    retryAfter: 5,
    exposeStatusRoute: false,
    pressureHandler: (req, reply, type, value) => {
      if (!shedsUnderPressure(req.method, req.url)) return; // served anyway (see system/pressure.ts)
      void reply
        .status(503)
        .header('retry-after', '5')
        .send({ error: { code: 'overloaded', message: `server under pressure (${type}: ${value}); retry shortly` } });
    },
  });

  const clickhouse = createClickhouse(config);
  const background = new BackgroundConnections<BackgroundJob>(config, clickhouse);
  const backgroundClickhouse = (job: BackgroundJob) => background.get(job);
  const db = config.clickhouseDatabase;
  const store = new EventStore(clickhouse, db, config.piiKeys);
  const catalogue = new ItemCatalogue(clickhouse, db);
  const calendar = new CalendarHolder(config.dataDir, config.holidaysFile);
  const features: Feature[] = [];
  const audit = new AuditLog(clickhouse, db, logger.child({ component: 'audit' }));
  const users = new UserDirectory(clickhouse, db);
  const sessions = new SessionStore(clickhouse, db, config.auth.sessionIdleMs);
  // Identity before anything else: every route registered after this is checked in onRequest.
  await app.register(fastifyRateLimit, { global: false });
  const identify = await registerAccess(app, { config, sessions, users });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        // Hall cameras' HLS streams (DISPLAYS_FILE `halls`) are read from their own origins.
        connectSrc: ["'self'", 'ws:', 'wss:', ...hallStreamOrigins(config.displays.values())],
        workerSrc: ["'self'", 'blob:'],
        mediaSrc: ["'self'", 'blob:', ...hallStreamOrigins(config.displays.values())],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // The wall is served over plain HTTP on an intranet: no HSTS unless TLS is configured in front.
    hsts: config.auth.cookieSecure,
  });
  const stats = new TodayStats();
  // Several nodes: today's counters are shared in Redis (the local ones are then unused).
  const cluster = createCluster(config.cluster, logger);
  const sharedToday = cluster.redis ? new SharedToday(cluster.redis, Date.now, (day) => store.dayCounts(day), () => cluster.role.active) : undefined;
  const today = () => sharedToday?.snapshot() ?? stats.snapshot();
  const recent: LiveEvent[] = [];
  const addRecent = (masked: LiveEvent[]) => {
    recent.unshift(...masked.slice(-RECENT_EVENTS).reverse());
    recent.length = Math.min(recent.length, RECENT_EVENTS);
  };
  const applicants = new CaseApplicants(config.liveApplicantCases);
  let ready = false;
  let todayTimer: NodeJS.Timeout | undefined;
  let enginePurge: { stop(): void } = { stop: () => undefined };
  const flags = new SystemFlags(clickhouse, db);
  // SIMULATE=1, or data a simulator wrote (recorded in system_flags, read at start).
  let simulated = config.simulate;

  const live = attachLiveHub(app.server, {
    logger,
    identify,
    allowedOrigins: config.auth.allowedOrigins,
    snapshot: async (): Promise<Snapshot> => {
      const extra = await Promise.all(features.map((f) => f.snapshot?.() ?? {}));
      return Object.assign({ serverTime: shanghaiIso(Date.now()), simulated, today: today(), recent, supervision: null }, ...extra);
    },
    // The ingest counters ride along for scripts and benchmarks; the wall does not read them.
    stats: (): Stats & { ingest: typeof ingest.counters } =>
      Object.assign({ serverTime: shanghaiIso(Date.now()), today: today(), supervision: null, ingest: ingest.counters }, ...features.map((f) => f.stats?.() ?? {})),
    ...(cluster.clustered ? { cluster: { redis: cluster.adapterConnection()!, sendsStats: () => cluster.role.active } } : {}),
  });

  // Set by the supervision engine (it knows each open case's district); none without it.
  let caseDistrict: ((caseId: string) => string | undefined) | undefined;
  const ingest = new IngestService({
    store,
    caseDistrict: (id) => caseDistrict?.(id),
    log: new IngestLog<LogRecord>(path.join(config.dataDir, 'ingest-log'), undefined, (torn) =>
      logger.warn(torn, 'ingest log: torn or corrupt tail ignored at replay (never acknowledged)'),
    ),
    logger: logger.child({ component: 'ingest' }),
    flushMaxRows: config.flushMaxRows,
    flushMaxAgeMs: config.flushMaxAgeMs,
    maxPendingRows: config.maxPendingRows,
    maxLogBytes: config.maxLogBytes,
    diskFreeFloorBytes: config.diskFreeFloorBytes,
    disk: new DiskSpace(config.dataDir),
    dedupExpectedEvents: config.dedupExpectedEvents,
    dedupSnapshot: { file: path.join(config.dataDir, 'dedup', 'filter.bin'), intervalMs: config.scale.dedupSnapshotMs, falsePositive: config.scale.dedupFalsePositive, arrivals: new EventArrivals(clickhouse, db) },
    piiKeys: config.piiKeys,
    isKnownItem: (code) => catalogue.has(code),
    reservations: cluster.reservations,
    // Several nodes: the engine's holder projects what other nodes stored.
    onStored: (rows) => {
      if (cluster.clustered && !cluster.role.active) cluster.bus.publish('touched', [...new Set(rows.map((r) => r.case_id))]);
    },
    onAccepted(events) {
      const masked = events.map((e) => applicants.toLive(e));
      if (sharedToday) void sharedToday.add(events).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'adding to the shared today counters failed'));
      else for (const e of events) stats.add(e);
      addRecent(masked);
      // Several nodes: a wall connecting to any node starts with the cluster's latest events.
      if (cluster.clustered) cluster.bus.publish('recent', masked.slice(-RECENT_EVENTS));
      live.broadcast(masked);
      live.statsChanged();
      for (const f of features) {
        try {
          f.onAccepted?.(events);
        } catch (err) {
          logger.error({ err, feature: f.name }, 'feature failed on accepted events');
        }
      }
    },
  });
  const ctx: FeatureContext = { config, logger, clickhouse, backgroundClickhouse, db, store, catalogue, calendar, live, audit, eventsOfCases: (ids, o) => ingest.eventsOfCases(ids, o), unflushedCaseIds: () => ingest.unflushedCaseIds(), provideCaseDistrict: (lookup) => (caseDistrict = lookup), now: Date.now, cluster };
  features.push(...createFeatures(ctx));
  cluster.bus.subscribe('recent', (events) => addRecent(events as LiveEvent[]));
  if (cluster.clustered) syncPeers({ bus: cluster.bus, catalogue, calendar, logger: logger.child({ component: 'cluster' }) });

  const tongban: Tongban = {
    clickhouse,
    ingest,
    flags,
    get ready() {
      return ready;
    },
    async afterBulkLoad(progress) {
      for (const f of features) await f.afterBulkLoad?.(progress);
    },
    async start() {
      // Several nodes starting at once migrate one after the other.
      const ran = await cluster.exclusive('migrate', () => migrate(clickhouse, db, [...MIGRATIONS, ...AUTH_MIGRATIONS, ...features.flatMap((f) => f.migrations ?? [])], clickhouseLayout(config)));
      if (ran.length) logger.info({ migrations: ran }, 'ClickHouse migrated');
      const people = await users.load(config.auth.devPeople);
      if (config.production && people.stored === 0) throw new Error('production mode needs at least one user: add one with `pnpm user add <username> --role admin` (server stopped)');
      if (people.dev) logger.warn({ people: DEV_PEOPLE.map((p) => p.username), password: DEV_PASSWORD, displayToken: 'dev-wall' }, 'development identities: these people sign in with the development password (never in production)');
      logger.info({ sessions: await sessions.load(), people: people.stored }, 'identities loaded');
      if (config.simulate) await flags.set('simulated', '1', 'server SIMULATE=1');
      simulated = config.simulate || (await flags.get('simulated')) === '1';
      const items = await catalogue.load();
      logger.info({ items }, 'item catalogue loaded');
      await ingest.start();
      await cluster.start(() => ingest.health().pendingRows, async () => void (await ingest.reloadBloom()), () => new CaseStateStore(clickhouse, db).maxFence());
      if (sharedToday) {
        await sharedToday.refresh().catch((err: unknown) => logger.warn({ err }, 'reading the shared today counters failed'));
        todayTimer = setInterval(() => void sharedToday.refresh().catch(() => undefined), 500);
        todayTimer.unref();
      }
      for (const row of await store.dayCounts(stats.currentDay)) stats.add({ type: row.type, districtCode: row.district_code, occurredAt: `${stats.currentDay}T12:00:00+08:00` }, Number(row.n));
      recent.push(...(await store.recentEvents(RECENT_EVENTS, stats.currentDay)).reverse().map((e) => applicants.toLive(e)).reverse());
      for (const f of features) await f.start?.();
      if (!config.clickhouseUrl) enginePurge = startEnginePurge(clickhouse, config.engineMemory.purgeMs, (err) => logger.warn({ err }, 'returning chDB\'s freed memory failed'));
      ready = true;
    },
  };
  app.decorate('tongban', tongban);

  healthRoute(app, { isReady: () => ready, ingest: () => ingest.health(), counters: () => ingest.counters, details: () => ({ liveClients: live.clients() }), engineMemory: () => engineMemory(clickhouse), series: () => features.flatMap((f) => f.series?.() ?? []) });
  sessionRoutes(app, { users, sessions, audit, throttle: new SignInThrottle(), cookieSecure: config.auth.cookieSecure, idleMs: config.auth.sessionIdleMs });
  usersRoutes(app, { users, sessions, audit });
  auditRoutes(app, { audit });
  applicantRoute(app, { store, audit });
  eventsRoute(app, { ingest, isReady: () => ready, maxEvents: config.maxEventsPerRequest, bodyLimitBytes: config.bodyLimitBytes });
  clusterRoute(app, { cluster });
  readingRoutes(app, { overview: () => Object.assign({ serverTime: shanghaiIso(Date.now()), supervision: null }, today(), ...features.map((f) => f.stats?.() ?? {})) });
  adminRoutes(app, { store });
  itemsRoutes(app, { catalogue, audit });
  calendarRoutes(app, { calendar, audit });
  for (const f of features) await f.register?.(app);

  if (existsSync(path.join(config.dashboardDir, 'index.html'))) {
    // wildcard: files are looked up on each request, so a rebuilt dashboard is served without a restart.
    await app.register(fastifyStatic, { root: config.dashboardDir, wildcard: true });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain; charset=utf-8').send('tongban ingest server. The dashboard is not built: run `pnpm --filter @tongban/dashboard build`.\n'),
    );
  }

  // Before the HTTP server closes: it would wait forever on the upgraded WebSocket connections.
  app.addHook('preClose', async () => live.close());
  app.addHook('onClose', async () => {
    if (ready) await ingest.stop();
    for (const f of [...features].reverse()) await f.stop?.();
    clearInterval(todayTimer);
    enginePurge.stop();
    await cluster.stop();
    await background.close();
    await clickhouse.close();
  });
  return app;
}
