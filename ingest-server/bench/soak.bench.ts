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
 * Once a minute (`--gc-every 6` samples; 0 = never) the bench asks the server's V8, over the inspector, for a
 * full garbage collection and the heap used after it: the live heap, which `heap used` sampled at a random
 * point of the collector's cycle is not (docs/notes/soak-heap.md). Beside it the open cases (the wall's
 * `stats`), the one figure a live heap may legitimately grow with.
 *
 *   pnpm bench:soak [--minutes 5] [--rate 2000] [--clients 20] [--gc-every 6] [--warmup 0] [--inspect 9339] [--env KEY=VALUE …]
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { DISTRICTS } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    rate: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '20' },
    // Opens the server's inspector (e.g. for HeapProfiler sampling) on this port (else a free one, for --gc-every).
    inspect: { type: 'string' },
    // Every this many samples: a full GC in the server and its heap used after it (the live heap). 0 = never.
    'gc-every': { type: 'string', default: '6' },
    // Minutes of warm-up (bounded buffers filling, e.g. the applicant book): the minute after them is printed
    // beside the last, and the slope is fitted over what follows them. 0: the first minute only.
    warmup: { type: 'string', default: '0' },
    // Server environment for a side-by-side run, e.g. --env MALLOC_ARENA_MAX=2 --env CHDB_MARK_CACHE_BYTES=…
    env: { type: 'string', multiple: true, default: [] },
  },
});
const EXTRA_ENV = Object.fromEntries(args.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const CLIENTS = Number(args.clients);
const GC_EVERY = Number(args['gc-every']);
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
  /** V8 heap used right after a full GC (the live heap), MiB; NaN when not measured at this sample. */
  liveHeapMiB: number;
  /** Open cases, from the wall's last `stats`. */
  openCases: number;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * A Chrome DevTools Protocol session with the server's inspector (bench only; needs Node's WebSocket:
 * `--experimental-websocket` on Node 20, as the bench:soak script passes).
 */
