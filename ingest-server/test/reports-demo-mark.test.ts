import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiMonth } from '@tongban/shared';
import { ServerProcess } from '@tongban/fixtures/server-process';
import { caseEvents } from './events.fixture.ts';

/**
 * The 演示数据 mark is recorded with the data (system_flags), not only read from SIMULATE of the run: a data dir
 * once served with SIMULATE=1 (or backfilled) gives reports marked 演示数据 when later served without it.
 */
describe('演示数据 on reports, whichever command serves the data', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start({ REPORTS_SCHEDULE: 'off' });
  });
  afterAll(async () => {
    await server?.dispose();
  });
  const month = shanghaiMonth(Date.now());
  const report = async () => (await server.get<{ simulated: boolean }>(`/api/v1/reports/monthly?period=${month}&format=json&fresh=1`)).body;

  it('is off for real data, and on once the data dir has held simulated data, SIMULATE unset', async () => {
    expect((await server.post(caseEvents('DEMO-1', '500118').slice(0, 2))).status).toBe(200);
    expect((await report()).simulated).toBe(false);
    await server.stop();
    await server.restart({ SIMULATE: '1' });
    await server.stop();
    // Served again as by `pnpm serve`: no SIMULATE, the flag is in the data.
    await server.restart({ SIMULATE: '0' });
    const r = await server.eventually(async () => {
      const body = await report();
      return body.simulated ? body : undefined;
    }, 20_000);
    expect(r.simulated).toBe(true);
  }, 120_000);
});
