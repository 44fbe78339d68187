/**
 * pnpm bench:soak — sustained load on the real server: 2,000 events/s (NDJSON batches every 100 ms,
 * whole case lifecycles so open cases stay bounded) with 20 wall clients on Socket.IO. Every 10 s it
 * prints the server's RSS, V8 heap, event-loop delay (from /metrics) and throughput; at the end the
 * first and the last minute side by side. Memory that keeps growing shows as a last minute above the first.
 *
 * RSS is split as the kernel counts it: anonymous memory (heaps: V8, glibc malloc, chDB's jemalloc) and
 * file-backed pages (mostly libchdb's code, faulted in as more of it runs: shared, reclaimable). The
 * ClickHouse engine's own account (`tongban_clickhouse_memory_bytes`: tracked total and caches) is beside
 * it. The slope is a least-squares fit of RSS over everything after the first minute.
 *
 *   pnpm bench:soak [--minutes 5] [--rate 2000] [--clients 20] [--inspect 9339] [--env KEY=VALUE …]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { DISTRICTS } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    rate: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '20' },
    // Opens the server's inspector (e.g. for HeapProfiler sampling) on this port.
    inspect: { type: 'string' },
    // Server environment for a side-by-side run, e.g. --env MALLOC_ARENA_MAX=2 --env CHDB_MARK_CACHE_BYTES=…
    env: { type: 'string', multiple: true, default: [] },
  },
});
const EXTRA_ENV = Object.fromEntries(args.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const CLIENTS = Number(args.clients);
const TICK_MS = 100;
const SAMPLE_MS = 10_000;
const TYPES = ['submitted', 'accepted', 'reviewed', 'approved', 'completed'] as const;
const codes = DISTRICTS.filter((d) => d.kind !== 'zone').map((d) => d.code);

let caseNo = 0;
function batch(n: number): string {
  const lines: string[] = [];
  const now = Date.now() - 60_000;
  while (lines.length < n) {
    const c = caseNo++;
    const caseId = `SOAK-${c}`;
    TYPES.forEach((type, i) =>
      lines.push(
        JSON.stringify({
          eventId: `${caseId}.${i}`,
          caseId,
          type,
          occurredAt: new Date(now + i * 1000).toISOString(),
          itemCode: `ITEM-${c % 300}`,
          districtCode: codes[c % codes.length],
          level: 'district',
          departmentCode: 'SCJGJ',
          actorId: `staff-${c % 97}`,
          ...(type === 'submitted' ? { channel: 'pc', applicant: { type: 'person', name: '王小明', idNumber: '500101199001011234', phone: '13800001111' } } : {}),
          ...(type === 'completed' ? { visits: 0 } : {}),
        }),
      ),
    );
  }
  return lines.join('\n');
}

function metric(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

interface Sample {
  t: number;
  rssMiB: number;
  anonMiB: number;
  fileMiB: number;
  heapMiB: number;
  heapTotalMiB: number;
  chTrackedMiB: number;
  chCachesMiB: number;
  jemallocMiB: number;
  /** jemalloc's live objects (allocated) and kept-but-unmapped address space (retained, not in RSS). */
  jeAllocatedMiB: number;
  jeRetainedMiB: number;
  /** Freed pages jemalloc still keeps resident (what a purge returns). */
  jeDirtyMiB: number;
  /** Anonymous RSS that is neither V8's heap nor chDB's jemalloc: glibc malloc (Buffers, native modules), stacks. */
  otherMiB: number;
  externalMiB: number;
  loopP50: number;
  loopP99: number;
  loopMax: number;
  evPerSec: number;
  pending: number;
  liveMsgs: number;
}

