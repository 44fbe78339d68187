import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISTRICTS, type ReportAnswer, type ReportDocument } from '@tongban/shared';
import { HAND_ITEMS, handCase } from './hand-built-cases.fixture.ts';
import { reportPdf } from '../src/reports/report-pdf.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/*
 * A city 月通报 for November 2025 on a fixture set made for the bulletin (items of hand-built-cases.ts):
 *   万州区 500101 and 涪陵区 500102: identical cases (30 on time and rated 5, 10 left open) → tied index.
 *   沙坪坝区 500106: 560 cases left open and 20 completed late → 600 overdue cases in the city, the worst index.
 *   永川区 500118: 50 on time, one of them rated 1 (its rectification falls due in November; none is ever recorded).
 *   October 2025: two cases on two days (2 of 31 days: 数据不足). November 2024: nothing (无数据).
 */

const OFFICE = '重庆市测试政务服务效能监察办公室';
const PREFIX = '渝测效';
let server: ServerProcess;
const tmp = mkdtempSync(path.join(tmpdir(), 'tongban-bulletin-'));
const docsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs');

type Step = Parameters<typeof handCase>[3][number];
const onTime = (id: string, district: string, extra: Step[] = []) =>
  handCase(id, 'T-A', 'pc', [['submitted', '2025-11-03T09:00:00'], ['accepted', '2025-11-03T09:30:00'], ['completed', '2025-11-04T10:00:00', { visits: 0 }], ['rated', '2025-11-05T10:00:00', { rating: 5 }], ...extra], district);
const open = (id: string, district: string, day: string) => handCase(id, 'T-A', 'window', [['submitted', `${day}T09:00:00`], ['accepted', `${day}T09:20:00`]], district);
const late = (id: string, district: string) =>
  handCase(id, 'T-A', 'window', [['submitted', '2025-11-03T09:00:00'], ['accepted', '2025-11-03T09:20:00'], ['completed', '2025-11-20T10:00:00', { visits: 2 }]], district);

function fixture() {
  const events: object[] = [];
  for (const d of ['500101', '500102']) {
    for (let i = 0; i < 30; i++) events.push(...onTime(`bl-${d}-ok${i}`, d));
    for (let i = 0; i < 10; i++) events.push(...open(`bl-${d}-open${i}`, d, '2025-11-03'));
  }
  const days = ['2025-11-03', '2025-11-04', '2025-11-05', '2025-11-06', '2025-11-07'];
  for (let i = 0; i < 560; i++) events.push(...open(`bl-spb-${String(i).padStart(3, '0')}`, '500106', days[i % days.length]!));
  for (let i = 0; i < 20; i++) events.push(...late(`bl-spb-late${i}`, '500106'));
  for (let i = 0; i < 49; i++) events.push(...onTime(`bl-yc-${i}`, '500118'));
  // Rated 1 on 11-03: rectification due 15 working days later, in November.
  events.push(...handCase('bl-yc-bad', 'T-A', 'pc', [['submitted', '2025-11-03T08:00:00'], ['accepted', '2025-11-03T08:10:00'], ['completed', '2025-11-03T09:00:00', { visits: 0 }], ['rated', '2025-11-03T10:00:00', { rating: 1 }]], '500118'));
  events.push(...handCase('bl-oct-1', 'T-A', 'pc', [['submitted', '2025-10-09T09:00:00'], ['accepted', '2025-10-09T09:30:00'], ['completed', '2025-10-09T15:00:00', { visits: 0 }]], '500118'));
  events.push(...handCase('bl-oct-2', 'T-A', 'pc', [['submitted', '2025-10-10T09:00:00'], ['accepted', '2025-10-10T09:30:00'], ['completed', '2025-10-10T15:00:00', { visits: 0 }]], '500101'));
  return events;
}
const COMPLETED_NOV = 30 + 30 + 20 + 49 + 1;

