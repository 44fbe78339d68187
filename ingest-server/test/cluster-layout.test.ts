import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateEvents } from '@tongban/fixtures';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { addCalendarDays, shanghaiDate, type CaseEvent } from '@tongban/shared';
import { everyMigration } from '../src/clickhouse/every-migration.ts';
import { renderBootstrap, renderMigrations } from '../src/clickhouse/migrations.ts';
import { ClickhouseServe, serverDir } from './clickhouse-serve.fixture.ts';
import { ndjson } from './events.fixture.ts';
import { HAND_CASES, HAND_ITEMS, HAND_RECTIFICATION } from './hand-built-cases.fixture.ts';

/*
 * Every query of the server on the cluster layout: one server with CLICKHOUSE_CLUSTER=tongban on the tables the
 * cluster migrations create (Distributed tables under the usual names over `_local` tables sharded by case,
 * dimension tables, views from local to local) and the cluster settings on every call, beside one on the
 * single-node layout; the same events posted to both; every answer the same.
 *
 * What the embedded engine cannot do is left out, and only that: it has no Keeper, no replication threads and
 * no ON CLUSTER queue, so the cluster DDL runs here without ` ON CLUSTER tongban` and with each Replicated
 * engine as its plain counterpart (the Keeper path and replica dropped, the replicated deduplication window as
 * the non-replicated one). The cluster is this one server (test/one-server-cluster.xml): one shard.
 */

const DB = 'tongban';

