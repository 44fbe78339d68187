import type { Logger } from 'pino';
import { scopeKey, shanghaiIso, shanghaiMidnightMs, type MetricScope, type Period, type ReportDocument, type ReportKind } from '@tongban/shared';
import type { ReportBuilder, ReportRequest } from './report-builder.ts';
import type { ReportStore } from './report.store.ts';
import type { PeriodChanges } from './report-period-changes.ts';

/** A report of a period still running is reused for this long before it is computed again. */
const OPEN_PERIOD_REUSE_MS = 5 * 60_000;

export interface ResolveRequest {
  kind: ReportKind;
  period: Period;
  scope: MetricScope;
  /** Reproduce the report as of this cut-off. */
  cutoffMs?: number | undefined;
  /** Compute anew even when a stored report fits. */
  fresh?: boolean | undefined;
  /** `raw`: compute from the raw log (always anew). */
  source?: 'auto' | 'raw' | undefined;
}

/** Generates reports (on schedule and on demand), stores them, and finds the stored one a request means. */
export class ReportService {
  private readonly inFlight = new Map<string, Promise<ReportDocument>>();

  constructor(
    private readonly o: { builder: ReportBuilder; store: ReportStore; now: () => number; logger: Logger; changes?: PeriodChanges | undefined },
  ) {}

  get store(): ReportStore {
    return this.o.store;
  }

  /** Computes and stores a report; identical concurrent requests share one computation. */
  generate(req: ReportRequest): Promise<ReportDocument> {
    const key = `${req.kind}|${req.period.key}|${scopeKey(req.scope)}|${req.cutoffMs ?? 'now'}|${req.trigger}|${req.source ?? 'auto'}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = Date.now();
    const job = this.o.builder
      .build(req)
      .then(async (doc) => {
        // The complete lists first: once the report is listed, any download of it holds every row.
        await this.o.store.saveList(doc.id, 'overdue', this.o.builder.overdueList(doc));
        doc.overdue.complete = true;
        if (doc.kind !== 'daily' && doc.kind !== 'weekly') doc.issue = await this.issue(doc);
        await this.o.store.save(doc);
        this.o.logger.info({ report: doc.id, source: doc.source, ms: Date.now() - started, phases: this.o.builder.timings.get(doc) }, 'report generated');
        return doc;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  /** The 红头, 文号 and date of issue of a bulletin (the 文号 sequence runs per year of issue). */
  private async issue(doc: ReportDocument): Promise<NonNullable<ReportDocument['issue']>> {
    const { issuingOffice, docNumberPrefix } = this.o.builder.settings;
    const issuedOn = doc.generatedAt.slice(0, 10);
    const year = Number(issuedOn.slice(0, 4));
    const n = await this.o.store.nextDocNumber(year);
    const [y, m, d] = issuedOn.split('-').map(Number) as [number, number, number];
    return { office: issuingOffice, docNumber: `${docNumberPrefix}〔${year}〕${n}号`, issuedOn: `${y}年${m}月${d}日` };
  }

  /** Events of a stored report's period that arrived after its cut-off (the report is then older than the data). */
  async freshness(doc: ReportDocument): Promise<{ eventsAfterCutoff: number; checkedAt: string; stale: boolean; periodChangedAt: string | null }> {
    const n = await this.o.builder.eventsAfterCutoff(doc);
    const changed = this.o.changes?.changedAt(doc.kind, doc.period.key) ?? null;
    return {
      eventsAfterCutoff: n,
      checkedAt: new Date(this.o.now()).toISOString(),
      stale: this.isStale(doc.kind, doc.period.key, Date.parse(doc.cutoff)),
      periodChangedAt: changed === null ? null : shanghaiIso(changed),
    };
  }

  /** The period's data changed after this cut-off (a late event, a backfill): a report cut off then is not final. */
  isStale(kind: ReportKind, period: string, cutoffMs: number): boolean {
    return this.o.changes?.isStale(kind, period, cutoffMs) ?? false;
  }

  /**
   * The report a request means: a fresh computation when asked; the stored one with the requested cut-off;
   * else the latest stored one if it was cut off after the period ended (or recently, for a running period);
   * else a new one.
   */
  async resolve(req: ResolveRequest): Promise<ReportDocument> {
    const base = { kind: req.kind, period: req.period, scope: req.scope, trigger: 'demand' as const, source: req.source };
    if (req.fresh || req.source === 'raw') return this.generate({ ...base, cutoffMs: req.cutoffMs });
    const scope = scopeKey(req.scope);
    if (req.cutoffMs !== undefined) {
      const [hit] = await this.o.store.list({ kind: req.kind, period: req.period.key, scope, cutoff: req.cutoffMs, limit: 1 });
      const doc = hit && !this.isStale(req.kind, req.period.key, Date.parse(hit.cutoff)) && (await this.o.store.load(hit.id));
      return doc || this.generate({ ...base, cutoffMs: req.cutoffMs });
    }
    const [latest] = await this.o.store.list({ kind: req.kind, period: req.period.key, scope, limit: 1 });
    if (latest) {
      const cutoff = Date.parse(latest.cutoff);
      const periodEnd = shanghaiMidnightMs(req.period.to);
      // A report whose period's data changed after its cut-off is built anew (it is not final).
      if ((cutoff >= periodEnd || this.o.now() - cutoff < OPEN_PERIOD_REUSE_MS) && !this.isStale(req.kind, req.period.key, cutoff)) {
        const doc = await this.o.store.load(latest.id);
        if (doc) return doc;
      }
    }
    return this.generate(base);
  }
}
