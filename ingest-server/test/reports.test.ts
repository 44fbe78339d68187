import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, periodAt, shanghaiDate, type ReportDocument, type ReportListEntry } from '@tongban/shared';
import { HAND_CASES, HAND_ITEMS, HAND_RECTIFICATION, handCase } from './hand-built-cases.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/*
 * Reports on the hand-built fixture set (test/hand-built-cases.fixture.ts), scoped to its test department so
 * every figure is known: October 2025 总分 70.7, 效能指数 0.910 (worked out in metrics.test.ts).
 */

let server: ServerProcess;
const tmp = mkdtempSync(path.join(tmpdir(), 'tongban-reports-'));
const nowIso = () => new Date().toISOString();

const report = async (kind: string, query: string) => {
  const r = await server.get<ReportDocument>(`/api/v1/reports/${kind}?${query}`);
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
  return r.body;
};
const download = async (kind: string, query: string) => {
  const r = await fetch(`${server.url}/api/v1/reports/${kind}?${query}`, { headers: { authorization: 'Bearer dev-admin' } });
  expect(r.status).toBe(200);
  return { body: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type') ?? '', disposition: r.headers.get('content-disposition') ?? '' };
};
/** The figures of a report, without what says when and how it was made. */
const figures = (d: ReportDocument) => ({ summary: d.summary, ranking: d.ranking, overdue: d.overdue, bottlenecks: d.bottlenecks, trends: d.trends, comparisons: d.comparisons });
/** Waits until the case projector has derived every posted completion (the figures depend on it). */
const settled = (period: string, completed: number) =>
  server.eventually(async () => {
    const w = (await server.get<{ headline: { counts: { completed: number } }; subMeasures: Array<{ key: string; denominator: number }> }>(`/api/v1/metrics/wudu?period=${period}&departmentCode=TESTDEPT&source=raw`)).body;
    const onTime = w.subMeasures.find((s) => s.key === 'effectiveness.onTime')!;
    return w.headline.counts.completed === completed && onTime.denominator === completed ? true : undefined;
  }, 30_000);

beforeAll(async () => {
  server = await ServerProcess.start();
  const admin = { 'content-type': 'application/json', authorization: 'Bearer dev-admin' };
  for (const item of HAND_ITEMS) expect((await fetch(`${server.url}/api/v1/items/${item.itemCode}`, { method: 'PUT', headers: admin, body: JSON.stringify(item) })).status).toBe(200);
  expect(((await (await server.post(HAND_CASES)).json()) as { accepted: number }).accepted).toBe(HAND_CASES.length);
  const fix = await fetch(`${server.url}/api/v1/cases/${HAND_RECTIFICATION.caseId}/rating-followups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer dev-token' },
    body: JSON.stringify(HAND_RECTIFICATION.body),
  });
  expect(fix.status).toBe(201);
  const dueOn = addCalendarDays(shanghaiDate(Date.now()), 5);
  const order = await fetch(`${server.url}/api/v1/cases/hb-c11/supervision`, { method: 'POST', headers: admin, body: JSON.stringify({ reason: '超期未办结，请于期限内办结并说明原因', dueOn }) });
  expect(order.status).toBe(201);
  await settled('2025-10', 5);
});
afterAll(async () => {
  await server?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the monthly bulletin (月通报)', () => {
  let doc: ReportDocument;
  let cutoff: string;
  beforeAll(async () => {
    cutoff = nowIso();
    doc = await report('monthly', `period=2025-10&departmentCode=TESTDEPT&fresh=1&cutoff=${encodeURIComponent(cutoff)}`);
  });

  it('records what it is, its metric-definition version and its data cut-off', () => {
    expect(doc).toMatchObject({ kind: 'monthly', kindName: '月通报', title: '测试局2025年10月政务服务效能月通报', definitionVersion: '1.1.0', trigger: 'demand' });
    expect(Date.parse(doc.cutoff)).toBe(Date.parse(cutoff));
    expect(doc.config.weights.completeness).toBe(20);
    expect(doc.catalogueDigest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('carries the 五度, the index and the rankings', () => {
    expect(doc.summary).toMatchObject({ total: 70.7, index: 0.91 });
    expect(doc.ranking.previousPeriod).toBe('2025-09');
    const ranked = doc.ranking.districts.filter((r) => r.rank !== null);
    expect(ranked.map((r) => r.name).sort()).toEqual(['万州区', '永川区']);
    // September holds events on 4 of its 30 days: not comparable, so no rank changes (COMPARISON_RULE).
    expect(doc.ranking.departments.find((r) => r.code === 'TESTDEPT')).toMatchObject({ rank: 1, rankChange: null, total: 70.7 });
  });

  it('lists the overdue cases as of the end of the month, applicants masked', () => {
    expect(doc.overdue.total).toBe(2);
    const byId = Object.fromEntries(doc.overdue.rows.map((r) => [r.caseId, r]));
    expect(byId['hb-c3']).toMatchObject({ status: '已办结（超期）', promisedDeadline: '2025-10-20', workingDaysOverdue: 2, itemName: '测试甲', districtName: '永川区' });
    expect(byId['hb-c11']).toMatchObject({ status: '期末未办结', promisedDeadline: '2025-10-22', workingDaysOverdue: 7, applicant: '王**（139****4321）' });
    expect(JSON.stringify(doc)).not.toMatch(/王晓红|13987654321|500118199203041234/);
  });

  it('finds the bottleneck stages (堵点)', () => {
    expect(doc.bottlenecks.stages.length).toBeGreaterThan(0);
    // c2 sat 5 days at 补正告知 (the applicant's side), shown apart from the department's stages.
    expect(doc.bottlenecks.stages.find((s) => s.stage === 'supplement_requested')).toMatchObject({ applicantSide: true, waits: 1, averageHours: 96 });
    expect(doc.bottlenecks.rows.every((r) => r.stage !== 'supplement_requested')).toBe(true);
    expect(doc.bottlenecks.rows[0]).toMatchObject({ departmentName: '测试局' });
  });

  it('downloads as Excel with the expected sheets, Chinese headers, a frozen header row and number formats', async () => {
    const { body, type, disposition } = await download('monthly', `id=${doc.id}&format=xlsx`);
    expect(type).toContain('spreadsheetml');
    expect(decodeURIComponent(disposition)).toContain('测试局2025年10月政务服务效能月通报.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '排名', '五度明细', '超期办件', '堵点', '环节停留', '对比', '说明']);
    const summary = wb.getWorksheet('汇总')!;
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(summary.getRow(1).values).toEqual([undefined, '项目', '数值', '说明']);
    const totalRow = summary.getColumn(1).values.indexOf('五度总分');
    expect(summary.getCell(totalRow, 2).value).toBe(70.7);
    expect(summary.getCell(totalRow, 2).numFmt).toBe('0.0');
    const onTimeRow = summary.getColumn(1).values.indexOf('按时办结率');
    expect(summary.getCell(onTimeRow, 2)).toMatchObject({ value: 0.8, numFmt: '0.0%' });
    const ranking = wb.getWorksheet('排名')!;
    expect(ranking.getRow(1).values).toEqual(expect.arrayContaining(['排名', '名次变化', '效能指数', '五度总分', '服务方式完备度', '按时办结率']));
    const dept = ranking.getColumn(4).values.indexOf('TESTDEPT');
    expect(ranking.getCell(dept, 6)).toMatchObject({ value: 0.91, numFmt: '0.000' });
    const overdue = wb.getWorksheet('超期办件')!;
    expect(overdue.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(overdue.getColumn(1).values).toEqual(expect.arrayContaining(['案件编号', 'hb-c3', 'hb-c11']));
    expect(overdue.getColumn(12).values).toContain('王**（139****4321）');
    const wudu = wb.getWorksheet('五度明细')!;
    expect(wudu.rowCount).toBeGreaterThan(17 * 41);
  });

  it('prints as PDF holding the district names and figures, with page numbers', async () => {
    const { body, type } = await download('monthly', `id=${doc.id}&format=pdf`);
    expect(type).toBe('application/pdf');
    const file = path.join(tmp, 'monthly.pdf');
    writeFileSync(file, body);
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    for (const s of ['测试局2025年10月政务服务效能月通报', '永川区', '万州区', '江北区', '测试局', '70.7', '0.910', '80.0%', 'hb-c11', '第 1 页']) expect(text).toContain(s);
    expect(text).not.toContain('王晓红');
  });

  it('downloads a table as CSV in UTF-8 with a byte-order mark', async () => {
    const { body, type } = await download('monthly', `id=${doc.id}&format=csv`);
    expect(type).toBe('text/csv; charset=utf-8');
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('类别,排名,名次变化,代码,名称,效能指数,五度总分,服务方式完备度,服务事项覆盖度,办事指南准确度,在线服务深度,在线服务成效度,申办件数,办结件数,按时办结率,好评率,网上办件率,最多跑一次率');
    expect(lines.find((l) => l.includes('TESTDEPT'))).toMatch(/^部门,1,,TESTDEPT,测试局,0\.910,70\.7,/);
    const overdue = (await download('monthly', `id=${doc.id}&format=csv&table=overdue`)).body.toString('utf8');
    expect(overdue).toContain('王**（139****4321）');
    expect((await server.get(`/api/v1/reports/monthly?id=${doc.id}&format=csv&table=nope`)).status).toBe(400);
  });
});

describe('日扫描 and 周调度', () => {
  it('lists new red cases, long-overdue cases, too-fast completions and bad ratings nearing their deadline', async () => {
    const oct22 = await report('daily', 'period=2025-10-22&departmentCode=TESTDEPT');
    expect(oct22.daily!.newRed.map((r) => r.caseId)).toEqual(['hb-c11']);
    expect((await report('daily', 'period=2025-10-14&departmentCode=TESTDEPT')).daily!.tooFast.map((r) => r.caseId)).toEqual(['hb-c4']);
    // 11 working days past 10-22 on 11-06 (≥ 10: long overdue); 10 days would be 11-05.
    expect((await report('daily', 'period=2025-11-06&departmentCode=TESTDEPT')).daily!.longOverdue.map((r) => [r.caseId, r.workingDaysOverdue])).toEqual([['hb-c11', 11]]);
    expect((await report('daily', 'period=2025-11-04&departmentCode=TESTDEPT')).daily!.longOverdue).toEqual([]);
    // On 10-16, c8's rectification is due 10-20 (2 working days left); c7 was rectified that morning.
    const oct16 = await report('daily', 'period=2025-10-16&departmentCode=TESTDEPT');
    expect(oct16.daily!.badRatingsDue).toEqual([expect.objectContaining({ caseId: 'hb-c8', deadline: '2025-10-20', workingDaysLeft: 2, rating: 2 })]);
  });

  it('reports the 督办 orders of the week', async () => {
    const week = await report('weekly', `period=${periodAt('week', Date.now()).key}&districtCode=500118`);
    expect(week.weekly!.supervision).toMatchObject({ issued: 1, resolved: 0, openAtEnd: 1, overdueOpen: 0 });
    expect(week.weekly!.supervision.orders[0]).toMatchObject({ caseId: 'hb-c11', districtName: '永川区', itemName: '测试乙', status: '办理中' });
    const { body } = await download('weekly', `id=${week.id}&format=xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '排名', '五度明细', '超期办件', '堵点', '环节停留', '督办汇总', '督办清单', '说明']);
  });
});

