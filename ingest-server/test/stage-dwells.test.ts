import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { simulateEvents } from '@tongban/fixtures';
import type { CaseEvent } from '@tongban/shared';
import { QUERY_SETTINGS } from '../src/clickhouse/clickhouse-client.ts';
import { everyMigration } from '../src/clickhouse/every-migration.ts';
import { migrate } from '../src/clickhouse/migrations.ts';
import { toEventRow } from '../src/events/event-row.ts';
import { BOTTLENECK_DIMENSIONS, bottlenecks, bottlenecksFromLog, type BottleneckDimension, type BottleneckRow } from '../src/supervision/bottlenecks.query.ts';
import { EventStore } from '../src/events/event.store.ts';
import { MARGIN_MS, OWN_INSERTS_MARGIN_MS, projectedTail, StageDwells, stageDwellsMark, tailCheck } from '../src/supervision/stage-dwells.ts';
import { VISIT_COLUMNS } from '../src/supervision/stage-visit-columns.ts';
import { ProjectedVisits } from '../src/supervision/projected-visits.ts';
import { ClickhouseServe } from './clickhouse-serve.fixture.ts';

/*
 * GET /api/v1/bottlenecks from the stage-dwell rollup against the raw-log query it replaces (the reference),
 * on a seeded simulated city in a real engine: every grouping, whole and partial months, one day, a district;
 * then late events (one between two stored events of a case, a new case) before and after the rollup's refresh.
 */

const DB = 'dwell';
let ch: ClickhouseServe;
let events: CaseEvent[];
let dwells: StageDwells;

const insert = async (list: CaseEvent[]) => {
  for (let i = 0; i < list.length; i += 20_000) {
    await ch.client.insert({ table: `${DB}.events`, values: list.slice(i, i + 20_000).map((e) => toEventRow(e, 'test', Date.parse(e.occurredAt), [])), format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS });
  }
};

const RANGES: Array<[string, string]> = [
  ['2025-10-01', '2025-10-31'],
  ['2025-09-22', '2025-11-05'],
  ['2025-10-09', '2025-10-09'],
  ['2025-10-06', '2025-10-19'],
];
const GROUPINGS: BottleneckDimension[][] = [['stage'], ['stage', 'department'], ['item'], ['department'], ['district'], ['district', 'stage'], [...BOTTLENECK_DIMENSIONS]];

/**
 * A case the simulator never makes: accepted in 500101, sent back for a supplement, accepted again after a
 * transfer to 500118 by another department, so it visits 受理 twice, in two districts and two departments.
 * A distinct-case count that ignored the district filter, or the department, would count it wrongly.
 */
function transferredCase(template: CaseEvent): CaseEvent[] {
  const steps: Array<[CaseEvent['type'], string, string, string]> = [
    ['submitted', '2025-10-08T09:00:00+08:00', '500101', 'DEPT-X'],
    ['accepted', '2025-10-08T10:00:00+08:00', '500101', 'DEPT-X'],
    ['supplement_requested', '2025-10-09T09:00:00+08:00', '500101', 'DEPT-X'],
    ['supplement_received', '2025-10-10T09:00:00+08:00', '500101', 'DEPT-X'],
    ['accepted', '2025-10-10T10:00:00+08:00', '500118', 'DEPT-Y'],
    ['reviewed', '2025-10-11T09:00:00+08:00', '500118', 'DEPT-Y'],
    ['accepted', '2025-10-12T09:00:00+08:00', '500118', 'DEPT-Y'],
    ['completed', '2025-10-13T09:00:00+08:00', '500118', 'DEPT-Y'],
  ];
  const { note: _n, channel: _c, applicant: _a, ...base } = template;
  return steps.map(([type, occurredAt, districtCode, departmentCode], i) => ({ ...base, caseId: 'CQ-TRANSFERRED', eventId: `CQ-TRANSFERRED.${i}`, type, occurredAt, districtCode, departmentCode }));
}

/**
 * A case longer than the rollup's frame of previous visits (stage-dwells.ts FRAME_VISITS): a visit of
 * department LONG-A, 70 visits of LONG-B, then LONG-A again, all in October. The second LONG-A visit's
 * previous one in its group lies 71 visits back: read from the frame alone it would count the case twice.
 */
