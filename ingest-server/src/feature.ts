import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CaseEvent, Snapshot, Stats } from '@tongban/shared';
import type { AuditLog } from './auth/audit.store.ts';
import type { CalendarHolder } from './calendar/calendar-holder.ts';
import type { ItemCatalogue } from './catalogue/item-catalogue.store.ts';
import type { Clickhouse } from './clickhouse/clickhouse-client.ts';
import type { Cluster } from './cluster/cluster.ts';
import type { Migration } from './clickhouse/migrations.ts';
import type { Config } from './config.ts';
import type { EventStore } from './events/event.store.ts';
import type { LiveHub } from './live/live-hub.ts';

/** What the core hands every feature (supervision, metrics, reports …). */
/** The jobs that run long queries in the background, each on its own connection (`FeatureContext.backgroundClickhouse`). */
export type BackgroundJob = 'metric rollups' | 'lateness model' | 'stage dwells' | 'reports' | 'case derivation';

export interface FeatureContext {
  config: Config;
  logger: Logger;
  clickhouse: Clickhouse;
  /**
   * For long reads a request must not wait behind, one connection per background job: embedded chDB runs
   * one query at a time per connection (a second connection runs beside it), so each job gets its own
   * connection to the same engine, and one job's long read (the lateness model's, seconds at 90 days of
   * history) holds up neither a request nor another job (the metric rollups' first check waited behind it).
   * With a ClickHouse server (HTTP, concurrent already) every job gets `clickhouse` itself. chDB also runs
   * parameterized queries one at a time in the whole process, so these connections write parameters as
   * literals (`inlineParams`) before sending a query.
   */
  backgroundClickhouse: (job: BackgroundJob) => Clickhouse;
  /** ClickHouse database holding every table. */
  db: string;
  store: EventStore;
  catalogue: ItemCatalogue;
  calendar: CalendarHolder;
  live: LiveHub;
  /** Who looked at and did what (SPEC.md "Audit"). */
  audit: AuditLog;
  /** Every accepted event of these cases, stored in ClickHouse or not yet flushed (`derivation`: IngestService.eventsOfCases). */
  eventsOfCases: (caseIds: readonly string[], o?: { derivation?: boolean }) => Promise<Map<string, CaseEvent[]>>;
  /** Cases with accepted events not yet in ClickHouse on this node (a new holder of the engine projects them). */
  unflushedCaseIds: () => string[];
  /** The supervision engine names the district of an open case here, so ingest can keep a district-limited source to its own. */
  provideCaseDistrict: (lookup: (caseId: string) => string | undefined) => void;
  now: () => number;
  /** The other nodes (SPEC.md "Several machines"); on a single node this node holds the engine alone. */
  cluster: Cluster;
}

/**
 * A feature contributes migrations (its own version range), routes, start/stop work and a reaction to
 * accepted events. The core runs migrations of all features in version order, then `start`s them
 * before /healthz turns 200, and `stop`s them on close.
 */
export interface Feature {
  name: string;
  migrations?: Migration[];
  register?(app: FastifyInstance): void | Promise<void>;
  start?(): Promise<void>;
  /** Called with accepted events once they are durable, in arrival order. Must not throw. */
  onAccepted?(events: CaseEvent[]): void;
  /** Merged into the Socket.IO snapshot sent on connect. */
  snapshot?(): Partial<Snapshot> | Promise<Partial<Snapshot>>;
  /** Merged into the `stats` message (at most twice a second): must be cheap and synchronous. */
  stats?(): Partial<Stats>;
  stop?(): Promise<void>;
  /** Series added to `/metrics` (Prometheus text): must be cheap and synchronous. */
  series?(): MetricSeries[];
  /** After events were written in bulk straight into ClickHouse (backfill): derive what depends on them. */
  afterBulkLoad?(progress: (message: string) => void): Promise<void>;
}

/** One series of `/metrics`: its samples by label set (`''` or `{kind="…"}`). */
export interface MetricSeries {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Array<[labels: string, value: number]>;
}

export type FeatureFactory = (ctx: FeatureContext) => Feature;
