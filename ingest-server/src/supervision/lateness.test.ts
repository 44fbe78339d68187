import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultWorkingCalendar, type WorkingCalendar } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { dayNumber } from './day-number.ts';
import { DEFAULT_LATENESS, LatenessModel, LatenessRefresher, STORED_MODEL_MAX_AGE_MS } from './lateness.ts';
import { OpenCaseIndex, type OpenCase } from './open-case-index.ts';

/*
 * The lateness model's refresher: start-up does not wait for the model's read (seconds over the window's
 * completions), the model of the last run stands in until the read is done, and a stored model that is torn,
 * too old or of another window is never used. The read itself (dwellDistributions on real ClickHouse) is
 * tested in clock-rules-prediction.test.ts; here it is a gate the test opens, with a fixed distribution.
 */

const NOW = Date.parse('2025-09-15T12:00:00+08:00');
// Item GTGSH-BG at 'accepted': 20 completed cases took 4 (5), 8 (5) and 12 (10) working days: the open case
// below (promise 10, accepted Mon 09-08) is at_risk from 09-15 (open-case-index.test.ts has the arithmetic).
const DISTRIBUTIONS: Array<[string, number[], number]> = [['GTGSH-BG|accepted', [0, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 10], 20]];
const openCase: OpenCase = {
  caseId: 'C1', itemCode: 'GTGSH-BG', districtCode: '500118', townshipCode: '500118001', villageCode: '500118001001', departmentCode: 'SCJG',
  status: 'in_progress', stage: 'accepted', level: 'district', holder: 'yc-017',
  submittedMs: Date.parse('2025-09-08T09:00:00+08:00'), acceptedMs: Date.parse('2025-09-08T10:00:00+08:00'), stageSinceDay: dayNumber('2025-09-08'),
  promisedLimitDays: 10, promisedDeadlineDay: dayNumber('2025-09-22'), statutoryDeadlineDay: dayNumber('2025-10-13'), yellowFromDay: dayNumber('2025-09-18'),
  pauses: [], stageDueDay: null, flags: [],
};

/** A model whose read waits for `open()`, then finds DISTRIBUTIONS (or fails). */
class GatedModel extends LatenessModel {
  reads = 0;
  open!: () => void;
  private gate = new Promise<void>((resolve) => (this.open = resolve));
  constructor(
    private readonly fail = false,
    windowDays = DEFAULT_LATENESS.windowDays,
  ) {
    super(undefined as unknown as Clickhouse, 'unused', { ...DEFAULT_LATENESS, windowDays });
  }
  override async refresh(_cal: WorkingCalendar, _now: number): Promise<void> {
    this.reads++;
    await this.gate;
    if (this.fail) throw new Error('ClickHouse down');
    this.adopt(DISTRIBUTIONS);
  }
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(o: { fail?: boolean; now?: number; file?: string; windowDays?: number } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tongban-lateness-'));
  dirs.push(dir);
  const index = new OpenCaseIndex(() => defaultWorkingCalendar);
  index.upsert(openCase, NOW);
  const model = new GatedModel(o.fail, o.windowDays);
  const file = o.file ?? path.join(dir, 'lateness-model.bin');
  const refresher = new LatenessRefresher({ model, index, calendar: () => defaultWorkingCalendar, now: () => o.now ?? NOW, logger: pino({ level: 'silent' }), file });
  return { index, model, refresher, file };
}
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('LatenessRefresher', () => {
  it('starts without waiting for the read: at_risk is null (无数据) until it is done, then the model is stored', async () => {
    const { index, model, refresher, file } = setup();
    expect(await refresher.start()).toEqual({ stored: false });
    await settle();
    expect(model.reads).toBe(1);
    expect(index.counts(NOW).atRisk).toBeNull();
    model.open();
    await refresher.idle();
    await refresher.stop();
    expect(index.counts(NOW).atRisk).toBe(1);
    expect(readFileSync(file).subarray(0, 8).toString()).toBe('TBLATE01');

    // The next run: the stored model judges the open cases while its own read is still waiting.
    const next = setup({ file });
    expect(await next.refresher.start()).toEqual({ stored: true });
    await settle();
    expect(next.model.reads).toBe(1);
    expect(next.index.counts(NOW).atRisk).toBe(1);
    expect(next.index.summary('C1', NOW)?.atRisk).toEqual({ probability: 10 / 15, since: '2025-09-15' });
    next.model.open();
    await next.refresher.idle();
    await next.refresher.stop();
  });

  it('does not use a stored model that is torn, older than a day, or of another window; a failed read keeps what it had', async () => {
    const first = setup();
    await first.refresher.start();
    first.model.open();
    await first.refresher.idle();
    await first.refresher.stop();
    const good = readFileSync(first.file);

    // Older than a day.
    const late = setup({ file: first.file, now: NOW + STORED_MODEL_MAX_AGE_MS + 60_000 });
    expect(await late.refresher.start()).toEqual({ stored: false });
    late.model.open();
    await late.refresher.idle();
    await late.refresher.stop();

    // Torn (the last byte lost) or corrupt (one byte changed).
    for (const bytes of [good.subarray(0, good.length - 1), Buffer.concat([good.subarray(0, 30), Buffer.from([good[30]! ^ 1]), good.subarray(31)])]) {
      writeFileSync(first.file, bytes);
      const torn = setup({ file: first.file, fail: true });
      expect(await torn.refresher.start()).toEqual({ stored: false });
      torn.model.open();
      await torn.refresher.idle();
      await torn.refresher.stop();
      // Its read failed too: still nothing known, never 0.
      expect(torn.index.counts(NOW).atRisk).toBeNull();
    }

    // Another window.
    writeFileSync(first.file, good);
    const other = setup({ file: first.file, windowDays: 30 });
    expect(await other.refresher.start()).toEqual({ stored: false });
    other.model.open();
    await other.refresher.idle();
    await other.refresher.stop();

    // A stored model in use, then a failed read: the stored one stays.
    writeFileSync(first.file, good);
    const kept = setup({ file: first.file, fail: true });
    expect(await kept.refresher.start()).toEqual({ stored: true });
    kept.model.open();
    await kept.refresher.idle();
    await kept.refresher.stop();
    expect(kept.index.counts(NOW).atRisk).toBe(1);
  });
});