async function main() {
  const server = await ServerProcess.start({ LOG_LEVEL: 'warn', ...EXTRA_ENV, ...(args.inspect ? { NODE_OPTIONS: `--inspect=127.0.0.1:${args.inspect}` } : {}) });
  const pid = server.child!.pid!;
  const sockets: Socket[] = [];
  let liveMsgs = 0;
  for (let i = 0; i < CLIENTS; i++) {
    const s = io(server.url, { transports: ['websocket'], auth: i % 2 ? { token: 'dev-wall', district: codes[i % codes.length]! } : { token: 'dev-wall' } });
    s.onAny(() => liveMsgs++);
    sockets.push(s);
  }
  console.log(`bench:soak — ${RATE} events/s for ${MINUTES} min, ${CLIENTS} wall clients, server pid ${pid}${args.env.length ? `, env ${args.env.join(' ')}` : ''}`);
  console.log('   t   RSS MiB  anon  file  heap/total MiB  ext MiB  CH tracked  CH caches  jemalloc res/alloc  other  loop p50/p99/max ms   ev/s acked  pending  live msg/s');

  let acked = 0;
  let refused = 0;
  let inFlight = 0;
  const perTick = Math.round((RATE * TICK_MS) / 1000);
  const ticker = setInterval(() => {
    if (inFlight > 20) return; // the server is behind: do not pile up requests in this process
    inFlight++;
    void server
      .post(batch(perTick))
      .then(async (r) => {
        const a = (await r.json()) as { accepted?: number };
        if (r.status === 200) acked += a.accepted ?? 0;
        else refused++;
      })
      .catch(() => refused++)
      .finally(() => inFlight--);
  }, TICK_MS);

  const samples: Sample[] = [];
  const t0 = Date.now();
  let lastAcked = 0;
  let lastLive = 0;
  try {
    while (Date.now() - t0 < MINUTES * 60_000) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const m = await (await fetch(`${server.url}/metrics`)).text();
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
      const ch = (kind: string) => metric(m, 'tongban_clickhouse_memory_bytes', `{kind="${kind}"}`) / 2 ** 20;
      const caches = ['mark_cache', 'primary_index_cache', 'index_mark_cache', 'uncompressed_cache', 'query_cache', 'query_condition_cache', 'compiled_expression_cache', 'page_cache'].map(ch).filter(Number.isFinite);
      const s: Sample = {
        t: Math.round((Date.now() - t0) / 1000),
        rssMiB: kib('VmRSS'),
        anonMiB: kib('RssAnon'),
        fileMiB: kib('RssFile'),
        heapMiB: metric(m, 'tongban_process_memory_bytes', '{kind="heap_used"}') / 2 ** 20,
        heapTotalMiB: metric(m, 'tongban_process_memory_bytes', '{kind="heap_total"}') / 2 ** 20,
        chTrackedMiB: ch('tracked'),
        chCachesMiB: caches.reduce((a, b) => a + b, 0),
        jemallocMiB: ch('jemalloc_resident'),
        jeAllocatedMiB: ch('jemalloc_allocated'),
        jeRetainedMiB: ch('jemalloc_retained'),
        jeDirtyMiB: ch('jemalloc_dirty'),
        otherMiB: NaN,
        externalMiB: metric(m, 'tongban_process_memory_bytes', '{kind="external"}') / 2 ** 20,
        loopP50: metric(m, 'tongban_event_loop_delay_ms', '{quantile="0.5"}'),
        loopP99: metric(m, 'tongban_event_loop_delay_ms', '{quantile="0.99"}'),
        loopMax: metric(m, 'tongban_event_loop_delay_ms', '{quantile="1"}'),
        evPerSec: (acked - lastAcked) / (SAMPLE_MS / 1000),
        pending: metric(m, 'tongban_ingest_pending_rows'),
        liveMsgs: (liveMsgs - lastLive) / (SAMPLE_MS / 1000),
      };
      s.otherMiB = s.anonMiB - s.heapTotalMiB - s.jemallocMiB;
      lastAcked = acked;
      lastLive = liveMsgs;
      samples.push(s);
      console.log(
        `${String(s.t).padStart(4)}  ${s.rssMiB.toFixed(0).padStart(8)}  ${s.anonMiB.toFixed(0).padStart(4)}  ${s.fileMiB.toFixed(0).padStart(4)}  ${`${s.heapMiB.toFixed(0)}/${s.heapTotalMiB.toFixed(0)}`.padStart(14)}  ${s.externalMiB.toFixed(0).padStart(7)}  ${s.chTrackedMiB.toFixed(0).padStart(10)}  ${s.chCachesMiB.toFixed(0).padStart(9)}  ${`${s.jemallocMiB.toFixed(0)}/${s.jeAllocatedMiB.toFixed(0)}`.padStart(18)}  ${s.otherMiB.toFixed(0).padStart(5)}  ${`${s.loopP50.toFixed(0)}/${s.loopP99.toFixed(0)}/${s.loopMax.toFixed(0)}`.padStart(19)}  ${s.evPerSec.toFixed(0).padStart(10)}  ${String(s.pending).padStart(7)}  ${s.liveMsgs.toFixed(0).padStart(10)}`,
      );
    }
  } finally {
    clearInterval(ticker);
    for (const s of sockets) s.close();
    await server.dispose();
  }
  const minute = (from: number, to: number) => samples.filter((s) => s.t > from && s.t <= to);
  // A scrape that timed out (the server busy) leaves NaN in its sample: averaged over the ones that answered.
  const known = (xs: Sample[], k: keyof Sample) => xs.map((s) => s[k]).filter(Number.isFinite);
  const avg = (xs: Sample[], k: keyof Sample) => known(xs, k).reduce((n, v) => n + v, 0) / Math.max(1, known(xs, k).length);
  const max = (xs: Sample[], k: keyof Sample) => Math.max(...known(xs, k));
  const end = samples.at(-1)?.t ?? 0;
  const first = minute(0, 60);
  const last = minute(end - 60, end);
  const row = (label: string, xs: Sample[]) =>
    `${label.padEnd(12)} RSS ${avg(xs, 'rssMiB').toFixed(0)} MiB (max ${max(xs, 'rssMiB').toFixed(0)}; anon ${avg(xs, 'anonMiB').toFixed(0)}, file ${avg(xs, 'fileMiB').toFixed(0)}), heap ${avg(xs, 'heapMiB').toFixed(0)} MiB used of ${avg(xs, 'heapTotalMiB').toFixed(0)}, other anon ${avg(xs, 'otherMiB').toFixed(0)} MiB, CH tracked ${avg(xs, 'chTrackedMiB').toFixed(0)} MiB (caches ${avg(xs, 'chCachesMiB').toFixed(0)}, jemalloc resident ${avg(xs, 'jemallocMiB').toFixed(0)}, allocated ${avg(xs, 'jeAllocatedMiB').toFixed(0)}, dirty ${avg(xs, 'jeDirtyMiB').toFixed(0)}, retained ${avg(xs, 'jeRetainedMiB').toFixed(0)}), loop p99 ${avg(xs, 'loopP99').toFixed(0)} ms (max ${max(xs, 'loopMax').toFixed(0)}), ${avg(xs, 'evPerSec').toFixed(0)} ev/s acked`;
  const slope = (k: keyof Sample) => {
    const after = samples.filter((s) => s.t > 60 && Number.isFinite(s[k]));
    const n = after.length;
    if (n < 3) return NaN;
    const mt = after.reduce((a, s) => a + s.t, 0) / n;
    const mv = after.reduce((a, s) => a + s[k], 0) / n;
    const cov = after.reduce((a, s) => a + (s.t - mt) * (s[k] - mv), 0);
    const vt = after.reduce((a, s) => a + (s.t - mt) ** 2, 0);
    return (cov / vt) * 60;
  };
  const ratio = avg(last, 'rssMiB') / avg(first, 'rssMiB');
  console.log(`\n${row('first minute', first)}\n${row('last minute', last)}`);
  console.log(
    `last ÷ first minute RSS: ${ratio.toFixed(2)}; slope after the first minute: RSS ${slope('rssMiB').toFixed(1)} MiB/min (anon ${slope('anonMiB').toFixed(1)}, file ${slope('fileMiB').toFixed(1)}, V8 heap total ${slope('heapTotalMiB').toFixed(1)}, jemalloc ${slope('jemallocMiB').toFixed(1)} (allocated ${slope('jeAllocatedMiB').toFixed(1)}), other anon ${slope('otherMiB').toFixed(1)}, CH tracked ${slope('chTrackedMiB').toFixed(1)})\nrefused requests: ${refused}`,
  );
}

await main();