/** The cluster DDL minus replication and distributed DDL (see above); everything else as rendered. */
export function withoutReplication(sql: string): string {
  return sql
    .replaceAll(' ON CLUSTER tongban', '')
    .replace(/Replicated(\w*MergeTree)\('[^']*', '\{replica\}'(?:, )?/g, '$1(')
    .replace(/(\w*MergeTree)\(\)/g, '$1')
    .replace(/replicated_deduplication_window = (\d+), replicated_deduplication_window_seconds = \d+/, 'non_replicated_deduplication_window = $1');
}

let single: { ch: ClickhouseServe; server: ServerProcess };
let cluster: { ch: ClickhouseServe; server: ServerProcess };
/** Everything started, stopped by afterAll in reverse order whatever failed in between. */
const started: Array<{ dispose(): Promise<void> }> = [];
const keep = <T extends { dispose(): Promise<void> }>(part: T): T => (started.push(part), part);
let events: CaseEvent[];
/** Events stored on each side: the simulated ones and the hand-built cases. */
const stored = () => events.length + HAND_CASES.length;

const post = async (server: ServerProcess, batch: CaseEvent[]) => {
  let res = await server.post(ndjson(batch));
  for (let tries = 0; res.status === 503 && tries < 30; tries++) {
    await new Promise((r) => setTimeout(r, 1000));
    res = await server.post(ndjson(batch));
  }
  expect(res.status).toBe(200);
  return (await res.json()) as { accepted: number; duplicates: number };
};
const get = async (server: ServerProcess, p: string) => {
  const r = await server.get<Record<string, unknown>>(p);
  expect(r.status, `${p}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
  return r.body;
};
/** An answer without the instants of its computation (which differ between two servers by construction). */
const VOLATILE = new Set(['serverTime', 'issuedAt', 'checkedAt', 'periodChangedAt', 'cutoff', 'generatedAt', 'builtAt', 'buildCutoff', 'asOf', 'now', 'computedAt', 'lastBuildAt', 'receivedAt', 'maxReceived']);
/** …and, by the key holding them, the instant a scanner announced a red, a report's id (its generation instant), an order's random id. */
const VOLATILE_IN: Record<string, string> = { redList: 'at', '': 'id', reports: 'id', orders: 'orderId' };
const stable = (v: unknown, parent = ''): unknown =>
  Array.isArray(v)
    ? v.map((x) => stable(x, parent))
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k) && VOLATILE_IN[parent] !== k).map(([k, x]) => [k, stable(x, k)]))
      : v;

/** The cluster layout, created as the cluster migrations render it (minus replication), and recorded as migrated. */
async function createClusterLayout(ch: ClickhouseServe, db: string): Promise<void> {
  const migrations = await everyMigration();
  const layout = { kind: 'cluster', cluster: 'tongban' } as const;
  for (const sql of [...renderBootstrap(db, layout), ...renderMigrations(db, migrations, layout).flatMap((r) => r.statements)]) await ch.client.command({ query: withoutReplication(sql) });
  await ch.client.insert({ table: `${db}.schema_migrations`, format: 'JSONEachRow', values: migrations.map((m) => ({ version: m.version, name: m.name, applied_at: Date.now() })) });
}

/** Where two answers first differ: the path and both values. */
function difference(a: unknown, b: unknown, at = ''): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: single ${JSON.stringify(a)?.slice(0, 200)}, cluster ${JSON.stringify(b)?.slice(0, 200)}`;
}

beforeAll(async () => {
  const chSingle = keep(await ClickhouseServe.start());
  const chCluster = keep(await ClickhouseServe.start({ configFile: path.join(serverDir, 'test/one-server-cluster.xml') }));
  await createClusterLayout(chCluster, DB);
  single = { ch: chSingle, server: keep(await ServerProcess.start({ CLICKHOUSE_URL: chSingle.url })) };
  cluster = { ch: chCluster, server: keep(await ServerProcess.start({ CLICKHOUSE_URL: chCluster.url, CLICKHOUSE_CLUSTER: 'tongban' })) };
  events = [...simulateEvents({ seed: 'cluster-layout', from: '2025-09-22T00:00:00+08:00', to: '2025-10-13T00:00:00+08:00', until: '2025-10-31T00:00:00+08:00', casesPerDay: 40 })];
  const open = events.find((e) => e.type === 'submitted' && !events.some((x) => x.caseId === e.caseId && x.type === 'completed'))!.caseId;
  for (const side of [single, cluster]) {
    // Writes of every kind: the catalogue (a dimension table), events (Distributed), a follow-up, an order.
    const json = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
    for (const item of HAND_ITEMS) expect((await fetch(`${side.server.url}/api/v1/items/${item.itemCode}`, { method: 'PUT', headers: json('dev-admin'), body: JSON.stringify(item) })).status).toBe(200);
    expect(((await (await side.server.post(HAND_CASES)).json()) as { accepted: number }).accepted).toBe(HAND_CASES.length);
    const fix = await fetch(`${side.server.url}/api/v1/cases/${HAND_RECTIFICATION.caseId}/rating-followups`, { method: 'POST', headers: json('dev-token'), body: JSON.stringify(HAND_RECTIFICATION.body) });
    expect(fix.status).toBe(201);
  }
  for (let i = 0; i < events.length; i += 2_000) {
    const batch = events.slice(i, i + 2_000);
    const [x, y] = await Promise.all([post(single.server, batch), post(cluster.server, batch)]);
    expect(x).toEqual(y);
  }
  for (const side of [single, cluster]) {
    const dueOn = addCalendarDays(shanghaiDate(Date.now()), 5);
    const order = await side.server.eventually(async () => {
      const r = await fetch(`${side.server.url}/api/v1/cases/${open}/supervision`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer dev-admin' }, body: JSON.stringify({ reason: '超期未办结', dueOn }) });
      return r.status === 201 ? r : undefined;
    }, 60_000);
    expect(order.status).toBe(201);
  }
}, 180_000);

afterAll(async () => {
  for (const part of started.reverse()) await part.dispose();
});

describe('the cluster layout on one server', () => {
  it('is the layout the cluster migrations describe: Distributed tables over sharded local tables, dimensions local', async () => {
    const engines = Object.fromEntries(
      (await cluster.ch.rows<{ name: string; engine: string }>(`SELECT name, engine FROM system.tables WHERE database = {db:String}`, { db: DB })).map((r) => [r.name, r.engine]),
    );
    expect(engines).toMatchObject({ events: 'Distributed', events_local: 'MergeTree', case_state: 'Distributed', case_state_local: 'ReplacingMergeTree', items: 'ReplacingMergeTree', metric_daily: 'MergeTree' });
    expect(engines.items_local).toBeUndefined();
    // The events reach the local tables (flushed within a second of their acceptance), once each, and the views fill the local copies.
    const counts = await cluster.server.eventually(async () => {
      const [n] = await cluster.ch.rows<{ events: string; case_events: string; ids: string }>(
        `SELECT (SELECT count() FROM tongban.events_local) AS events, (SELECT count() FROM tongban.case_events_local) AS case_events, (SELECT count() FROM tongban.event_ids_local) AS ids`,
      );
      return Number(n!.events) === stored() ? n : undefined;
    }, 30_000);
    expect(Number(counts.case_events)).toBe(stored());
    expect(Number(counts.ids)).toBe(stored());
  });

  it('stores a resent batch once, through the Distributed table, and tells duplicates as the single layout does', async () => {
    const again = events.slice(0, 500);
    const [x, y] = await Promise.all([post(single.server, again), post(cluster.server, again)]);
    expect(y).toEqual({ ...x, accepted: 0, duplicates: 500 });
    const [n] = await cluster.ch.rows<{ n: string }>(`SELECT count() AS n FROM tongban.events`);
    expect(Number(n!.n)).toBe(stored());
  });

  it('answers every read the same on both layouts once the cases are derived', async () => {
    const caseId = events.find((e) => e.type === 'completed')!.caseId;
    const district = events[0]!.districtCode;
    // Case projection and rollups run on their own: wait until both servers have derived every case.
    const cases = new Set([...events, ...HAND_CASES].map((e) => e.caseId)).size;
    for (const side of [single, cluster]) {
      await side.server.eventually(async () => {
        const [r] = await side.ch.rows<{ n: string }>(`SELECT uniqExact(case_id) AS n FROM tongban.case_state`);
        return Number(r!.n) === cases ? true : undefined;
      }, 120_000);
    }
    const paths = [
      `/api/v1/cases?limit=50`,
      `/api/v1/cases?limit=50&districtCode=${district}&warning=any`,
      `/api/v1/cases/${caseId}`,
      `/api/v1/cases/${caseId}/trace`,
      `/api/v1/cases/${caseId}/applicant`,
      `/api/v1/metrics/wudu?period=2025-10&source=rollup`,
      `/api/v1/metrics/wudu?period=2025-10&source=raw`,
      `/api/v1/metrics/wudu?period=2025-W40&districtCode=${district}&source=rollup`,
      `/api/v1/metrics/ranking?period=2025-10&scope=district&source=rollup`,
      `/api/v1/metrics/ranking?period=2025-10&scope=department&source=raw`,
      `/api/v1/bottlenecks?from=2025-09-22&to=2025-10-31`,
      `/api/v1/supervise/areas`,
      `/api/v1/supervise/inbox`,
      `/api/v1/supervise/orders`,
      `/api/v1/rejected-events`,
      `/api/v1/items`,
      `/api/v1/overview`,
      `/api/v1/reports/monthly?period=2025-10`,
      `/api/v1/reports/weekly?period=2025-W40&districtCode=${district}`,
      `/api/v1/reports`,
      `/api/v1/cases/${HAND_RECTIFICATION.caseId}`,
      `/api/v1/wall/hourly-trend`,
      `/api/v1/wall/today-rates`,
      `/api/v1/wall/item-names`,
      `/api/v1/wall/place-names`,
      `/api/v1/items/${HAND_ITEMS[0]!.itemCode}`,
      `/api/v1/metrics/config`,
    ];
    // A case's state may be derived again after its first derivation (later events, an order): the rollups
    // are refreshed and everything compared until both servers have settled (as the metrics-rollup test does).
    // The reports come after: a report whose period changes after it is built anew with the next 文号, so one
    // built on a server still deriving would leave that server a number ahead for good.
    const compare = async (list: string[]) => {
      for (const side of [single, cluster]) {
        const refresh = await fetch(`${side.server.url}/api/v1/metrics/rollups/refresh`, { method: 'POST', headers: { authorization: 'Bearer dev-admin' } });
        expect(refresh.status).toBe(200);
      }
      const found: string[] = [];
      for (const p of list) {
        const [a, b] = await Promise.all([get(single.server, p), get(cluster.server, p)]);
        const d = difference(stable(a), stable(b));
        if (d) found.push(`${p} ${d}`);
      }
      return found;
    };
    const settled = async (list: string[]) => {
      let diffs = await compare(list);
      for (const until = Date.now() + 120_000; diffs.length && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 2_000));
        diffs = await compare(list);
      }
      return diffs;
    };
    const isReport = (p: string) => p.startsWith('/api/v1/reports');
    expect(await settled(paths.filter((p) => !isReport(p)))).toEqual([]);
    expect(await settled(paths.filter(isReport))).toEqual([]);
    // Reads whose answers hold instants of each server's own (build times, audit entries): they run.
    for (const p of ['/api/v1/metrics/rollups', '/api/v1/audit', '/api/v1/users', `/api/v1/cases/export?districtCode=${district}&format=csv`]) {
      const r = await fetch(`${cluster.server.url}${p}`, { headers: { authorization: 'Bearer dev-admin' } });
      expect(r.status, p).toBe(200);
      expect((await r.text()).length, p).toBeGreaterThan(20);
    }
    // …and the answers hold the data: the month's submissions, the cases, an open order.
    const w = (await get(cluster.server, '/api/v1/metrics/wudu?period=2025-10&source=rollup')) as { headline: { counts: { submitted: number } } };
    expect(w.headline.counts.submitted).toBe(events.filter((e) => e.type === 'submitted' && shanghaiDate(e.occurredAt).startsWith('2025-10')).length + HAND_CASES.filter((e) => e.type === 'submitted' && shanghaiDate(e.occurredAt).startsWith('2025-10')).length);
    expect(((await get(cluster.server, '/api/v1/supervise/orders')) as { orders: unknown[] }).orders).toHaveLength(1);
  }, 360_000);

  it('takes a backfill in bulk through the Distributed table and derives its cases and rollups there', async () => {
    await createClusterLayout(cluster.ch, 'bulk');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tongban-backfill-'));
    try {
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/backfill.ts', '--days', '2', '--events', '5000', '--seed', '5', '--to', '2025-09-24T12:00:00+08:00', '--data-dir', dataDir], {
          cwd: serverDir,
          env: { ...process.env, CLICKHOUSE_URL: cluster.ch.url, CLICKHOUSE_CLUSTER: 'tongban', CLICKHOUSE_DATABASE: 'bulk' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(r.code, r.stderr).toBe(0);
      const written = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { events: number }).events;
      expect(written).toBeGreaterThan(4_000);
      const [n] = await cluster.ch.rows<{ events: string; cases: string; state: string; days: string }>(
        `SELECT (SELECT count() FROM bulk.events_local) AS events, (SELECT uniqExact(case_id) FROM bulk.case_events_local) AS cases,
                (SELECT uniqExact(case_id) FROM bulk.case_state_local) AS state, (SELECT count() FROM bulk.metric_rollup_days) AS days`,
      );
      expect(Number(n!.events)).toBe(written);
      expect(Number(n!.state)).toBe(Number(n!.cases));
      expect(Number(n!.days)).toBeGreaterThan(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('logged no failed query on the cluster layout (background work included: projector, scanner, rollups)', () => {
    const errors = cluster.server.output.split('\n').filter((l) => /"level":(50|60)/.test(l) || /ClickHouseError|DB::Exception/.test(l));
    expect(errors).toEqual([]);
  });
});