function longCase(template: CaseEvent): CaseEvent[] {
  const { note: _n, channel: _c, applicant: _a, ...base } = template;
  const start = Date.parse('2025-10-14T08:00:00+08:00');
  const steps: Array<[CaseEvent['type'], string]> = [
    ['submitted', 'LONG-A'],
    ...Array.from({ length: 70 }, (_, i): [CaseEvent['type'], string] => [i % 2 ? 'supplement_received' : 'supplement_requested', 'LONG-B']),
    ['accepted', 'LONG-A'],
    ['completed', 'LONG-A'],
  ];
  return steps.map(([type, departmentCode], i) => ({
    ...base,
    caseId: 'CQ-LONG',
    eventId: `CQ-LONG.${i}`,
    type,
    occurredAt: new Date(start + i * 30 * 60_000).toISOString(),
    districtCode: '500105',
    departmentCode,
  }));
}

/**
 * As if every event so far had been stored an hour ago: the readers' raw tail (cases stored since the mark,
 * less a margin) is then empty, so a comparison reads the rollup alone.
 */
async function storedLongAgo(): Promise<void> {
  await ch.client.command({ query: `TRUNCATE TABLE ${DB}.event_arrivals`, clickhouse_settings: QUERY_SETTINGS });
  await ch.client.command({ query: `INSERT INTO ${DB}.event_arrivals SELECT now64(3, 'Asia/Shanghai') - INTERVAL 1 HOUR, event_key, case_id FROM ${DB}.events`, clickhouse_settings: QUERY_SETTINGS });
}
const tailCases = async () => Number((await ch.rows<{ n: string }>(`SELECT uniqExact(case_id) AS n FROM ${DB}.event_arrivals WHERE inserted_at >= now64(3) - INTERVAL 10 MINUTE`))[0]!.n);

/** Rows in a fixed order (the route orders by total hours only; ties come in any order). */
const sorted = (rows: BottleneckRow[]) => rows.map((r) => JSON.stringify(r)).sort();

async function differences(): Promise<string[]> {
  const diffs: string[] = [];
  for (const [from, to] of RANGES) {
    for (const by of GROUPINGS) {
      for (const districtCode of [undefined, '500118']) {
        // Every group (a limit cuts among ties in any order), and the route's first 20 by total hours.
        const q = { from, to, by, limit: 1_000_000, ...(districtCode ? { districtCode } : {}) };
        const [a, b] = [await bottlenecks(ch.client, DB, q), await bottlenecksFromLog(ch.client, DB, q)];
        if (JSON.stringify(sorted(a)) !== JSON.stringify(sorted(b))) diffs.push(`${from}..${to} by ${by.join(',')} ${districtCode ?? ''}: ${a.length} vs ${b.length} rows`);
        const top = async (f: typeof bottlenecks) => (await f(ch.client, DB, { ...q, limit: 20 })).map((r) => r.totalHours);
        if (JSON.stringify(await top(bottlenecks)) !== JSON.stringify(await top(bottlenecksFromLog))) diffs.push(`${from}..${to} by ${by.join(',')} ${districtCode ?? ''}: first 20`);
      }
    }
  }
  return diffs;
}

beforeAll(async () => {
  ch = await ClickhouseServe.start();
  await migrate(ch.client, DB, await everyMigration());
  events = [...simulateEvents({ seed: 'stage-dwells', from: '2025-09-22T00:00:00+08:00', to: '2025-10-20T00:00:00+08:00', until: '2025-11-05T00:00:00+08:00', casesPerDay: 150 })];
  events.push(...transferredCase(events[0]!), ...longCase(events[0]!));
  await insert(events);
  await storedLongAgo();
  dwells = new StageDwells({ ch: ch.client, db: DB, logger: pino({ level: 'silent' }), now: Date.now, mergeAfterFullBuild: true });
}, 180_000);
afterAll(async () => ch?.dispose());

