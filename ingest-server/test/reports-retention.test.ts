import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_METRIC_CONFIG, parsePeriod, type ReportDocument, type ReportKind } from '@tongban/shared';
import { createClickhouse, type Clickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { migrate, MIGRATIONS } from '../src/clickhouse/migrations.ts';
import { METRICS_MIGRATIONS } from '../src/metrics/metrics.migrations.ts';
import { REPORTS_MIGRATIONS } from '../src/reports/reports.migrations.ts';
import { ReportStore } from '../src/reports/report.store.ts';
import { SUPERVISION_MIGRATIONS } from '../src/supervision/supervision.migrations.ts';

/* Retention of stored reports on real chDB: the store's rows and directories. */

const dir = mkdtempSync(path.join(tmpdir(), 'tongban-retention-'));
let ch: Clickhouse;
let store: ReportStore;
const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00+08:00');

const doc = (id: string, kind: ReportKind, period: string, generatedMs: number): ReportDocument =>
  ({
    id,
    kind,
    kindName: kind,
    title: id,
    period: parsePeriod(period),
    scope: { level: 'city', key: 'city', name: '重庆市' },
    generatedAt: new Date(generatedMs).toISOString(),
    cutoff: new Date(generatedMs - 5_000).toISOString(),
    definitionVersion: '1.1.0',
    config: DEFAULT_METRIC_CONFIG,
    catalogueDigest: '0',
    source: 'raw',
    trigger: 'demand',
  }) as unknown as ReportDocument;

beforeAll(async () => {
  ch = createClickhouse({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'tongban' });
  await migrate(ch, 'tongban', [...MIGRATIONS, ...SUPERVISION_MIGRATIONS, ...METRICS_MIGRATIONS, ...REPORTS_MIGRATIONS]);
  const none = async () => {
    throw new Error('not rendered here');
  };
  store = new ReportStore(ch, 'tongban', path.join(dir, 'reports'), { xlsx: none, pdf: none, csv: none });
});
afterAll(async () => {
  await ch?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('retention of stored reports', () => {
  it('removes reports past their kind’s retention and copies superseded long enough ago, and keeps the rest', async () => {
    const docs = [
      doc('daily-old', 'daily', '2026-01-10', NOW - 120 * DAY), // older than daily:90
      doc('daily-new', 'daily', '2026-05-30', NOW - 2 * DAY),
      doc('monthly-a', 'monthly', '2026-01', NOW - 100 * DAY), // superseded by monthly-b 60 days ago
      doc('monthly-b', 'monthly', '2026-01', NOW - 60 * DAY), // superseded by monthly-c 10 days ago: kept
      doc('monthly-c', 'monthly', '2026-01', NOW - 10 * DAY),
      doc('annual-2024', 'annual', '2024', NOW - 500 * DAY), // annual: kept forever
    ];
    for (const d of docs) await store.save(d);
    const removed = await store.prune({ retentionDays: { daily: 90 }, supersededDays: 30 }, NOW);
    expect(removed.sort()).toEqual(['daily-old', 'monthly-a']);
    const left = (await store.list({ limit: 100 })).map((r) => r.id).sort();
    expect(left).toEqual(['annual-2024', 'daily-new', 'monthly-b', 'monthly-c']);
    expect(existsSync(path.join(dir, 'reports', 'daily-old'))).toBe(false);
    expect(existsSync(path.join(dir, 'reports', 'monthly-b', 'report.json'))).toBe(true);
    expect(await store.prune({ retentionDays: { daily: 90 }, supersededDays: 30 }, NOW)).toEqual([]);
  });

  it('numbers documents in one sequence per year', async () => {
    expect([await store.nextDocNumber(2026), await store.nextDocNumber(2026), await store.nextDocNumber(2027)]).toEqual([1, 2, 1]);
  });
});
