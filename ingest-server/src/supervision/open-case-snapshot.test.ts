import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultWorkingCalendar } from '@tongban/shared';
import { createClickhouse } from '../clickhouse/clickhouse-client.ts';
import { migrate, MIGRATIONS } from '../clickhouse/migrations.ts';
import { CaseStateStore } from './case-state.store.ts';
import { OpenCaseIndex, type OpenCase } from './open-case-index.ts';
import { OpenCaseSnapshot } from './open-case-snapshot.ts';
import { SUPERVISION_MIGRATIONS } from './supervision.migrations.ts';

/*
 * The open-case index snapshot (open-case-snapshot.ts) on real embedded ClickHouse: written, loaded into a
 * fresh index, it answers exactly as the index it was taken of (and as a rebuild from case_state), on a later
 * day too; a torn or corrupt file is told apart and the index rebuilt. Instants are derived from Date.now().
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tongban-index-snapshot-'));
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: 'tongban' });
const states = new CaseStateStore(ch, 'tongban');
const logger = pino({ level: 'silent' });
const file = path.join(dataDir, 'supervision', 'open-cases.bin');
beforeAll(async () => {
  await migrate(ch, 'tongban', [...MIGRATIONS, ...SUPERVISION_MIGRATIONS]);
}, 120_000);
afterAll(async () => {
  await ch.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const now = Date.now();
const today = Math.floor((now + 8 * 3_600_000) / DAY);
const isoDay = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);

/** Open cases of many shapes: deadlines around today (red, yellow, none), pauses, a 补正 open for long, flags, odd ids. */
function openCase(i: number): OpenCase {
  const dl = today + (i % 41) - 15;
  return {
    caseId: i % 97 === 5 ? `长寿-${i}` : i % 89 === 3 ? `A-VERY-LONG-CASE-NUMBER-OF-THE-PROVINCE-${i}` : `YKB5001182025${String(i).padStart(8, '0')}`,
    itemCode: `ITEM-${i % 37}`,
    districtCode: ['500118', '500101', '500102'][i % 3]!,
    townshipCode: `T${i % 11}`,
    villageCode: i % 5 ? `V${i % 23}` : '',
    departmentCode: `D${i % 7}`,
    status: i % 10 === 0 ? 'paused' : 'in_progress',
    stage: ['accepted', 'reviewed', 'approved'][i % 3]!,
    level: (['city', 'district', 'township', 'village'] as const)[i % 4]!,
    holder: `staff-${i % 301}`,
    submittedMs: i % 13 === 0 ? null : now - (i % 30) * DAY - 0.5 * (i % 2),
    acceptedMs: now - (i % 30) * DAY + 3_600_000,
    promisedDeadlineDay: i % 17 === 0 ? null : dl,
    statutoryDeadlineDay: dl + 20,
    yellowFromDay: dl - 3,
    stageDueDay: i % 4 === 0 ? today - (i % 9) + 4 : null,
    stageSinceDay: today - (i % 12),
    promisedLimitDays: 10 + (i % 5),
    pauses: i % 10 === 0 ? [{ from: isoDay(today - 60 - (i % 5)), kind: 'supplement' }] : i % 10 === 1 ? [{ from: isoDay(today - 20), to: isoDay(today - 18) }] : [],
    flags: i % 31 === 0 ? ['unknown_item'] : i % 29 === 0 ? ['too_fast'] : [],
  };
}