async function inspectorSession(port: number): Promise<{ call(method: string, params?: object): Promise<Record<string, unknown>>; close(): void }> {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const waiting = new Map<number, (r: Record<string, unknown>) => void>();
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(String(m.data)) as { id?: number; result?: Record<string, unknown> };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result ?? {});
    if (msg.id !== undefined) waiting.delete(msg.id);
  });
  return {
    call: (method, params = {}) =>
      new Promise((resolve) => {
        waiting.set(++id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

async function main() {
  const inspectPort = args.inspect ? Number(args.inspect) : GC_EVERY > 0 ? await freePort() : undefined;
  const nodeOptions = [EXTRA_ENV.NODE_OPTIONS, inspectPort ? `--inspect=127.0.0.1:${inspectPort}` : undefined].filter(Boolean).join(' ');
  const server = await ServerProcess.start({ LOG_LEVEL: 'warn', ...EXTRA_ENV, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) });
  const pid = server.child!.pid!;
  const inspector = GC_EVERY > 0 ? await inspectorSession(inspectPort!) : undefined;
  let openCases = NaN;
  const sockets: Socket[] = [];
  let liveMsgs = 0;
  for (let i = 0; i < CLIENTS; i++) {
    const s = io(server.url, { transports: ['websocket'], auth: i % 2 ? { token: 'dev-wall', district: codes[i % codes.length]! } : { token: 'dev-wall' } });
    s.onAny(() => liveMsgs++);
    if (i === 0) s.on('stats', (st: { supervision?: { counts?: { open?: number } } | null }) => (openCases = st.supervision?.counts?.open ?? NaN));
    sockets.push(s);
  }
  console.log(`bench:soak — ${RATE} events/s for ${MINUTES} min, ${CLIENTS} wall clients, server pid ${pid}${args.env.length ? `, env ${args.env.join(' ')}` : ''}`);
  console.log('   t   RSS MiB  anon  file  heap/total MiB  ext MiB  CH tracked  CH caches  jemalloc res/alloc  other  loop p50/p99/max ms   ev/s acked  pending  live msg/s  live heap  open cases');

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
      let liveHeapMiB = NaN;
      // The first at ~50 s, so the first minute has a reading too.
      if (inspector && (samples.length + 2) % GC_EVERY === 0) {
        await inspector.call('HeapProfiler.collectGarbage');
        liveHeapMiB = Number((await inspector.call('Runtime.getHeapUsage')).usedSize) / 2 ** 20;
      }
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
        liveHeapMiB,
        openCases,
      };
      s.otherMiB = s.anonMiB - s.heapTotalMiB - s.jemallocMiB;
      lastAcked = acked;
      lastLive = liveMsgs;
      samples.push(s);
      console.log(
        `${String(s.t).padStart(4)}  ${s.rssMiB.toFixed(0).padStart(8)}  ${s.anonMiB.toFixed(0).padStart(4)}  ${s.fileMiB.toFixed(0).padStart(4)}  ${`${s.heapMiB.toFixed(0)}/${s.heapTotalMiB.toFixed(0)}`.padStart(14)}  ${s.externalMiB.toFixed(0).padStart(7)}  ${s.chTrackedMiB.toFixed(0).padStart(10)}  ${s.chCachesMiB.toFixed(0).padStart(9)}  ${`${s.jemallocMiB.toFixed(0)}/${s.jeAllocatedMiB.toFixed(0)}`.padStart(18)}  ${s.otherMiB.toFixed(0).padStart(5)}  ${`${s.loopP50.toFixed(0)}/${s.loopP99.toFixed(0)}/${s.loopMax.toFixed(0)}`.padStart(19)}  ${s.evPerSec.toFixed(0).padStart(10)}  ${String(s.pending).padStart(7)}  ${s.liveMsgs.toFixed(0).padStart(10)}  ${(Number.isFinite(s.liveHeapMiB) ? s.liveHeapMiB.toFixed(1) : '').padStart(9)}  ${String(s.openCases).padStart(10)}`,
      );
    }
  } finally {
    clearInterval(ticker);
    inspector?.close();
    for (const s of sockets) s.close();
    await server.dispose();
  }
  const minute = (from: number, to: number) => samples.filter((s) => s.t > from && s.t <= to);
  // A scrape that timed out (the server busy) leaves NaN in its sample: averaged over the ones that answered.
  const known = (xs: Sample[], k: keyof Sample) => xs.map((s) => s[k]).filter(Number.isFinite);
  // NaN (printed so) when no sample of the span has the figure, e.g. no live-heap reading in it.
  const avg = (xs: Sample[], k: keyof Sample) => known(xs, k).reduce((n, v) => n + v, 0) / known(xs, k).length;
  const max = (xs: Sample[], k: keyof Sample) => Math.max(...known(xs, k));
  const end = samples.at(-1)?.t ?? 0;
  const first = minute(0, 60);
  const last = minute(end - 60, end);
  const row = (label: string, xs: Sample[]) =>
    `${label.padEnd(12)} RSS ${avg(xs, 'rssMiB').toFixed(0)} MiB (max ${max(xs, 'rssMiB').toFixed(0)}; anon ${avg(xs, 'anonMiB').toFixed(0)}, file ${avg(xs, 'fileMiB').toFixed(0)}), heap ${avg(xs, 'heapMiB').toFixed(0)} MiB used of ${avg(xs, 'heapTotalMiB').toFixed(0)}, other anon ${avg(xs, 'otherMiB').toFixed(0)} MiB, CH tracked ${avg(xs, 'chTrackedMiB').toFixed(0)} MiB (caches ${avg(xs, 'chCachesMiB').toFixed(0)}, jemalloc resident ${avg(xs, 'jemallocMiB').toFixed(0)}, allocated ${avg(xs, 'jeAllocatedMiB').toFixed(0)}, dirty ${avg(xs, 'jeDirtyMiB').toFixed(0)}, retained ${avg(xs, 'jeRetainedMiB').toFixed(0)}), live heap after GC ${avg(xs, 'liveHeapMiB').toFixed(1)} MiB, open cases ${avg(xs, 'openCases').toFixed(0)}, loop p99 ${avg(xs, 'loopP99').toFixed(0)} ms (max ${max(xs, 'loopMax').toFixed(0)}), ${avg(xs, 'evPerSec').toFixed(0)} ev/s acked`;
  const warmS = Number(args.warmup) * 60;
  const settled = warmS > 0 ? minute(warmS, warmS + 60) : [];
  const slopeFrom = Math.max(60, warmS);
  const slope = (k: keyof Sample) => {
    const after = samples.filter((s) => s.t > slopeFrom && Number.isFinite(s[k]));
    const n = after.length;
    if (n < 3) return NaN;
    const mt = after.reduce((a, s) => a + s.t, 0) / n;
    const mv = after.reduce((a, s) => a + s[k], 0) / n;
    const cov = after.reduce((a, s) => a + (s.t - mt) * (s[k] - mv), 0);
    const vt = after.reduce((a, s) => a + (s.t - mt) ** 2, 0);
    return (cov / vt) * 60;
  };
  const ratio = avg(last, 'rssMiB') / avg(first, 'rssMiB');
  const gcd = samples.filter((s) => Number.isFinite(s.liveHeapMiB));
  if (gcd.length) console.log(`\nlive heap after a full GC, MiB (t s: MiB, open cases): ${gcd.map((s) => `${s.t}: ${s.liveHeapMiB.toFixed(1)}, ${s.openCases}`).join('; ')}`);
  console.log(`\n${row('first minute', first)}${settled.length ? `\n${row(`minute ${warmS / 60 + 1}`, settled)}` : ''}\n${row('last minute', last)}`);
  if (settled.length) console.log(`last ÷ minute ${warmS / 60 + 1} RSS (after ${warmS / 60} min of warm-up): ${(avg(last, 'rssMiB') / avg(settled, 'rssMiB')).toFixed(2)}`);
  console.log(
    `last ÷ first minute RSS: ${ratio.toFixed(2)}; slope after ${slopeFrom === 60 ? 'the first minute' : `${slopeFrom / 60} min`}: RSS ${slope('rssMiB').toFixed(1)} MiB/min (anon ${slope('anonMiB').toFixed(1)}, file ${slope('fileMiB').toFixed(1)}, V8 heap total ${slope('heapTotalMiB').toFixed(1)}, live heap after GC ${slope('liveHeapMiB').toFixed(1)}, jemalloc ${slope('jemallocMiB').toFixed(1)} (allocated ${slope('jeAllocatedMiB').toFixed(1)}), other anon ${slope('otherMiB').toFixed(1)}, CH tracked ${slope('chTrackedMiB').toFixed(1)})\nrefused requests: ${refused}`,
  );
}

await main();
