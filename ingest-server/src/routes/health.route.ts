import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { DegradedReason, IngestHealth } from '../events/ingest-service.ts';
import type { MetricSeries } from '../feature.ts';

const REASONS: DegradedReason[] = ['disk', 'log_write_failed', 'clickhouse', 'backlog'];

/**
 * `/healthz`: 503 `starting` until ready; then 200 with `status` `ok` or `degraded` and the reasons.
 * Degraded stays 200 on purpose: the process is alive and holds events only it can flush (restarting
 * it would not help), and reads still work. `accepting: false` says ingest is answering 503 before
 * trying (disk below its floor, backlog at its bound), for a balancer that routes writes by it.
 *
 * `/metrics`: the same in Prometheus text format (`tongban_ingest_degraded{reason=…}` 0/1 and gauges),
 * plus process memory and the event-loop delay since the previous scrape.
 */
export function healthRoute(
  app: FastifyInstance,
  deps: {
    isReady: () => boolean;
    ingest: () => IngestHealth;
    counters: () => Record<string, number>;
    details: () => Record<string, unknown>;
    /** The ClickHouse engine's own memory by kind (clickhouse/engine-memory.ts); left out of /metrics when it fails. */
    engineMemory?: () => Promise<Array<{ kind: string; bytes: number }>>;
    /** The features' own series (Feature.metrics). */
    series?: () => MetricSeries[];
  },
) {
  app.get('/healthz', async (_req, reply) => {
    if (!deps.isReady()) return reply.status(503).header('retry-after', '2').send({ status: 'starting' });
    return { ...deps.ingest(), ...deps.details() };
  });

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  app.addHook('onClose', async () => loopDelay.disable());

  app.get('/metrics', async (_req, reply) => {
    const lines: string[] = [];
    const gauge = (name: string, help: string, samples: Array<[string, number]>, type: MetricSeries['type'] = 'gauge') => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, v] of samples) lines.push(`${name}${labels} ${v}`);
    };
    gauge('tongban_ready', '1 once migrations and replay are done', [['', deps.isReady() ? 1 : 0]]);
    const mem = process.memoryUsage();
    gauge('tongban_process_memory_bytes', 'resident set, V8 heap used and reserved, memory outside the heap (Buffers)', [
      ['{kind="rss"}', mem.rss],
      ['{kind="heap_used"}', mem.heapUsed],
      ['{kind="heap_total"}', mem.heapTotal],
      ['{kind="external"}', mem.external],
      ['{kind="array_buffers"}', mem.arrayBuffers],
    ]);
    const engine = deps.isReady() && deps.engineMemory ? await deps.engineMemory().catch(() => []) : [];
    if (engine.length) gauge('tongban_clickhouse_memory_bytes', 'the ClickHouse engine\'s memory: tracked total, merges, caches (in this process with embedded chDB)', engine.map((m) => [`{kind="${m.kind}"}`, m.bytes]));
    const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    gauge('tongban_event_loop_delay_ms', 'event-loop delay since the previous scrape', [
      ['{quantile="0.5"}', ms(loopDelay.percentile(50))],
      ['{quantile="0.99"}', ms(loopDelay.percentile(99))],
      ['{quantile="1"}', ms(loopDelay.max)],
    ]);
    loopDelay.reset();
    if (deps.isReady()) {
      const h = deps.ingest();
      const active = new Set(h.reasons.map((r) => r.reason));
      gauge('tongban_ingest_degraded', 'why ingest is degraded (1 = this reason holds)', REASONS.map((r) => [`{reason="${r}"}`, active.has(r) ? 1 : 0]));
      gauge('tongban_ingest_accepting', '0 while ingest answers 503 before trying', [['', h.accepting ? 1 : 0]]);
      gauge('tongban_ingest_pending_rows', 'accepted events not yet in ClickHouse', [['', h.pendingRows]]);
      gauge('tongban_ingest_log_bytes', 'bytes of ingest log not yet confirmed by ClickHouse', [['', h.logBytes]]);
      gauge('tongban_dedup_filter_false_positive_ratio', 'the dedup filter\'s false-positive rate from its bits (each "maybe" costs an event_ids lookup)', [['', h.dedupFilter.falsePositive]]);
      gauge('tongban_dedup_filter_ids', 'distinct event ids in the dedup filter (estimated from its bits), and how many it is sized for', [
        ['{kind="held"}', h.dedupFilter.keys],
        ['{kind="sized_for"}', h.dedupFilter.sizedFor],
      ]);
      if (h.diskFreeBytes !== null) gauge('tongban_data_disk_free_bytes', 'free bytes on the DATA_DIR file system', [['', h.diskFreeBytes]]);
      for (const [k, v] of Object.entries(deps.counters())) {
        const name = `tongban_ingest_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total`;
        lines.push(`# TYPE ${name} counter`, `${name} ${v}`);
      }
      for (const m of deps.series?.() ?? []) gauge(m.name, m.help, m.samples, m.type);
    }
    return reply.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
  });
}
