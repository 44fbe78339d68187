import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * The bulk derivation's fast path (issue 16: the columns derivation reads, as TabSeparated; case states written
 * as TabSeparated) derives and writes exactly what the old path did (`SELECT *` as JSONEachRow, JSONEachRow
 * writes), on a seeded simulated history. bench/derivation.bench.ts does the comparison in its own process
 * (embedded ClickHouse binds one data dir per process) and prints the differences it finds.
 */
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'tongban-bulk-derivation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function node(args: string[], flags: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', ...args], { cwd: serverDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the bulk case derivation', () => {
  it('derives and writes the same case states as the JSON path, page boundaries included', async () => {
    const backfill = await node(['src/cli/backfill.ts', '--days', '20', '--events', '12000', '--seed', '7', '--to', '2026-06-30T12:00:00+08:00', '--data-dir', dir]);
    expect(backfill.code, backfill.stderr).toBe(0);
    // Small pages: many cases cut by a page's LIMIT and carried to the next.
    const r = await node(['bench/derivation.bench.ts', dir, '--page', '997']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { events: number; cases: number; mismatches: number };
    expect(out.mismatches).toBe(0);
    expect(out.events).toBeGreaterThan(10_000);
    expect(out.cases).toBeGreaterThan(1_000);
  }, 300_000);

  it('drops each page once read, though a few of its strings are kept (as the open-case index keeps codes and holders)', async () => {
    // Pages of about a megabyte and more: the size at which a page decoded as one string would be held outside the
    // V8 heap, whole, by any field sliced from it (a 100M backfill grew to 22.7 GB that way).
    const r = await node(['test/derivation-page-retention.ts', dir, '--page', '8000'], ['--expose-gc']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { pages: number; rowBytes: number; retainedOutsideHeap: number };
    expect(out.pages).toBeGreaterThanOrEqual(2);
    expect(out.rowBytes).toBeGreaterThan(1_500_000);
    expect(out.retainedOutsideHeap).toBeLessThan(out.rowBytes / 20);
  }, 120_000);

  it('leaves in case_state one row per case of the event log', async () => {
    const query = path.join(serverDir, 'test/chdb-query.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', query, dir, 'SELECT (SELECT uniqExact(case_id) FROM tongban.case_events) AS cases, (SELECT count() FROM tongban.case_state FINAL) AS states'], { cwd: serverDir });
    const [row] = JSON.parse(stdout) as Array<{ cases: number; states: number }>;
    expect(row!.states).toBe(row!.cases);
    expect(row!.cases).toBeGreaterThan(1_000);
  }, 120_000);

  it('opens in the pass the clock of every bad rating in the log (its states keep their rated events)', async () => {
    // The backfill's app started on an empty dir, so the one-off catch-up of rating clocks found nothing and set its
    // mark: every clock here was opened by the bulk pass, from the rated events its states kept.
    const query = path.join(serverDir, 'test/chdb-query.ts');
    const sql = `SELECT (SELECT uniqExact(event_id) FROM tongban.case_events WHERE type = 'rated' AND rating <= 2) AS bad,
                        (SELECT uniqExact(event_id) FROM tongban.rating_clocks) AS clocks`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', query, dir, sql], { cwd: serverDir });
    const [row] = JSON.parse(stdout) as Array<{ bad: number; clocks: number }>;
    expect(row!.bad).toBeGreaterThan(0);
    expect(row!.clocks).toBe(row!.bad);
  }, 120_000);
});
