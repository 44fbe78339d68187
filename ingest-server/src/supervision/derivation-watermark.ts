import type { Logger } from 'pino';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { ARRIVALS_KEPT_DAYS } from '../clickhouse/migrations.ts';
import type { EventArrivals } from '../events/event-arrivals.store.ts';
import type { CaseProjector } from './case-projector.ts';

const DAY = 86_400_000;
const NAME = 'case_state';
const STOP_WAIT_MS = 10_000;

/**
 * The derivation watermark: an engine-time instant before which every stored event has been derived into
 * `case_state`. Advanced every `intervalMs` (and at a clean stop): take the engine's time t, wait until the
 * projector has derived every case queued now (`checkpoint`), persist t. An event stored before t was
 * accepted before t, so its case was queued before the checkpoint and is derived. A bulk load (backfill)
 * writes around ingest: it sets the watermark itself after deriving every case (`afterBulk`), and no timer
 * advances it meanwhile (`intervalMs` 0). At start, only the cases with an event stored since the
 * watermark (`event_arrivals`) are derived again.
 */
export class DerivationWatermark {
  private timer: NodeJS.Timeout | undefined;
  private advancing: Promise<void> = Promise.resolve();
  private current: number | null = null;
  private busy = false;

  constructor(
    private readonly o: { clickhouse: Clickhouse; db: string; arrivals: EventArrivals; projector: CaseProjector; logger: Logger; intervalMs: number },
  ) {}

  get value(): number | null {
    return this.current;
  }

  /** The persisted watermark, or null when there is none or it is older than the arrivals kept. */
  async load(): Promise<{ watermark: number | null; reason?: string }> {
    const rows = await selectRows<{ ms: number; n: number }>(
      this.o.clickhouse,
      `SELECT toUnixTimestamp64Milli(max(watermark)) AS ms, count() AS n FROM ${this.o.db}.derivation_watermark WHERE name = {name:String}`,
      { name: NAME },
    );
    if (!Number(rows[0]?.n)) return { watermark: null, reason: 'no derivation watermark yet' };
    const w = Number(rows[0]!.ms);
    if (w < (await this.o.arrivals.now()) - (ARRIVALS_KEPT_DAYS - 1) * DAY) return { watermark: null, reason: `older than the ${ARRIVALS_KEPT_DAYS} days of arrivals kept` };
    this.current = w;
    return { watermark: w };
  }

  /** The cases with an event stored at or after the watermark. */
  touchedSince(watermark: number): Promise<string[]> {
    return this.o.arrivals.casesSince(watermark);
  }

  start(): void {
    clearInterval(this.timer);
    if (this.o.intervalMs <= 0) return;
    // A tick while the previous advance still waits (the projector retrying through an outage) is skipped.
    this.timer = setInterval(() => {
      if (!this.busy) this.advance().catch((err: unknown) => this.o.logger.warn({ err }, 'advancing the derivation watermark failed'));
    }, this.o.intervalMs);
    this.timer.unref();
  }

  /** Stops advancing without saving (several nodes: this node lost the engine lease). */
  pause(): void {
    clearInterval(this.timer);
  }

  /** Takes the engine's time, waits for the projector to derive what is queued, persists that time. */
  advance(): Promise<void> {
    this.busy = true;
    const run = this.advancing
      .then(async () => {
        const t = await this.o.arrivals.now();
        await this.o.projector.checkpoint();
        await this.set(t);
      })
      .finally(() => (this.busy = false));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  /** After a bulk derivation that began at engine time `t` (every case of the log derived since). */
  async afterBulk(t: number): Promise<void> {
    await this.set(t);
  }

  /** Engine time now (to pass to `afterBulk`). */
  now(): Promise<number> {
    return this.o.arrivals.now();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.o.intervalMs <= 0) return;
    // Bounded: a stop during an outage keeps the older watermark (the next start derives a little more).
    let timeout: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timeout = setTimeout(resolve, STOP_WAIT_MS)));
    await Promise.race([this.advance().catch((err: unknown) => this.o.logger.warn({ err }, 'the derivation watermark could not be saved at stop')), late]);
    clearTimeout(timeout);
  }

  private async set(t: number): Promise<void> {
    if (this.current !== null && t <= this.current) return;
    await runCommand(
      this.o.clickhouse,
      `INSERT INTO ${this.o.db}.derivation_watermark (name, watermark, set_at) SELECT {name:String}, fromUnixTimestamp64Milli({t:Int64}, 'Asia/Shanghai'), now64(3)`,
      { name: NAME, t },
    );
    this.current = t;
  }
}

// Supervision does not import the metrics room (it depends on supervision): its own two helpers.
async function selectRows<T>(ch: Clickhouse, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await ch.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 } });
  return rs.json<T>();
}

async function runCommand(ch: Clickhouse, query: string, params: Record<string, unknown> = {}): Promise<void> {
  await ch.command({ query, query_params: params, clickhouse_settings: QUERY_SETTINGS });
}