const report = async (query: string) => {
  const r = await server.get<ReportAnswer>(`/api/v1/reports/monthly?${query}`);
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
  return r.body;
};
const download = async (query: string) => {
  const r = await fetch(`${server.url}/api/v1/reports/monthly?${query}`, { headers: { authorization: 'Bearer dev-admin' } });
  expect(r.status).toBe(200);
  return Buffer.from(await r.arrayBuffer());
};
const pdfText = (pdf: Buffer, name: string, layout = false) => {
  const file = path.join(tmp, name);
  writeFileSync(file, pdf);
  return spawnSync('pdftotext', [...(layout ? ['-layout'] : []), file, '-'], { encoding: 'utf8' }).stdout;
};

beforeAll(async () => {
  server = await ServerProcess.start({ REPORTS_SCHEDULE: 'off', REPORTS_ISSUING_OFFICE: OFFICE, REPORTS_DOC_PREFIX: PREFIX });
  const admin = { 'content-type': 'application/json', authorization: 'Bearer dev-admin' };
  for (const item of HAND_ITEMS) expect((await fetch(`${server.url}/api/v1/items/${item.itemCode}`, { method: 'PUT', headers: admin, body: JSON.stringify(item) })).status).toBe(200);
  const events = fixture();
  expect(((await (await server.post(events)).json()) as { accepted: number }).accepted).toBe(events.length);
  await server.eventually(async () => {
    const w = (await server.get<{ headline: { counts: { completed: number } }; subMeasures: Array<{ key: string; denominator: number }> }>('/api/v1/metrics/wudu?period=2025-11&source=raw')).body;
    return w.headline.counts.completed === COMPLETED_NOV && w.subMeasures.find((s) => s.key === 'effectiveness.onTime')!.denominator === COMPLETED_NOV ? true : undefined;
  }, 60_000);
});
afterAll(async () => {
  await server?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the city 月通报 of November 2025', () => {
  let doc: ReportAnswer;
  let pdf: Buffer;
  beforeAll(async () => {
    doc = await report(`period=2025-11&fresh=1&cutoff=${encodeURIComponent(new Date().toISOString())}`);
    pdf = await download(`id=${doc.id}&format=pdf`);
  });

  it('states no comparison the data does not hold (JSON)', () => {
    const c = doc.comparisons!;
    expect(c.previous).toMatchObject({ period: '2025-10', coverage: { status: 'insufficient', coveredDays: 2, days: 31 }, total: null, index: null });
    expect(c.lastYear).toMatchObject({ period: '2024-11', coverage: { status: 'none', coveredDays: 0 }, total: null });
    expect(c.rows.length).toBe(DISTRICTS.length);
    expect(c.rows.every((r) => r.previousTotal === null && r.lastYearTotal === null && r.previousIndex === null)).toBe(true);
    expect(doc.ranking.districts.every((r) => r.rankChange === null)).toBe(true);
    expect(doc.narrative).toMatchObject({ improvements: [], declines: [] });
    expect(doc.narrative!.noComparison).toContain('数据不足');
  });

  it('says 数据不足 / 无数据 in the XLSX comparison cells, never a number', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(`id=${doc.id}&format=xlsx`)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('对比')!;
    const headers = ws.getRow(1).values as unknown[];
    const col = (h: string) => headers.findIndex((x) => typeof x === 'string' && x.startsWith(h));
    const values = (h: string) => (ws.getColumn(col(h)).values as unknown[]).slice(2);
    expect(values('上期（2025年10月）总分')).toEqual(Array(DISTRICTS.length).fill('数据不足'));
    expect(values('环比变化')).toEqual(Array(DISTRICTS.length).fill('数据不足'));
    expect(values('同期（2024年11月）总分')).toEqual(Array(DISTRICTS.length).fill('无数据'));
    expect(values('同比变化')).toEqual(Array(DISTRICTS.length).fill('无数据'));
  });

  it('prints the comparisons as 数据不足 / 无数据 and the narrative states no change (PDF)', () => {
    const text = pdfText(pdf, 'm.pdf', true);
    expect(text).toContain('上期（2025年10月）数据不足');
    expect(text).toContain('去年同期（2024年11月）无数据');
    expect(text).not.toMatch(/总分(上升|下降)/);
  });

  it('exports every overdue case in the XLSX and the CSV, most overdue first; the PDF shows the worst and says how many more', async () => {
    expect(doc.overdue.total).toBe(600);
    expect(doc.overdue.rows.length).toBeLessThan(600);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(`id=${doc.id}&format=xlsx`)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('超期办件')!;
    expect(ws.rowCount).toBe(1 + 600);
    const days = (ws.getColumn(10).values as unknown[]).slice(2) as number[];
    expect(days.length).toBe(600);
    expect([...days].sort((a, b) => b - a)).toEqual(days);
    expect(days[0]!).toBeGreaterThan(days.at(-1)!);
    const ids = new Set((ws.getColumn(1).values as unknown[]).slice(2));
    expect(ids.size).toBe(600);
    expect(ids.has('bl-spb-559') && ids.has('bl-500101-open9') && ids.has('bl-spb-late19')).toBe(true);
    const csv = (await download(`id=${doc.id}&format=csv&table=overdue`)).toString('utf8').replace(/^\uFEFF/, '');
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines.length).toBe(1 + 600);
    expect(lines[0]).toMatch(/^案件编号,事项编码,事项,/);
    const text = pdfText(pdf, 'm2.pdf', true);
    expect(text).toMatch(new RegExp(`共 600 件，此处列出前 30 件；另 570 件见本报告 Excel 版和 CSV 版`));
  });

  it('forms the city index as the case-weighted mean of the districts’ indexes, between the lowest and the highest', () => {
    const ranked = doc.ranking.districts.filter((r) => r.index !== null && r.submitted > 0);
    expect(ranked.length).toBe(4);
    const w = ranked.reduce((s, r) => s + r.submitted, 0);
    const mean = ranked.reduce((s, r) => s + r.index! * r.submitted, 0) / w;
    expect(doc.summary.index).toBe(Math.round(mean * 1000) / 1000);
    expect(doc.summary.index!).toBeGreaterThanOrEqual(Math.min(...ranked.map((r) => r.index!)));
    expect(doc.summary.index!).toBeLessThanOrEqual(Math.max(...ranked.map((r) => r.index!)));
    const totalMean = ranked.reduce((s, r) => s + r.total! * r.submitted, 0) / w;
    expect(doc.summary.total).toBe(Math.round(totalMean * 10) / 10);
    expect(doc.city).toMatchObject({ districts: 4, weight: w });
  });

  it('gives tied districts the same rank and skips the next', () => {
    const by = Object.fromEntries(doc.ranking.districts.map((r) => [r.code, r]));
    expect(by['500101']!.index).toBe(by['500102']!.index);
    expect(by['500101']!.rank).toBe(by['500102']!.rank);
    const tie = by['500101']!.rank!;
    const ranks = doc.ranking.districts.map((r) => r.rank).filter((r) => r !== null);
    expect(ranks).not.toContain(tie + 1);
    expect(ranks).toContain(tie + 2);
    // 万州区 and 涪陵区 tie at the top: 1, 1, then 3.
    expect([...ranks].sort((a, b) => a - b)).toEqual([1, 1, 3, 4]);
  });

  it('shows 差评按期整改率 as no data, not 0, while no rectification was ever recorded', () => {
    expect(doc.summary.headline.counts.badRatingsDue).toBe(1);
    expect(doc.summary.headline.badRectifiedOnTimeRate).toBeNull();
    expect(doc.summary.subMeasures.find((m) => m.key === 'effectiveness.rectifiedOnTime')).toMatchObject({ value: null, score: null });
  });

  it('shows each 堵点 row with its department, item code and level, so no two rows look the same', () => {
    const keys = doc.bottlenecks.rows.map((r) => `${r.departmentCode}|${r.itemCode}|${r.stage}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(doc.bottlenecks.rows[0]).toMatchObject({ itemCode: 'T-A', itemLevel: 'district', departmentCode: 'TESTDEPT' });
  });

  it('is a bulletin: 红头, 文号, date, narrative, 整改要求, signature, no district name broken', () => {
    expect(doc.issue).toMatchObject({ office: OFFICE });
    expect(doc.issue!.docNumber).toMatch(new RegExp(`^${PREFIX}〔\\d{4}〕\\d+号$`));
    const text = pdfText(pdf, 'm3.pdf', true);
    for (const s of [OFFICE, doc.issue!.docNumber, doc.issue!.issuedOn, '总体情况', '主要变化', '未达到目标的区县', '沙坪坝区（效能指数', '超期办件较多的事项', '“测试甲”（T-A）超期 600 件', '整改要求', '沙坪坝区：效能指数', '（印章）', '第 1 页', '全市效能指数为 4 个区县按申办件数加权平均']) {
      expect(text, s).toContain(s);
    }
    // A name broken across lines would come out as its two halves on two lines.
    const raw = pdfText(pdf, 'm4.pdf');
    for (const d of DISTRICTS) {
      for (let i = 1; i < d.name.length; i++) expect(raw, d.name).not.toContain(`${d.name.slice(0, i)}\n${d.name.slice(i)}`);
    }
    expect(text).not.toMatch(/受理环\s*\n\s*节/);
    // Page 1 of the bulletin, for the README.
    const png = path.join(process.env.WRITE_DOCS === '1' ? docsDir : tmp, 'report-monthly');
    const r = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', path.join(tmp, 'm3.pdf'), png]);
    expect(r.status).toBe(0);
    expect(statSync(`${png}.png`).size).toBeGreaterThan(10_000);
  });

  it('numbers each bulletin of a year in sequence', async () => {
    const next = await report(`period=2025-11&fresh=1&cutoff=${encodeURIComponent(new Date().toISOString())}`);
    const seq = (d: ReportDocument) => Number(/〔\d{4}〕(\d+)号/.exec(d.issue!.docNumber)![1]);
    expect(seq(next)).toBe(seq(doc) + 1);
  });

  it('says 演示数据 on every page of a report built from simulated data', async () => {
    const text = pdfText(await reportPdf({ ...doc, simulated: true }), 'demo.pdf', true);
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(2);
    for (const p of pages) expect(p).toContain('演示数据');
    expect(pdfText(pdf, 'm5.pdf')).not.toContain('演示数据');
  });

  it('tells that the stored report is older than the data once events of its month arrive after its cut-off', async () => {
    expect((await report(`id=${doc.id}`)).freshness).toMatchObject({ eventsAfterCutoff: 0 });
    await server.post(handCase('bl-after', 'T-A', 'pc', [['submitted', '2025-11-20T09:00:00']], '500118'));
    await server.eventually(async () => ((await report(`id=${doc.id}`)).freshness!.eventsAfterCutoff >= 1 ? true : undefined), 20_000);
  });

  it('does not serve a stored report as final once its month changed after it was built (a late event)', async () => {
    // The test before this one sent a late event too: the month is built anew until a build holds it.
    const before = await server.eventually(async () => {
      const r = await report('period=2025-11');
      return r.freshness!.stale ? undefined : r;
    }, 30_000);
    const submittedBefore = before.summary.headline.counts.submitted;
    // A case of November, arriving in December: the stored 月通报 no longer holds all of November.
    await server.post(handCase('bl-late-month', 'T-A', 'pc', [['submitted', '2025-11-21T09:00:00']], '500101'));
    await server.eventually(async () => ((await report(`id=${before.id}`)).freshness!.stale ? true : undefined), 20_000);
    const stored = (await report(`id=${before.id}`)).freshness!;
    expect(stored.periodChangedAt).not.toBeNull();
    // Asked for without an id, the month is built anew (once the late event is past the settle time it is counted).
    const again = await server.eventually(async () => {
      const r = await report('period=2025-11');
      return r.id !== before.id && !r.freshness!.stale && r.summary.headline.counts.submitted === submittedBefore + 1 ? r : undefined;
    }, 30_000);
    expect(again.freshness).toMatchObject({ stale: false, eventsAfterCutoff: 0 });
  });
});