describe('the stage-dwell rollup', () => {
  it('reads the raw log before its first build, and has no mark', async () => {
    expect(await stageDwellsMark(ch.client, DB)).toBeNull();
    const q = { from: '2025-10-01', to: '2025-10-31', by: ['stage'] as BottleneckDimension[], limit: 50 };
    expect(await bottlenecks(ch.client, DB, q)).toEqual(await bottlenecksFromLog(ch.client, DB, q));
  });

  it('gives exactly the raw-log answer once built, for every range, grouping and a district', async () => {
    const r = await dwells.refresh();
    expect(r.full).toBe(true);
    expect(await stageDwellsMark(ch.client, DB)).not.toBeNull();
    const [stored] = await ch.rows<{ n: string }>(`SELECT count() AS n FROM ${DB}.stage_dwells FINAL`);
    expect(Number(stored!.n)).toBeGreaterThan(10_000);
    expect(await tailCases()).toBe(0);
    const month = await bottlenecks(ch.client, DB, { from: '2025-10-01', to: '2025-10-31', by: ['stage'], limit: 50 });
    expect(month.length).toBeGreaterThan(3);
    expect(month.reduce((s, x) => s + x.steps, 0)).toBeGreaterThan(5_000);
    expect(await differences()).toEqual([]);
  });

  it('counts a case once per group: again at a stage, moved to another district or department', async () => {
    const accepted = async (by: BottleneckDimension[], districtCode?: string) =>
      (await bottlenecks(ch.client, DB, { from: '2025-10-01', to: '2025-10-31', by, limit: 1_000_000, ...(districtCode ? { districtCode } : {}) })).filter((r) => r.stage === 'accepted' && (r.department ?? 'DEPT-Y').startsWith('DEPT-'));
    // Three visits of 受理: two in 500118 by DEPT-Y (one case), one in 500101 by DEPT-X.
    expect((await accepted(['stage', 'department'])).map(({ department, steps, cases }) => ({ department, steps, cases })).sort((a, b) => a.department!.localeCompare(b.department!))).toEqual([
      { department: 'DEPT-X', steps: 1, cases: 1 },
      { department: 'DEPT-Y', steps: 2, cases: 1 },
    ]);
    // In 500118 alone the case is one of its accepted cases, though its first 受理 (in range) was elsewhere.
    const [all] = await accepted(['stage']);
    const [inDistrict] = await accepted(['stage'], '500118');
    const reference = async (districtCode?: string) =>
      (await bottlenecksFromLog(ch.client, DB, { from: '2025-10-01', to: '2025-10-31', by: ['stage'], limit: 50, ...(districtCode ? { districtCode } : {}) })).find((r) => r.stage === 'accepted')!;
    expect(inDistrict).toEqual(await reference('500118'));
    expect(all).toEqual(await reference());
    expect(all!.steps - all!.cases).toBeGreaterThanOrEqual(2);
  });

  it('counts a case longer than the frame of previous visits once per group', async () => {
    const q = { from: '2025-10-01', to: '2025-10-31', by: ['department'] as BottleneckDimension[], limit: 1_000_000 };
    const long = (await bottlenecks(ch.client, DB, q)).filter((r) => r.department?.startsWith('LONG-'));
    expect(long.map(({ department, steps, cases }) => ({ department, steps, cases })).sort((a, b) => a.department!.localeCompare(b.department!))).toEqual([
      { department: 'LONG-A', steps: 2, cases: 1 },
      { department: 'LONG-B', steps: 70, cases: 1 },
    ]);
    expect(long).toEqual((await bottlenecksFromLog(ch.client, DB, q)).filter((r) => r.department?.startsWith('LONG-')));

    // Stored again just now: read from the raw tail, then rebuilt by a refresh (the few-cases form of the visits), the same.
    const rows = () => ch.rows(`SELECT ${VISIT_COLUMNS.join(', ')} FROM ${DB}.stage_dwells FINAL WHERE case_id = 'CQ-LONG' ORDER BY start_event_id`);
    const built = await rows();
    expect(built).toHaveLength(72);
    await ch.client.command({ query: `INSERT INTO ${DB}.event_arrivals SELECT now64(3, 'Asia/Shanghai'), event_key, case_id FROM ${DB}.events WHERE case_id = 'CQ-LONG'`, clickhouse_settings: QUERY_SETTINGS });
    expect(await tailCases()).toBe(1);
    const ofLong = async () => (await bottlenecks(ch.client, DB, q)).filter((r) => r.department?.startsWith('LONG-'));
    expect(await ofLong()).toEqual(long);
    expect(await dwells.refresh()).toMatchObject({ full: false, count: 73 });
    expect(await rows()).toEqual(built);
    await storedLongAgo();
    expect(await ofLong()).toEqual(long);
  });

  it('stays exact with late events: from the raw tail before the refresh, from the rollup after it', async () => {
    // A case of October with at least three events: a late event between its first two splits a stored visit.
    const byCase = new Map<string, CaseEvent[]>();
    for (const e of events) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e]);
    const [caseId, list] = [...byCase].find(([, l]) => l.length >= 3 && l[0]!.occurredAt.startsWith('2025-10-1') && Date.parse(l[1]!.occurredAt) - Date.parse(l[0]!.occurredAt) > 120_000)!;
    const mid = new Date((Date.parse(list[0]!.occurredAt) + Date.parse(list[1]!.occurredAt)) / 2).toISOString();
    const late: CaseEvent[] = [
      { ...list[0]!, eventId: `${caseId}.late`, type: 'supplement_requested', occurredAt: mid, note: undefined, channel: undefined, applicant: undefined },
      ...list.map((e) => ({ ...e, caseId: `${caseId}-NEW`, eventId: `${e.eventId}-NEW` })),
    ].map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as CaseEvent);
    await insert(late);
    expect(await tailCases()).toBe(2);
    // Not in the rollup yet: the answer takes these two cases from the raw log.
    expect(await ch.rows(`SELECT 1 FROM ${DB}.stage_dwells WHERE start_event_id = {e:String}`, { e: `${caseId}.late` })).toEqual([]);
    const before = await bottlenecks(ch.client, DB, { from: '2025-10-01', to: '2025-10-31', by: ['stage'], limit: 50 });
    expect(await differences()).toEqual([]);
    const r = await dwells.refresh();
    expect(r).toMatchObject({ full: false });
    expect(r.count).toBe(late.length);
    await storedLongAgo();
    expect(await bottlenecks(ch.client, DB, { from: '2025-10-01', to: '2025-10-31', by: ['stage'], limit: 50 })).toEqual(before);
    // The split visit is stored as two (the late event's row and its predecessor's new end), read once.
    const rows = await ch.rows<{ start_event_id: string; end_day: string }>(`SELECT start_event_id, toString(end_day) AS end_day FROM ${DB}.stage_dwells FINAL WHERE case_id = {c:String} ORDER BY start_event_id`, { c: caseId });
    expect(rows.map((x) => x.start_event_id)).toContain(`${caseId}.late`);
    expect(rows).toHaveLength(new Set(rows.map((x) => x.start_event_id)).size);
    expect(await differences()).toEqual([]);
  });

  it('keeps an insert in flight at a refresh in the raw tail (its rows stamped before the refresh, seen after it)', async () => {
    // The event store tells when its oldest insert in flight began, and forgets it once stored.
    const store = new EventStore(ch.client, DB);
    const template = events.find((e) => e.occurredAt.startsWith('2025-10-14'))!;
    const { note: _n, channel: _c, applicant: _a, ...base } = template;
    const flight: CaseEvent[] = [
      { ...base, caseId: 'CQ-IN-FLIGHT', eventId: 'CQ-IN-FLIGHT.0', type: 'submitted', occurredAt: '2025-10-14T09:00:00+08:00' },
      { ...base, caseId: 'CQ-IN-FLIGHT', eventId: 'CQ-IN-FLIGHT.1', type: 'accepted', occurredAt: '2025-10-14T11:00:00+08:00' },
      { ...base, caseId: 'CQ-IN-FLIGHT', eventId: 'CQ-IN-FLIGHT.2', type: 'completed', occurredAt: '2025-10-15T09:00:00+08:00' },
    ];
    expect(store.oldestInsertInFlight()).toBeUndefined();
    const before = Date.now();
    const inserting = store.insertEvents(flight.map((e) => toEventRow(e, 'test', Date.parse(e.occurredAt), [])));
    expect(store.oldestInsertInFlight()).toBeGreaterThanOrEqual(before);
    await inserting;
    expect(store.oldestInsertInFlight()).toBeUndefined();

    // An insert began 5 s ago and is still running when the rollup refreshes: the mark stays before it.
    await storedLongAgo();
    const engineNow = async () => Number((await ch.rows<{ t: string }>('SELECT toUnixTimestamp64Milli(now64(3)) AS t'))[0]!.t);
    let inFlight: number | undefined;
    const own = new StageDwells({ ch: ch.client, db: DB, logger: pino({ level: 'silent' }), now: Date.now, insertsInFlight: () => inFlight });
    await own.refresh();
    const idle = await engineNow();
    expect((await stageDwellsMark(ch.client, DB))!).toBeGreaterThan(idle - OWN_INSERTS_MARGIN_MS - 5_000);
    inFlight = (await engineNow()) - 5_000;
    await own.refresh();
    expect((await stageDwellsMark(ch.client, DB))!).toBe(inFlight - OWN_INSERTS_MARGIN_MS);
    // It lands now, its rows stamped when it began: the readers take its case from the raw log.
    await ch.client.command({ query: `ALTER TABLE ${DB}.event_arrivals DELETE WHERE case_id = 'CQ-IN-FLIGHT' SETTINGS mutations_sync = 2`, clickhouse_settings: QUERY_SETTINGS });
    await ch.client.command({ query: `ALTER TABLE ${DB}.stage_dwells DELETE WHERE case_id = 'CQ-IN-FLIGHT' SETTINGS mutations_sync = 2`, clickhouse_settings: QUERY_SETTINGS });
    await ch.client.command({
      query: `INSERT INTO ${DB}.event_arrivals SELECT fromUnixTimestamp64Milli(toInt64(${inFlight + 500}), 'Asia/Shanghai'), event_key, case_id FROM ${DB}.events WHERE case_id = 'CQ-IN-FLIGHT'`,
      clickhouse_settings: QUERY_SETTINGS,
    });
    const accepted = async () => (await bottlenecks(ch.client, DB, { from: '2025-10-14', to: '2025-10-15', by: ['stage'], limit: 50 })).find((r) => r.stage === 'accepted')!;
    expect(await accepted()).toEqual((await bottlenecksFromLog(ch.client, DB, { from: '2025-10-14', to: '2025-10-15', by: ['stage'], limit: 50 })).find((r) => r.stage === 'accepted'));
    expect(await differences()).toEqual([]);
    // The next refresh, nothing in flight, rebuilds it.
    inFlight = undefined;
    await own.refresh();
    expect(await ch.rows(`SELECT start_event_id FROM ${DB}.stage_dwells FINAL WHERE case_id = 'CQ-IN-FLIGHT' ORDER BY start_event_id`)).toEqual([{ start_event_id: 'CQ-IN-FLIGHT.0' }, { start_event_id: 'CQ-IN-FLIGHT.1' }]);
    await storedLongAgo();
    expect(await differences()).toEqual([]);
  });

  it('remembers that nothing was stored since the mark while the store inserts nothing, and asks again once it has', async () => {
    await dwells.refresh();
    await storedLongAgo();
    const store = new EventStore(ch.client, DB);
    const check = tailCheck(() => store.insertGeneration());
    expect(await check(ch.client, DB)).toBe('none');
    // An arrival the store did not make (none can, embedded): with its generation unchanged the answer is not asked again…
    await ch.client.command({ query: `INSERT INTO ${DB}.event_arrivals SELECT now64(3, 'Asia/Shanghai'), event_key, case_id FROM ${DB}.events LIMIT 1`, clickhouse_settings: QUERY_SETTINGS });
    expect(await check(ch.client, DB)).toBe('none');
    // …which a check without a generation asks every time.
    expect(await tailCheck()(ch.client, DB)).toBe('all');
    await storedLongAgo();
    expect(await check(ch.client, DB)).toBe('none');
    // The store inserts a case: its generation moved, so the tail is asked for and read.
    const { note: _n, channel: _c, applicant: _a, ...base } = events.find((e) => e.occurredAt.startsWith('2025-10-15'))!;
    const fresh: CaseEvent[] = [
      { ...base, caseId: 'CQ-REMEMBERED', eventId: 'CQ-REMEMBERED.0', type: 'submitted', occurredAt: '2025-10-15T09:00:00+08:00' },
      { ...base, caseId: 'CQ-REMEMBERED', eventId: 'CQ-REMEMBERED.1', type: 'accepted', occurredAt: '2025-10-15T15:00:00+08:00' },
    ];
    await store.insertEvents(fresh.map((e) => toEventRow(e, 'test', Date.parse(e.occurredAt), [])));
    expect(await check(ch.client, DB)).toBe('all');
    const q = { from: '2025-10-15', to: '2025-10-15', by: ['stage'] as BottleneckDimension[], limit: 50 };
    expect(sorted(await bottlenecks(ch.client, DB, q, check))).toEqual(sorted(await bottlenecksFromLog(ch.client, DB, q)));
    await dwells.refresh();
    await storedLongAgo();
    expect(await differences()).toEqual([]);
  });

  it("reads the projector's visits from the rollup alone, and the raw log for the cases they may not hold", async () => {
    await dwells.refresh();
    await storedLongAgo();
    const store = new EventStore(ch.client, DB);
    const projected = new ProjectedVisits({ ch: ch.client, db: DB });
    const rederived: string[][] = [];
    projected.derivesWith((ids) => rederived.push(ids));
    const live = new StageDwells({ ch: ch.client, db: DB, logger: pino({ level: 'silent' }), now: Date.now, projected, insertsInFlight: () => store.oldestInsertInFlight() });
    const tail = projectedTail(projected);
    const { note: _n, channel: _c, applicant: _a, ...base } = events.find((e) => e.occurredAt.startsWith('2025-10-16'))!;
    const ev = (caseId: string, i: number, type: CaseEvent['type'], at: string): CaseEvent => ({ ...base, caseId, eventId: `${caseId}.${i}`, type, occurredAt: `2025-10-16T${at}:00+08:00` });
    const store1 = (list: CaseEvent[]) => store.insertEvents(list.map((e) => toEventRow(e, 'test', Date.parse(e.occurredAt), [])));
    const q = { from: '2025-10-16', to: '2025-10-16', by: ['stage', 'department'] as BottleneckDimension[], limit: 1_000 };
    const exact = async () => expect(sorted(await bottlenecks(ch.client, DB, q, tail, true))).toEqual(sorted(await bottlenecksFromLog(ch.client, DB, q)));
    const recentRows = async () => Number((await ch.rows<{ n: string }>(`SELECT count() AS n FROM ${DB}.stage_dwells_recent`))[0]!.n);
    const settled = () => new Promise((r) => setTimeout(r, OWN_INSERTS_MARGIN_MS + 200));

    // Derived by the projector (its visits added) and stored: the rollup holds it, no raw tail.
    const first = [ev('CQ-LIVE', 0, 'submitted', '09:00'), ev('CQ-LIVE', 1, 'accepted', '11:00')];
    projected.add([{ caseId: 'CQ-LIVE', events: first }]);
    await store1(first);
    expect(await tail(ch.client, DB)).toBe('none');
    await exact();
    // A late event stored before the projector derived its case again: that case from the raw log…
    const late = ev('CQ-LIVE', 2, 'reviewed', '10:00');
    await store1([late]);
    expect(await tail(ch.client, DB)).toEqual(['CQ-LIVE']);
    await exact();
    // …and the mark waits for it, the case handed to the projector.
    const mark = await stageDwellsMark(ch.client, DB);
    await settled();
    await live.advance((ids) => projected.rederive(ids));
    expect(rederived).toEqual([['CQ-LIVE']]);
    expect(await stageDwellsMark(ch.client, DB)).toBe(mark);
    projected.add([{ caseId: 'CQ-LIVE', events: [...first, late] }]);
    await live.advance((ids) => projected.rederive(ids));
    expect(await stageDwellsMark(ch.client, DB)).toBeGreaterThan(mark!);
    expect(await tail(ch.client, DB)).toBe('none');
    await exact();
    // A case of the build (its rows in stage_dwells) derived again with a late event between two of its own:
    // read from the recent table alone, not beside its old rows.
    const byCase = new Map<string, CaseEvent[]>();
    for (const e of events) if (e.occurredAt.startsWith('2025-10-16')) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e]);
    const [built, ofBuilt] = [...byCase].find(([, list]) => list.length >= 3)!;
    const whole = events.filter((e) => e.caseId === built).sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    const between = new Date((Date.parse(ofBuilt[0]!.occurredAt) + Date.parse(ofBuilt[1]!.occurredAt)) / 2).toISOString();
    const split: CaseEvent = { ...whole.at(-1)!, eventId: `${built}.split`, type: 'reviewed', occurredAt: between };
    projected.add([{ caseId: built, events: [...whole, split] }]);
    await store1([split]);
    expect(await tail(ch.client, DB)).toBe('none');
    await exact();
    // The recent table folded into stage_dwells: emptied, the same answer (the late event's visit replaced there).
    expect(await recentRows()).toBeGreaterThan(0);
    expect(await live.fold()).toBeGreaterThan(0);
    expect(await recentRows()).toBe(0);
    await exact();
    expect(sorted(await bottlenecks(ch.client, DB, q, tail))).toEqual(sorted(await bottlenecksFromLog(ch.client, DB, q)));

    // A refresh from the raw log while an event is being written: its rows of the case, without that event,
    // replace the projector's, which held it. Once it is stored, the case is not vouched for.
    const race = [ev('CQ-RACE', 0, 'submitted', '09:00'), ev('CQ-RACE', 1, 'reviewed', '10:00'), ev('CQ-RACE', 2, 'accepted', '12:00')];
    await store1([race[0]!, race[2]!]);
    projected.add([{ caseId: 'CQ-RACE', events: race }]);
    await projected.flush();
    await settled();
    await live.refresh();
    await store1([race[1]!]);
    expect(await tail(ch.client, DB)).toEqual(['CQ-RACE']);
    await exact();
    await settled();
    await live.advance((ids) => projected.rederive(ids));
    expect(rederived.at(-1)).toEqual(['CQ-RACE']);
    projected.add([{ caseId: 'CQ-RACE', events: race }]);
    await live.advance((ids) => projected.rederive(ids));
    expect(await tail(ch.client, DB)).toBe('none');
    await exact();
    await live.fold();
    await storedLongAgo();
    expect(await differences()).toEqual([]);
  });

  it("takes an upgraded data dir's mark of before v3 less its margin, until the next refresh sets its own", async () => {
    const q = { from: '2025-09-22', to: '2025-11-05', by: [...BOTTLENECK_DIMENSIONS], limit: 1_000_000 };
    const answer = sorted(await bottlenecks(ch.client, DB, q));
    const v3 = await stageDwellsMark(ch.client, DB);
    await ch.client.command({ query: `ALTER TABLE ${DB}.supervision_marks DELETE WHERE name LIKE 'stage_dwells%' SETTINGS mutations_sync = 2`, clickhouse_settings: QUERY_SETTINGS });
    expect(await stageDwellsMark(ch.client, DB)).toBeNull();
    // The old mark was a build's start, the margin taken off by its readers.
    await ch.client.insert({ table: `${DB}.supervision_marks`, format: 'JSONEachRow', values: [{ name: 'stage_dwells_watermark_v2', value: v3!, set_at: '2025-11-05 00:00:00' }], clickhouse_settings: QUERY_SETTINGS });
    expect(await stageDwellsMark(ch.client, DB)).toBe(v3! - MARGIN_MS);
    expect(sorted(await bottlenecks(ch.client, DB, q))).toEqual(answer);
    expect(await dwells.refresh()).toMatchObject({ full: false });
    expect((await ch.rows<{ name: string }>(`SELECT name FROM ${DB}.supervision_marks FINAL WHERE name LIKE 'stage_dwells%' ORDER BY name`)).map((r) => r.name)).toEqual(['stage_dwells_settled_v3', 'stage_dwells_watermark_v2']);
    expect(await stageDwellsMark(ch.client, DB)).toBeGreaterThanOrEqual(v3! - MARGIN_MS);
    expect(sorted(await bottlenecks(ch.client, DB, q))).toEqual(answer);
  });

  it('builds again from the whole log idempotently (a backfill, an interrupted build run again)', async () => {
    const q = { from: '2025-09-22', to: '2025-11-05', by: [...BOTTLENECK_DIMENSIONS], limit: 1_000_000 };
    const first = sorted(await bottlenecks(ch.client, DB, q));
    await dwells.buildAll();
    await dwells.buildAll();
    expect(sorted(await bottlenecks(ch.client, DB, q))).toEqual(first);
    expect(await differences()).toEqual([]);
    // Merged after the build: one part a month, so a reader's FINAL has nothing to merge (the buckets' parts each span every day).
    const rs = await ch.client.query({
      query: `SELECT partition, count() AS parts FROM system.parts WHERE database = '${DB}' AND table = 'stage_dwells' AND active GROUP BY partition ORDER BY partition`,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    const parts = await rs.json<{ partition: string; parts: number }>();
    expect(parts.map((p) => p.partition)).toEqual(['202509', '202510', '202511']);
    expect(parts.every((p) => Number(p.parts) === 1)).toBe(true);
  });

  it('groups the rows of a data dir stored before the stage-department key (migration 177) as the new ones', async () => {
    const OLD = `${DB}_before_177`;
    const migrations = await everyMigration();
    await migrate(ch.client, OLD, migrations.filter((m) => m.version < 177));
    const columns = (await ch.rows<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${OLD}' AND table = 'stage_dwells' ORDER BY position`)).map((c) => c.name);
    expect(columns).not.toContain('stage_department');
    await ch.client.command({ query: `INSERT INTO ${OLD}.stage_dwells (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${DB}.stage_dwells FINAL`, clickhouse_settings: QUERY_SETTINGS });
    await ch.client.command({ query: `INSERT INTO ${OLD}.supervision_marks SELECT * FROM ${DB}.supervision_marks`, clickhouse_settings: QUERY_SETTINGS });
    const q = { from: '2025-10-01', to: '2025-10-31', by: ['stage', 'department'] as BottleneckDimension[], limit: 1_000_000 };
    const answer = sorted(await bottlenecks(ch.client, DB, q));
    expect(answer.length).toBeGreaterThan(20);

    await migrate(ch.client, OLD, migrations);
    // The key of the parts stored before is computed on read until the mutation has written it, then read.
    expect(sorted(await bottlenecks(ch.client, OLD, q))).toEqual(answer);
    await expect.poll(async () => Number((await ch.rows<{ n: string }>(`SELECT count() AS n FROM system.mutations WHERE database = '${OLD}' AND NOT is_done`))[0]!.n), { timeout: 30_000 }).toBe(0);
    // Written into every part (not computed on read any more).
    const [written] = await ch.rows<{ parts: string; with_key: string }>(
      `SELECT uniqExact(name) AS parts, uniqExactIf(name, column = 'stage_department') AS with_key FROM system.parts_columns WHERE database = '${OLD}' AND table = 'stage_dwells' AND active`,
    );
    expect(Number(written!.parts)).toBeGreaterThan(0);
    expect(Number(written!.with_key)).toBe(Number(written!.parts));
    const [keys] = await ch.rows<{ wrong: string }>(`SELECT countIf(stage_department != concat(stage, '\\t', department_code)) AS wrong FROM ${OLD}.stage_dwells`);
    expect(Number(keys!.wrong)).toBe(0);
    expect(sorted(await bottlenecks(ch.client, OLD, q))).toEqual(answer);
    expect(sorted(await bottlenecks(ch.client, OLD, { ...q, by: ['department', 'stage'] }))).toEqual(sorted(await bottlenecksFromLog(ch.client, DB, { ...q, by: ['department', 'stage'] })));
  });
});
