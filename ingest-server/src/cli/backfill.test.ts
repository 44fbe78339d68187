import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { casesPerDayForEvents, simulateCases, type SimulatedCase } from '@tongban/fixtures';
import { ServerProcess } from '@tongban/fixtures/server-process';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TO = '2025-09-24T12:00:00+08:00';
const DAYS = 2;
const EVENTS = 20_000;
const SEED = 3;

function backfill(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The report scheduler's catch-up set to run at once: a backfill must still build no scheduled report.
    const env = { ...process.env, REPORTS_SCHEDULE: 'all@08:00', REPORTS_CATCHUP_DELAY_SECONDS: '0' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/backfill.ts', ...args], { cwd: serverDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pnpm backfill', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tongban-backfill-'));
  let server: ServerProcess | undefined;
  let summary: { events: number };

  beforeAll(async () => {
    const r = await backfill(['--days', String(DAYS), '--events', String(EVENTS), '--seed', String(SEED), '--to', TO, '--data-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { events: number };
    expect(r.stderr).toMatch(/events\/s/);
  });

  afterAll(async () => {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes about the number of events asked for', () => {
    expect(summary.events).toBeGreaterThan(EVENTS * 0.9);
    expect(summary.events).toBeLessThan(EVENTS * 1.1);
  });

  it('leaves data the real server reads: a case timeline, and dedup of a backfilled event', async () => {
    server = await ServerProcess.start({ DATA_DIR: dir });
    // The same run, regenerated here: the same seed and range give the same cases.
    const to = Date.parse(TO);
    const from = Date.parse('2025-09-22T00:00:00+08:00');
    const range = { seed: SEED, from, to, until: to };
    let sample: SimulatedCase | undefined;
    for (const c of simulateCases({ ...range, casesPerDay: casesPerDayForEvents(EVENTS, range) })) {
      if (c.steps.length >= 6 && c.steps.some((s) => s.type === 'completed')) {
        sample = c;
        break;
      }
    }
    expect(sample).toBeDefined();
    const caseId = sample!.info.caseId;
    const r = await server.get<{ caseId: string; itemCode: string; timeline: Array<{ eventId: string; type: string }>; applicant: { name?: string } | null }>(
      `/api/v1/cases/${caseId}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.itemCode).toBe(sample!.info.item.itemCode);
    expect(r.body.timeline.map((t) => t.eventId).sort()).toEqual(sample!.steps.map((s) => `${caseId}.${s.n}`).sort());
    if (sample!.info.applicant.type === 'person') expect(r.body.applicant?.name).not.toBe(sample!.info.applicant.name);

    const again = await server.post({
      eventId: `${caseId}.1`,
      caseId,
      type: 'submitted',
      occurredAt: new Date(sample!.steps[0]!.at).toISOString(),
      itemCode: sample!.info.item.itemCode,
      districtCode: sample!.info.districtCode,
      level: 'district',
      channel: sample!.info.channel,
    });
    // Not stored again. This copy lacks fields the backfill stored (applicant, department…), so it is a
    // conflict, not a duplicate (SPEC: the same eventId with different content counts in `conflicts`).
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 0, conflicts: 1, rejected: [] });
  });

  it('builds no scheduled report while it runs (the catch-up would store a partial report as final)', async () => {
    server ??= await ServerProcess.start({ DATA_DIR: dir });
    const r = await server.get<{ reports: unknown[] }>('/api/v1/reports');
    expect(r.status).toBe(200);
    expect(r.body.reports).toEqual([]);
  });

  it('refuses to run while another live process holds the data dir', async () => {
    const held = mkdtempSync(path.join(tmpdir(), 'tongban-backfill-held-'));
    try {
      writeFileSync(path.join(held, 'server.pid'), `${process.pid}\nserver\n`);
      const r = await backfill(['--days', '1', '--events', '1000', '--to', TO, '--data-dir', held]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/in use by process/);
    } finally {
      rmSync(held, { recursive: true, force: true });
    }
  });
});