describe('reproducibility', () => {
  it('gives last quarter the same numbers after events for later periods arrive, and exactly its cut-off’s numbers after late ones', async () => {
    const q = 'period=2025-Q4&departmentCode=TESTDEPT';
    const cutoff = nowIso();
    const first = await report('quarterly', `${q}&fresh=1&cutoff=${encodeURIComponent(cutoff)}`);
    expect(first.summary.headline.counts).toMatchObject({ submitted: 9, completed: 5 });
    expect(first.trends!.points.map((p) => p.period)).toEqual(['2025-10', '2025-11', '2025-12']);
    expect(first.comparisons).toMatchObject({ previous: { period: '2025-Q3' }, lastYear: { period: '2024-Q4' } });
    // c10 (deadline 11-04) was still open at the end of the quarter.
    expect(first.overdue.rows.find((r) => r.caseId === 'hb-c10')).toMatchObject({ status: '期末未办结', completedAt: null });

    // January 2026: c10 completes late and is rated; a new case arrives.
    await server.post([
      ...handCase('hb-c10', 'T-A', 'mobile', [['completed', '2026-01-05T10:00:00', { visits: 1 }], ['rated', '2026-01-06T10:00:00', { rating: 1 }]]).map((e, i) => ({ ...e, eventId: `hb-c10.jan${i}` })),
      ...handCase('hb-c20', 'T-A', 'pc', [['submitted', '2026-01-06T09:00:00'], ['accepted', '2026-01-06T09:30:00'], ['completed', '2026-01-07T09:00:00', { visits: 0 }]]),
    ]);
    await settled('2026-01', 2);
    const again = await report('quarterly', `${q}&fresh=1&cutoff=${encodeURIComponent(nowIso())}`);
    expect(again.id).not.toBe(first.id);
    expect(Date.parse(again.cutoff)).toBeGreaterThan(Date.parse(first.cutoff));
    expect(figures(again)).toEqual(figures(first));

    // A late event of the quarter (received after the first cut-off): the first cut-off still gives the first numbers.
    await server.post(handCase('hb-c21', 'T-B', 'window', [['submitted', '2025-11-03T09:00:00']]));
    const latePostedAt = Date.now();
    // Once the rollup of 11-03 holds the late event, it no longer matches the first cut-off: the report falls back to the raw log.
    await server.eventually(async () => {
      const r = await fetch(`${server.url}/api/v1/metrics/rollups/refresh`, { method: 'POST', headers: { authorization: 'Bearer dev-admin' } });
      return Date.parse(((await r.json()) as { cutoff: string }).cutoff) > latePostedAt ? true : undefined;
    }, 30_000);
    const reproduced = await report('quarterly', `${q}&fresh=1&cutoff=${encodeURIComponent(first.cutoff)}`);
    expect(reproduced.source).toBe('raw'); // the rollup of 11-03 now holds an event received after the cut-off
    expect(figures(reproduced)).toEqual(figures(first));
    const latest = await report('quarterly', `${q}&fresh=1&cutoff=${encodeURIComponent(nowIso())}`);
    expect(latest.summary.headline.counts.submitted).toBe(10);

    // Asking for the stored cut-off again returns the stored report.
    expect((await report('quarterly', `${q}&cutoff=${encodeURIComponent(first.cutoff)}`)).cutoff).toBe(first.cutoff);
  });

  it('lists the stored reports with their cut-off and definition version', async () => {
    const list = (await server.get<{ reports: ReportListEntry[] }>('/api/v1/reports?kind=quarterly')).body.reports;
    expect(list.length).toBeGreaterThanOrEqual(4);
    expect(list[0]).toMatchObject({ kind: 'quarterly', period: '2025-Q4', scope: 'department:TESTDEPT', definitionVersion: '1.1.0' });
    expect(list.every((r) => r.cutoff.endsWith('+08:00'))).toBe(true);
  });

  it('refuses unknown kinds, mismatched periods and future periods', async () => {
    expect((await server.get('/api/v1/reports/hourly')).status).toBe(404);
    expect((await server.get('/api/v1/reports/monthly?period=2025-Q3')).status).toBe(400);
    expect((await server.get('/api/v1/reports/annual?period=2099')).status).toBe(400);
    expect((await server.get('/api/v1/reports/monthly?period=2025-10&format=docx')).status).toBe(400);
  });
});

