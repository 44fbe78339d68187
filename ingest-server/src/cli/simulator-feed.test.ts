import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLive } from '@tongban/fixtures';
import { ServerProcess } from '@tongban/fixtures/server-process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function simulate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'fixtures/src/cli/simulate.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the simulator feeding the real server', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('replays the 永川区 scenario through `pnpm simulate --scenario`, idempotently', async () => {
    const first = await simulate(['--scenario', 'yongchuan-sole-trader', '--url', server.url]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/accepted 4, duplicates 0, rejected 0/);
    const caseUrl = first.stdout.trim();
    expect(caseUrl).toBe(`${server.url}/api/v1/cases/YKB500118202508245262001`);
    const c = await server.eventually(async () => {
      const r = await server.get<{ timeline: Array<{ type: string; minutesSincePrevious: number | null }> }>('/api/v1/cases/YKB500118202508245262001');
      return r.status === 200 && r.body.timeline.length === 4 ? r.body : undefined;
    });
    expect(c.timeline.map((t) => [t.type, t.minutesSincePrevious])).toEqual([
      ['submitted', null],
      ['accepted', 13],
      ['reviewed', 0],
      ['completed', 1],
    ]);
    const again = await simulate(['--scenario', 'yongchuan-sole-trader', '--url', server.url]);
    expect(again.stderr).toMatch(/accepted 0, duplicates 4, rejected 0/);
  });

  it('posts live events that are all accepted, and the same run again is all duplicates', async () => {
    const from = Date.now() - 30 * 60_000;
    const run = () =>
      runLive({
        url: server.url,
        token: 'dev-token',
        seed: 5,
        speed: 600,
        from,
        casesPerDay: 20_000,
        minGapMs: 2000,
        tickMs: 50,
        maxEvents: 300,
        log: () => undefined,
        signal: new AbortController().signal,
      });
    const first = await run();
    expect(first).toMatchObject({ sent: 300, accepted: 300, duplicates: 0, rejected: 0 });
    const second = await run();
    expect(second).toMatchObject({ sent: 300, accepted: 0, duplicates: 300, rejected: 0 });
  });

  it('refuses a scenario date that would put events in the future', async () => {
    const r = await simulate(['--scenario', 'yongchuan-sole-trader', '--date', '2099-01-01', '--url', server.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/in the future/);
  });
});
