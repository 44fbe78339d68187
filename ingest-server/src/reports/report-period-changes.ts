import type { Logger } from 'pino';
import { msOfShanghaiDateTime, periodAt, REPORT_KINDS, REPORT_PERIOD_KIND, shanghaiDateTime, shanghaiMidnightMs, type CaseEvent, type ReportKind } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { runCommand, selectRows } from '../metrics/clickhouse-rows.ts';

/** The table of changed periods (reports migration 260). */
export const periodChangesTable = (db: string) => `${db}.report_period_changes`;

const key = (kind: ReportKind, period: string) => `${kind}|${period}`;

/**
 * When the data of an ended report period last changed: an accepted event whose occurredAt lies in an ended
 * day, week, month, quarter or year marks that period (all scopes) changed at the moment it was accepted; a
 * bulk load (backfill) marks every period a report is stored for. A stored report whose cut-off is before its
 * period's last change was built from data that has changed since: it is not final (served `stale`, and the
 * default request and the scheduler's catch-up build it anew).
 *
 * Cheap by construction: one comparison per accepted event for the common case (an event of today), a
 * `periodAt` per kind for a late one; marks are kept in memory (one per changed period) and written to
 * ClickHouse at most once a second.
 */
export class PeriodChanges {
  private readonly changed = new Map<string, number>();
  private dirty = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: { clickhouse: Clickhouse; db: string; now: () => number; logger: Logger; flushMs?: number },
  ) {}

  async load(): Promise<number> {
    const rows = await selectRows<{ kind: ReportKind; period: string; ms: number }>(
      this.o.clickhouse,
      `SELECT kind, period, toUnixTimestamp64Milli(max(changed_at)) AS ms FROM ${periodChangesTable(this.o.db)} GROUP BY kind, period`,
    );
    for (const r of rows) this.changed.set(key(r.kind, r.period), Number(r.ms));
    this.timer = setInterval(() => void this.flush(), this.o.flushMs ?? 1_000);
    this.timer.unref();
    return rows.length;
  }

  /** When the period's data last changed (epoch ms), or null if never since reports began tracking it. */
  changedAt(kind: ReportKind, period: string): number | null {
    return this.changed.get(key(kind, period)) ?? null;
  }

  /** Whether a report of this kind and period cut off at `cutoffMs` misses data that arrived after it. */
  isStale(kind: ReportKind, period: string, cutoffMs: number): boolean {
    const at = this.changedAt(kind, period);
    return at !== null && at > cutoffMs;
  }

  /** Marks the ended periods these events fall in. */
  observe(events: readonly CaseEvent[]): void {
    const now = this.o.now();
    const today = msOfShanghaiDateTime(shanghaiDateTime(now).slice(0, 10));
    for (const e of events) {
      const at = Date.parse(e.occurredAt);
      if (!(at < today)) continue; // today's events: no ended period holds them (the common case)
      for (const kind of REPORT_KINDS) {
        const p = periodAt(REPORT_PERIOD_KIND[kind], at);
        if (shanghaiMidnightMs(p.to) <= now) this.mark(kind, p.key, now);
      }
    }
  }

  mark(kind: ReportKind, period: string, at = this.o.now()): void {
    const k = key(kind, period);
    if ((this.changed.get(k) ?? -1) >= at) return;
    this.changed.set(k, at);
    this.dirty.set(k, at);
  }

  /** Writes the marks made since the last write. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (!this.dirty.size) return;
      const batch = this.dirty;
      this.dirty = new Map();
      const values = [...batch].map(([k, at]) => {
        const [kind, period] = k.split('|') as [string, string];
        return `(${quote(kind)}, ${quote(period)}, fromUnixTimestamp64Milli(${Math.round(at)}, 'Asia/Shanghai'))`;
      });
      try {
        await runCommand(this.o.clickhouse, `INSERT INTO ${periodChangesTable(this.o.db)} (kind, period, changed_at) VALUES ${values.join(',')}`);
      } catch (err) {
        for (const [k, at] of batch) if ((this.dirty.get(k) ?? -1) < at) this.dirty.set(k, at);
        this.o.logger.warn({ err, periods: batch.size }, 'recording changed report periods failed; retrying');
      }
    });
    return this.writing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
