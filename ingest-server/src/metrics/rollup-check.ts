import type { Logger } from 'pino';
import { addCalendarDays, shanghaiDate, type IsoDate } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { ARRIVALS_KEPT_DAYS } from '../clickhouse/migrations.ts';
import { runCommand, selectRows } from './clickhouse-rows.ts';
import type { RollupBuilder } from './rollup-builder.ts';

const DAY = 86_400_000;
const NAME = 'rollup_check';
/** Days of `metric_state_changes` kept (its TTL, metrics migration 200). */
const STATE_CHANGES_KEPT_DAYS = 2;
/** How far behind the check's start the persisted watermark is put (inserts in flight, server and engine clocks apart). */
const WATERMARK_MARGIN_MS = 10_000;
/** Days of the slow sweep compared per check (a rotating slice of all built days, newest first). */
export const SWEEP_DAYS = 7;

/** What one safety-net check read and marked (GET /api/v1/metrics/rollups `lastCheck`). */
export interface CheckReport {
  /** 'since': the days touched since the watermark; 'recent': no usable watermark, the arrivals kept; 'full': no build yet, every day. */
  kind: 'since' | 'recent' | 'full';
  /** Engine time the check read from (null for a full check). */
  sinceMs: number | null;
  /** Days whose events were compared because events were stored for them since. */
  touchedDays: number;
  /** Days of the rotating sweep compared. */
  sweptDays: number;
  /** Days marked to rebuild because their events differ from their builds. */
  markedDays: number;
  /** Days marked to rebuild because a case state completed on them was derived after their build started. */
  stateDays: number;
  /** How long the check took. */
  ms: number;
  /** Engine time the check started (the next watermark, once the refresh after it has finished). */
  startedMs: number;
}

/**
 * The rollups' safety net, bounded: a check compares with their builds only the days that got events stored
 * (`event_arrivals`) or case states derived (`metric_state_changes`) since the last completed check (the
 * persisted watermark), plus a rotating slice of `SWEEP_DAYS` older days. Nothing it reads grows with all
 * of history. The one exception is a data directory with events but no build at all (nothing to serve
 * yet): that first check marks every day with events, as the first build needs them all.
 */
export class RollupCheck {
  private sweepCursor: IsoDate | null = null;
  private watermark: number | null | undefined;
  last: CheckReport | null = null;

  constructor(private readonly o: { ch: Clickhouse; db: string; builder: RollupBuilder; logger: Logger }) {}

  async run(): Promise<CheckReport> {
    const { builder } = this.o;
    const started = Date.now();
    const startedMs = await this.engineNow();
    if (this.watermark === undefined) this.watermark = await this.load();
    let report: CheckReport;
    if (!(await builder.hasBuilds())) {
      report = { kind: 'full', sinceMs: null, touchedDays: 0, sweptDays: 0, markedDays: await builder.checkCounts(), stateDays: 0, ms: Date.now() - started, startedMs };
    } else {
      const oldest = startedMs - (ARRIVALS_KEPT_DAYS - 1) * DAY;
      const usable = this.watermark !== null && this.watermark >= oldest;
      const sinceMs = usable ? this.watermark! : oldest;
      const touched = await builder.daysStoredSince(sinceMs);
      let marked = await builder.checkDays(touched);
      // Case states derived since (metric_state_changes keeps two days: states are derived by a running
      // server, whose refreshes marked their days as they came; a watermark older than that only loses the
      // last refresh interval before a long stop).
      const stateDays = await builder.checkStatesSince(Math.max(sinceMs, startedMs - STATE_CHANGES_KEPT_DAYS * DAY) - WATERMARK_MARGIN_MS);
      const slice = (await this.nextSlice(shanghaiDate(startedMs))).filter((d) => !touched.includes(d));
      marked += await builder.checkDays(slice);
      report = { kind: usable ? 'since' : 'recent', sinceMs, touchedDays: touched.length, sweptDays: slice.length, markedDays: marked, stateDays, ms: Date.now() - started, startedMs };
    }
    this.last = report;
    if (report.markedDays || report.stateDays) this.o.logger.info(report, 'rollup days to rebuild (their events or case states differ from their builds)');
    else this.o.logger.debug(report, 'rollup check: every day checked equals its build');
    return report;
  }

  /**
   * After the refresh that followed a check has finished (cut-off `cutoffMs`): every event stored before
   * both was checked and, where it differed, rebuilt. A crash before this keeps the older watermark.
   */
  async completed(report: CheckReport, cutoffMs: number): Promise<void> {
    const t = Math.min(report.startedMs, cutoffMs) - WATERMARK_MARGIN_MS;
    if (this.watermark != null && t <= this.watermark) return;
    await runCommand(
      this.o.ch,
      `INSERT INTO ${this.o.db}.metric_check_watermark (name, watermark, set_at) SELECT {name:String}, fromUnixTimestamp64Milli({t:Int64}, 'Asia/Shanghai'), now64(3)`,
      { name: NAME, t },
    );
    this.watermark = t;
  }

  /** After a bulk load rebuilt every day: the next check reads only what is stored after it began. */
  async afterBulk(startedMs: number, cutoffMs: number): Promise<void> {
    await this.completed({ kind: 'full', sinceMs: null, touchedDays: 0, sweptDays: 0, markedDays: 0, stateDays: 0, ms: 0, startedMs }, cutoffMs);
  }

  engineNow(): Promise<number> {
    return selectRows<{ t: number }>(this.o.ch, 'SELECT toUnixTimestamp64Milli(now64(3)) AS t').then(([r]) => Number(r!.t));
  }

  private async load(): Promise<number | null> {
    const [r] = await selectRows<{ ms: number; n: number }>(
      this.o.ch,
      `SELECT toUnixTimestamp64Milli(max(watermark)) AS ms, count() AS n FROM ${this.o.db}.metric_check_watermark WHERE name = {name:String}`,
      { name: NAME },
    );
    return Number(r?.n) ? Number(r!.ms) : null;
  }

  /** The next `SWEEP_DAYS` built days going back from the cursor; past the first it starts again from today. */
  private async nextSlice(today: IsoDate): Promise<IsoDate[]> {
    let days = await this.o.builder.builtDaysBefore(this.sweepCursor ?? today, SWEEP_DAYS);
    if (!days.length) days = await this.o.builder.builtDaysBefore(today, SWEEP_DAYS);
    this.sweepCursor = days.length ? addCalendarDays(days.at(-1)!, -1) : null;
    return days;
  }
}
