/**
 * pnpm bench:supervision (second part) — calibration of the predicted lateness (at_risk) on simulated history.
 *
 * The seeded simulator makes `--days` of cases; every case is derived as the server derives it and written to
 * an embedded ClickHouse with its events. The model is read as the server reads it (dwell-history.query.ts)
 * as of a split date: the completions of the `--window` days before it. Then for every case accepted after the
 * split that completed (the truth is known) and that was still open N working days before its promised
 * deadline (N = 1, 3, 5), the model's probability on that day (stage, days used then) is compared with how the
 * case ended: of those flagged (probability above the threshold), the share that did end late, against the
 * base rate of lateness among all cases judged that day.
 *
 *   node --import tsx bench/lateness-calibration.bench.ts [--per-day 400] [--days 150] [--window 90] [--thresholds 0.5,0.3,0.2]
 * (the first threshold is the server's default, AT_RISK_THRESHOLD; the others show what a lower one would flag)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { catalogue } from '@tongban/reference/catalogue';
import { addCalendarDays, defaultWorkingCalendar as cal, shanghaiDate, type CaseEvent, type ServiceItemRecord } from '@tongban/shared';
import { caseEvents, simulateCases } from '@tongban/fixtures';
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { migrate, MIGRATIONS } from '../src/clickhouse/migrations.ts';
import { toEventRow } from '../src/events/event-row.ts';
import { CaseStateStore } from '../src/supervision/case-state.store.ts';
import { deriveCaseState, sortEvents, type CaseState } from '../src/supervision/case-state.ts';
import { LatenessModel, DEFAULT_LATENESS } from '../src/supervision/lateness.ts';
import { isDataQuality } from '../src/supervision/overdue-rule.ts';
import { SUPERVISION_MIGRATIONS } from '../src/supervision/supervision.migrations.ts';

const { values: args } = parseArgs({
  options: { 'per-day': { type: 'string', default: '400' }, days: { type: 'string', default: '150' }, window: { type: 'string', default: '90' }, thresholds: { type: 'string', default: `${DEFAULT_LATENESS.threshold},0.3,0.2` } },
});
const PER_DAY = Number(args['per-day']);
const DAYS = Number(args.days);
const WINDOW = Number(args.window);
const THRESHOLDS = args.thresholds!.split(',').map(Number);
const FROM = '2025-03-03';
const TO = addCalendarDays(FROM, DAYS);
const SPLIT = addCalendarDays(FROM, WINDOW + 10);
const END = Date.parse(`${addCalendarDays(TO, 60)}T00:00:00+08:00`);
const items = new Map<string, ServiceItemRecord>((catalogue as unknown as ServiceItemRecord[]).map((i) => [i.itemCode, i]));
const LIFECYCLE = new Set(['accepted', 'supplement_requested', 'supplement_received', 'suspended', 'resumed', 'reviewed', 'extended', 'approved']);

const t0 = performance.now();
const dir = mkdtempSync(path.join(tmpdir(), 'tongban-bench-late-'));
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir: dir, clickhouseDatabase: 'tongban' });
try {
  await migrate(ch, 'tongban', [...MIGRATIONS, ...SUPERVISION_MIGRATIONS]);
  const store = new CaseStateStore(ch, 'tongban');
  // Cases arrive until TO; their steps run on (until END), so nearly every case has an outcome.
  const cases: Array<{ s: CaseState; events: CaseEvent[] }> = [];
  let rows: ReturnType<typeof toEventRow>[] = [];
  let batch: CaseState[] = [];
  const flush = async () => {
    if (rows.length) await ch.insert({ table: 'tongban.events', format: 'JSONEachRow', values: rows });
    await store.write(batch, END);
    rows = [];
    batch = [];
  };
  for (const c of simulateCases({ seed: 'lateness-calibration', from: `${FROM}T00:00:00+08:00`, to: `${TO}T00:00:00+08:00`, until: END, casesPerDay: PER_DAY })) {
    const events = caseEvents(c);
    if (!events.length) continue;
    const s = deriveCaseState(events, { calendar: cal, item: (code) => items.get(code), now: END });
    cases.push({ s, events: sortEvents(events) });
    batch.push(s);
    for (const e of events) rows.push(toEventRow(e, 'bench', Date.parse(e.occurredAt), []));
    if (rows.length >= 50_000) await flush();
  }
  await flush();
  const tLoad = performance.now() - t0;

  // The model as the server would hold it on the split date.
  const model = new LatenessModel(ch, 'tongban', { ...DEFAULT_LATENESS, windowDays: WINDOW });
  const tq = performance.now();
  await model.refresh(cal, Date.parse(`${SPLIT}T00:00:00+08:00`));
  const tModel = performance.now() - tq;

  console.log(`bench:supervision — lateness calibration: ${cases.length.toLocaleString('en-US')} simulated cases (${PER_DAY}/day × ${DAYS} days from ${FROM}), model of the ${WINDOW} days before ${SPLIT} (${model.size} item × stage models, read in ${tModel.toFixed(0)} ms; data built in ${(tLoad / 1000).toFixed(1)} s)`);
  console.log('threshold | N days before deadline | judged | no model | flagged | late among flagged | base rate (all judged) | late among not flagged');
  for (const THRESHOLD of THRESHOLDS) for (const N of [1, 3, 5]) {
    let judged = 0;
    let noModel = 0;
    let flagged = 0;
    let flaggedLate = 0;
    let late = 0;
    let unflaggedLate = 0;
    for (const { s, events } of cases) {
      if (s.status !== 'completed' || s.completedOnTime === null || isDataQuality(s.flags) || !s.acceptedAt || !s.promised?.deadline) continue;
      const acceptedOn = shanghaiDate(s.acceptedAt);
      if (acceptedOn < SPLIT) continue;
      const day = cal.addWorkingDays(s.promised.deadline, -N).date;
      // Open at the start of that day: accepted before it, completed on it or later.
      if (acceptedOn >= day || shanghaiDate(s.completedAt!) < day) continue;
      const before = events.filter((e) => LIFECYCLE.has(e.type) && shanghaiDate(e.occurredAt) < day);
      const stage = before.at(-1);
      if (!stage) continue;
      const pauses = s.pauses.filter((p) => p.from < day).map((p) => (p.to !== undefined && p.to < day ? p : { from: p.from, kind: p.kind }));
      const entered = shanghaiDate(stage.occurredAt) <= acceptedOn ? 0 : cal.workingDaysUsed({ acceptedOn, asOf: shanghaiDate(stage.occurredAt), pauses }).days;
      const used = cal.workingDaysUsed({ acceptedOn, asOf: day, pauses }).days;
      const p = model.probability(s.itemCode, stage.type, { entered, used, limit: s.promisedLimitDays });
      if (p === null) {
        noModel++;
        continue;
      }
      judged++;
      const wasLate = s.completedOnTime === false;
      if (wasLate) late++;
      if (p > THRESHOLD) {
        flagged++;
        if (wasLate) flaggedLate++;
      } else if (wasLate) unflaggedLate++;
    }
    const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '无数据');
    console.log(
      `${String(THRESHOLD).padStart(9)} | ${String(N).padStart(22)} | ${String(judged).padStart(6)} | ${String(noModel).padStart(8)} | ${String(flagged).padStart(7)} | ${pct(flaggedLate, flagged).padStart(18)} | ${pct(late, judged).padStart(22)} | ${pct(unflaggedLate, judged - flagged).padStart(21)}`,
    );
  }
  console.log('(flagged: the model alone; on the server a case already yellow or red is not listed at_risk, its warning says more)');
} finally {
  await ch.close();
  rmSync(dir, { recursive: true, force: true });
}