/** Everything the index answers, on a day: counts (kept and walked), every list page, areas, every case. */
function answers(index: OpenCaseIndex, at: number) {
  const pages: unknown[] = [];
  for (const sort of ['severity', 'deadline', 'submitted'] as const) {
    let cursor: string | undefined;
    do {
      const p = index.list({}, at, 97, cursor, sort);
      pages.push(p.cases);
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
  }
  const ids = index.caseIds().sort();
  return {
    size: index.size,
    counts: index.counts(at),
    recount: index.recount(at),
    pages,
    red: index.list({ warning: 'red' }, at, 10_000),
    pauseOverdue: index.list({ flag: 'pause_overdue' }, at, 10_000).total,
    stageOverdue: index.list({ flag: 'stage_overdue' }, at, 10_000).total,
    dataQuality: index.list({ dataQuality: true }, at, 10_000).total,
    search: index.list({ caseIdContains: '长寿' }, at, 10_000).total,
    districts: index.areas('district', {}, at),
    villages: index.areas('village', { districtCode: '500118', townshipCode: 'T1' }, at),
    ids,
    summaries: ids.map((id) => index.summary(id, at)),
    clock: ids.slice(0, 50).map((id) => index.clockInputs(id)),
  };
}

const newIndex = () => new OpenCaseIndex(() => defaultWorkingCalendar);
const snapshotOf = (index: OpenCaseIndex, at = () => now) => new OpenCaseSnapshot({ index, states, file, now: at, logger, intervalMs: 0 });

describe('the open-case index snapshot', () => {
  beforeEach(() => {
    for (const f of [file, file.replace(/\.bin$/, '.prev.bin'), `${file}.corrupt`]) rmSync(f, { force: true });
  });
  it('loads into a fresh index that answers as the original, after removals and slot reuse, on a later day too', async () => {
    const original = newIndex();
    // A first start on an empty case_state: a rebuild of nothing, and the snapshot may be written from then on.
    const writer = snapshotOf(original);
    expect(await writer.load()).toMatchObject({ source: 'rebuild', openCases: 0, reason: 'no snapshot' });
    for (let i = 0; i < 3_000; i++) original.upsert(openCase(i), now);
    // Closed cases leave free slots; new cases take some of them; some cases change.
    for (let i = 0; i < 3_000; i += 7) original.remove(openCase(i).caseId);
    for (let i = 3_000; i < 3_200; i++) original.upsert(openCase(i), now);
    for (let i = 1; i < 3_000; i += 11) original.upsert({ ...openCase(i), stage: 'approved', holder: 'someone-new', promisedDeadlineDay: today - 2 }, now);
    await writer.stop();
    expect(writer.counters).toMatchObject({ writes: 1, writeErrors: 0 });

    const loaded = newIndex();
    const r = await snapshotOf(loaded).load();
    expect(r).toMatchObject({ source: 'snapshot', openCases: original.size, tailOpen: 0, tailClosed: 0 });
    expect(answers(loaded, now)).toEqual(answers(original, now));
    // Ten days on, warnings have moved: the loaded index judges them anew, as the original does by advancing.
    const later = now + 10 * DAY;
    const moved = original.advance(later, () => {});
    expect(moved).toBeGreaterThan(0);
    loaded.advance(later, () => {});
    expect(answers(loaded, later)).toEqual(answers(original, later));
    // And it goes on like the original: more upserts and removals (new slots, reused slots).
    for (const index of [original, loaded]) {
      for (let i = 3_200; i < 3_400; i++) index.upsert(openCase(i), later);
      for (let i = 2; i < 3_400; i += 13) index.remove(openCase(i).caseId);
    }
    expect(answers(loaded, later)).toEqual(answers(original, later));
  });

  it('is copied in slices while cases change: the image is the index as it is at the copy\'s last step', async () => {
    const original = newIndex();
    for (let i = 0; i < 3_000; i++) original.upsert(openCase(i), now);
    for (let i = 0; i < 3_000; i += 7) original.remove(openCase(i).caseId);
    // Between slices: new cases (into free slots and new ones), removals, changed cases, and once an id longer
    // than any before (the ids are relaid: that copy starts over).
    let pauses = 0;
    let next = 3_000;
    const changeSome = async () => {
      pauses++;
      // As many new as removed: the id table keeps its size (a rehash would start the copy over too).
      const someOpen = (from: number) => {
        for (let i = from % 3_000; ; i = (i + 1) % 3_000) if (original.has(openCase(i).caseId)) return i;
      };
      for (let k = 0; k < 3; k++) original.remove(openCase(someOpen(pauses * 37 + k * 101)).caseId);
      for (let k = 0; k < 3; k++) original.upsert(openCase(next++), now);
      original.upsert({ ...openCase(someOpen(pauses * 53)), stage: 'approved', holder: `moved-${pauses}`, promisedDeadlineDay: today - 1 }, now);
      if (pauses === 4) original.upsert({ ...openCase(next++), caseId: `${'9'.repeat(40)}${pauses}` }, now);
    };
    const image = await original.imageInSlices({ sliceBytes: 400, pause: changeSome });
    // Many slices of 400 bytes; the first copy abandoned after its fourth (the ids were relaid), the second whole.
    expect(image).toMatchObject({ attempts: 2, synchronous: false });
    expect(pauses).toBeGreaterThan(100);
    const loaded = newIndex();
    const load = loaded.fromImage(image.meta);
    expect(load.targets.map((t) => t.byteLength)).toEqual(image.columns.map((c) => c.byteLength));
    image.columns.forEach((c, i) => load.targets[i]!.set(c));
    load.commit(now);
    expect(answers(loaded, now)).toEqual(answers(original, now));
    // The synchronous copy gives the same bytes.
    const again = original.image();
    expect(again.meta).toEqual(image.meta);
    again.columns.forEach((c, i) => expect(Buffer.from(c).equals(Buffer.from(image.columns[i]!))).toBe(true));
  });

  it('keeps codes four bytes wide when more than 65,535 distinct strings were seen', async () => {
    const original = newIndex();
    const writer = snapshotOf(original);
    await writer.load();
    for (let i = 0; i < 70_000; i++) original.upsert({ ...openCase(i), caseId: `W${i}`, holder: `holder-${i}` }, now);
    await writer.write();
    const loaded = newIndex();
    expect(await snapshotOf(loaded).load()).toMatchObject({ source: 'snapshot', openCases: 70_000 });
    expect(loaded.summary('W69999', now)).toEqual(original.summary('W69999', now));
    expect(loaded.counts(now)).toEqual(original.counts(now));
    loaded.upsert({ ...openCase(1), caseId: 'W-new', holder: 'holder-new' }, now);
    expect(loaded.summary('W-new', now)?.holder).toBe('holder-new');
  });

  it('tells a torn and a corrupt snapshot apart, sets it aside and rebuilds from case_state', async () => {
    const original = newIndex();
    const writer = snapshotOf(original);
    await writer.load();
    for (let i = 0; i < 500; i++) original.upsert(openCase(i), now);
    await writer.write();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const torn = await snapshotOf(newIndex()).load();
    expect(torn).toMatchObject({ source: 'rebuild', openCases: 0 });
    expect(torn.source === 'rebuild' && torn.reason).toMatch(/^open-cases.bin: torn/);
    expect(existsSync(`${file}.corrupt`)).toBe(true);

    await writer.write();
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(file, bytes);
    const corrupt = await snapshotOf(newIndex()).load();
    expect(corrupt).toMatchObject({ source: 'rebuild', reason: 'open-cases.bin: checksum mismatch (corrupt)' });

    writeFileSync(file, 'not a snapshot at all');
    rmSync(file.replace(/\.bin$/, '.prev.bin'), { force: true });
    expect(await snapshotOf(newIndex()).load()).toMatchObject({ source: 'rebuild', reason: 'open-cases.bin: not an open-case index snapshot (torn or foreign)' });
  });

  it('falls back to the snapshot before a corrupt one, then reads the longer tail since it', async () => {
    const original = newIndex();
    const writer = snapshotOf(original);
    await writer.load();
    for (let i = 0; i < 500; i++) original.upsert(openCase(i), now);
    await writer.write();
    const before = answers(original, now);
    for (let i = 500; i < 520; i++) original.upsert(openCase(i), now);
    await writer.write();
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(file, bytes);
    const loaded = newIndex();
    expect(await snapshotOf(loaded).load()).toMatchObject({ source: 'snapshot', from: 'previous', openCases: 500 });
    expect(answers(loaded, now)).toEqual(before);
    expect(existsSync(`${file}.corrupt`)).toBe(true);
  });

  it('is not used when ClickHouse lacks a case state the snapshot saw, and the tail brings the cases derived since', async () => {
    const original = newIndex();
    const writer = snapshotOf(original);
    await writer.load();
    for (let i = 0; i < 50; i++) original.upsert(openCase(i), now);
    // A case state in ClickHouse derived before the snapshot, one derived after it (open), one closed after it.
    await insertState('BEFORE-1', now - 3_600_000, 'in_progress');
    await writer.write();
    const header = JSON.parse(readFileSync(file).subarray(12, 12 + readFileSync(file).readUInt32LE(8)).toString()) as { caseStateVersionMs: number };
    expect(header.caseStateVersionMs).toBe(now - 3_600_000);
    const after = now + 120_000;
    await insertState('AFTER-1', after, 'in_progress');
    await insertState(openCase(3).caseId, after, 'completed');
    const loaded = newIndex();
    expect(await snapshotOf(loaded, () => after).load()).toMatchObject({ source: 'snapshot', tailOpen: 1, tailClosed: 1 });
    expect(loaded.has('AFTER-1')).toBe(true);
    expect(loaded.has(openCase(3).caseId)).toBe(false);
    expect(loaded.size).toBe(50);

    // The snapshot saw a case state that ClickHouse does not have (a wiped or restored engine): rebuild.
    await ch.command({ query: 'TRUNCATE TABLE tongban.case_state' });
    const ahead = await snapshotOf(newIndex()).load();
    expect(ahead.source).toBe('rebuild');
    expect(ahead.source === 'rebuild' && ahead.reason).toMatch(/^open-cases.bin: ahead of ClickHouse/);
  });
});

async function insertState(caseId: string, versionMs: number, status: string): Promise<void> {
  await ch.command({
    query: `INSERT INTO tongban.case_state (case_id, version, item_code, district_code, township_code, department_code, status, stage, level, holder,
              accepted_at, promised_deadline, statutory_deadline, yellow_from, pauses)
            VALUES ({caseId:String}, fromUnixTimestamp64Milli({v:Int64}, 'Asia/Shanghai'), 'ITEM-1', '500118', 'T1', 'D1', {status:String}, 'accepted', 'district', 'h',
              fromUnixTimestamp64Milli({v:Int64}, 'Asia/Shanghai'), toDate({dl:String}), toDate({dl:String}), toDate({dl:String}), '[]')`,
    query_params: { caseId, v: versionMs, status, dl: isoDay(today + 10) },
  });
}
