import * as echarts from 'echarts';
import {
  formatCell,
  HEADLINE_NAMES,
  rankingBarOption,
  reportTables,
  shanghaiMinute,
  BOTTLENECK_RULE,
  COVERAGE_TEXT,
  METHOD_NOTES,
  RANKING_RULE,
  stageBarOption,
  trendLineOption,
  WUDU_DIMENSIONS,
  WUDU_NAMES,
  wuduRadarOption,
  type ChartOption,
  type HeadlineKey,
  type ReportDocument,
  type ReportTable,
} from '@tongban/shared';

/** The CJK font installed with fonts-noto-cjk; every glyph of the report is in it. */
export const REPORT_FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** An ECharts option rendered server-side to an SVG string (no DOM, no canvas). */
export function chartSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option as echarts.EChartsOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Short PDF headers, broken where a reader breaks them (CJK words stay whole: see the table CSS). */
const PDF_HEADERS: Record<string, string> = {
  服务方式完备度: '服务方式<br>完备度',
  服务事项覆盖度: '服务事项<br>覆盖度',
  办事指南准确度: '办事指南<br>准确度',
  在线服务深度: '在线服务<br>深度',
  在线服务成效度: '在线服务<br>成效度',
  按时办结率: '按时<br>办结率',
  最多跑一次率: '最多跑<br>一次率',
  网上办件率: '网上<br>办件率',
  差评按期整改率: '差评按期<br>整改率',
  '超期（工作日）': '超期<br>工作日',
  承诺办结期限: '承诺办结<br>期限',
  '申请人（已脱敏）': '申请人<br>（已脱敏）',
  '平均停留（小时）': '平均停留<br>（小时）',
  '最长停留（小时）': '最长停留<br>（小时）',
  该事项超期件数: '该事项<br>超期件数',
  上期效能指数: '上期<br>效能指数',
};
const header = (h: string) => PDF_HEADERS[h] ?? esc(h).replace(/（/, '<br>（');

/** Columns whose text must never break (names, codes, dates): the table grows a line elsewhere instead. */
const NOWRAP = new Set(['名称', '区县', '部门', '案件编号', '事项编码', '代码', '区县代码', '部门代码', '环节', '状态', '期间', '承诺办结期限', '事项层级', '考评等级']);

function htmlTable(t: ReportTable, limit?: number, columns?: number[], unit = '行'): string {
  const cols = columns ?? t.columns.map((_, i) => i);
  const rows = limit === undefined ? t.rows : t.rows.slice(0, limit);
  const head = cols.map((i) => `<th>${header(t.columns[i]!.header)}</th>`).join('');
  const cls = (i: number) => `${t.columns[i]!.format === 'text' || t.columns[i]!.format === 'datetime' ? 't' : 'n'}${NOWRAP.has(t.columns[i]!.header) ? ' nw' : ''}`;
  const body = rows
    .map((r) => `<tr>${cols.map((i) => `<td class="${cls(i)}">${esc(formatCell(r[i] ?? null, t.columns[i]!.format, '—'))}</td>`).join('')}</tr>`)
    .join('');
  const all = t.total ?? t.rows.length;
  const more = all > rows.length ? `<p class="note">共 ${all} ${unit}，此处列出前 ${rows.length} ${unit}；另 ${all - rows.length} ${unit}见本报告 Excel 版和 CSV 版（完整清单）。</p>` : '';
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

const list = (items: readonly string[]) => (items.length ? `<ol>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ol>` : '');

/** Room for every ranked unit's bar (41 districts fill most of a page). */
const chartHeight = (bars: number) => Math.min(660, Math.max(160, 70 + 14 * bars));
const ratio = (v: number | null) => (v === null ? '无数据' : `${(v * 100).toFixed(1)}%`);
const TILES: HeadlineKey[] = ['onTimeRate', 'zeroOrOneTripRate', 'onlineShare', 'goodRatingRate', 'crossDistrictItemShare', 'promisedVsStatutoryReduction', 'badRectifiedOnTimeRate'];
const CN_NUM = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四'];

/** The lead sentence of each kind's template. */
const LEAD: Partial<Record<ReportDocument['kind'], (d: ReportDocument) => string>> = {
  monthly: (d) => `现将${d.period.label}${d.scope.name}政务服务效能监察情况通报如下。`,
  quarterly: (d) => `现将${d.period.label}${d.scope.name}政务服务效能分析情况报告如下，请各区县、各部门对照查找问题，抓好整改。`,
  annual: (d) => `根据政务服务“五度”监察结果，现将${d.period.label}${d.scope.name}政务服务效能考评结果公布如下。`,
};

/** The printable bulletin: 红头, 文号, narrative findings, the five scores, rankings, 堵点, lists, 整改要求, method notes and the signature block. */
export function reportHtml(doc: ReportDocument, opts: { overdueRows?: number } = {}): string {
  const tables = new Map(reportTables(doc).map((t) => [t.key, t]));
  const s = doc.summary;
  const style = { fontFamily: REPORT_FONT, animation: false };
  const ranking = tables.get('ranking')!;
  const districtRows = { ...ranking, rows: ranking.rows.filter((r) => r[0] === '区县') };
  const departmentRows = { ...ranking, rows: ranking.rows.filter((r) => r[0] === '部门') };
  const sections: string[] = [];
  const nar = doc.narrative;
  let n = 0;
  const num = () => CN_NUM[n++];
  const annual = doc.kind === 'annual';

  sections.push(`
    <section>
      <h2>${num()}、总体情况</h2>
      ${(nar?.overview ?? []).map((p) => `<p class="para">${esc(p)}</p>`).join('')}
      <div class="tiles">
        <div class="tile"><b>${esc(formatCell(s.total, 'score', '无数据'))}</b><span>五度总分</span></div>
        <div class="tile"><b>${esc(formatCell(s.index, 'index', '无数据'))}</b><span>效能指数（1.000 为达标）</span></div>
        ${TILES.map((k) => `<div class="tile"><b>${ratio(s.headline[k])}</b><span>${esc(HEADLINE_NAMES[k])}</span></div>`).join('')}
      </div>
      <p class="note">申办 ${s.headline.counts.submitted} 件，办结 ${s.headline.counts.completed} 件（超期 ${s.headline.counts.completedLate} 件），评价 ${s.headline.counts.rated} 条（差评 ${s.headline.counts.badRatings} 条）。${doc.city ? `全市效能指数为 ${doc.city.districts} 个区县按申办件数加权平均。` : ''}</p>
    </section>`);

  if (nar) {
    sections.push(`
    <section>
      <h2>${num()}、主要变化</h2>
      ${nar.noComparison ? `<p class="para">${esc(nar.noComparison)}</p>` : ''}
      ${nar.improvements.length ? `<p class="para"><b>进步较大：</b></p>${list(nar.improvements)}` : nar.noComparison ? '' : '<p class="para">本期无总分较上期上升的区县。</p>'}
      ${nar.declines.length ? `<p class="para"><b>退步较大：</b></p>${list(nar.declines)}` : nar.noComparison ? '' : '<p class="para">本期无总分较上期下降的区县。</p>'}
      <p class="para"><b>未达到目标的区县（效能指数低于 1.000）：</b>${nar.belowTarget.length ? '' : '无。'}</p>${list(nar.belowTarget)}
      <p class="para"><b>超期办件较多的事项：</b>${nar.overdueItems.length ? '' : '无。'}</p>${list(nar.overdueItems)}
    </section>`);
  }

  sections.push(`
    <section>
      <h2>${num()}、“五度”得分</h2>
      <div class="chart">${chartSvg(wuduRadarOption(s.scores, doc.config.targets, style), 640, 330)}</div>
      <table><thead><tr><th>五度</th><th>得分</th><th>目标</th><th>权重</th></tr></thead><tbody>
        ${WUDU_DIMENSIONS.map((d) => `<tr><td class="t nw">${esc(WUDU_NAMES[d])}</td><td class="n">${esc(formatCell(s.scores[d], 'score', '无数据'))}</td><td class="n">${doc.config.targets[d]}</td><td class="n">${doc.config.weights[d]}</td></tr>`).join('')}
      </tbody></table>
      ${htmlTable({ ...tables.get('wudu')!, rows: tables.get('wudu')!.rows.filter((r) => r[0] === '本报告范围') }, undefined, [3, 4, 5, 6, 7, 8])}
    </section>`);

  sections.push(`
    <section class="break">
      <h2>${num()}、区县效能指数${annual ? '考评' : '排名'}</h2>
      <div class="chart">${chartSvg(rankingBarOption(doc.ranking.districts, style), 680, chartHeight(doc.ranking.districts.filter((r) => r.rank !== null).length))}</div>
      ${htmlTable(districtRows, undefined, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 14, ...(annual ? [18] : [])])}
      <p class="note">${esc(RANKING_RULE)}</p>
    </section>
    <section class="break">
      <h2>${num()}、部门效能指数${annual ? '考评' : '排名'}</h2>
      ${htmlTable(departmentRows, undefined, [1, 2, 4, 5, 6, 12, 14, 15, ...(annual ? [18] : [])])}
    </section>`);

  if (doc.trends) {
    sections.push(`
      <section class="break">
        <h2>${num()}、趋势</h2>
        <div class="chart">${chartSvg(trendLineOption(doc.trends.points, style), 640, 300)}</div>
        ${htmlTable(tables.get('trends')!, undefined, [0, 1, 2, 8, 9, 10, 11, 13, 14])}
      </section>`);
  }
  if (doc.comparisons) {
    const c = doc.comparisons;
    const said = (p: typeof c.previous, what: string) =>
      p.coverage && p.coverage.status !== 'ok'
        ? `${what}（${esc(p.label)}）${COVERAGE_TEXT[p.coverage.status]}（有数据 ${p.coverage.coveredDays}/${p.coverage.days} 天），不作比较`
        : `${what}（${esc(p.label)}）总分 ${esc(formatCell(p.total, 'score', '无数据'))}`;
    sections.push(`
      <section${doc.trends ? '' : ' class="break"'}>
        <h2>${num()}、对比</h2>
        <p class="note">${said(c.previous, '上期')}；${said(c.lastYear, '去年同期')}。</p>
        ${htmlTable(tables.get('comparisons')!, undefined, [1, 2, 3, 4, 5, 6, 9, 10])}
      </section>`);
  }
  if (doc.daily) {
    sections.push(`
      <section class="break">
        <h2>${num()}、日扫描清单</h2>
        <p class="note">新增超期 ${doc.daily.newRed.length} 件，长期超期 ${doc.daily.longOverdue.length} 件，办结过快 ${doc.daily.tooFast.length} 件，差评整改临期 ${doc.daily.badRatingsDue.length} 条。</p>
        ${htmlTable(tables.get('daily')!, 60)}
      </section>`);
  }
  if (doc.weekly) {
    sections.push(`
      <section class="break">
        <h2>${num()}、督办情况</h2>
        ${htmlTable(tables.get('supervision')!)}
        ${htmlTable(tables.get('supervisionOrders')!, 40, [1, 2, 3, 4, 5, 6])}
      </section>`);
  }
  sections.push(`
    <section class="break">
      <h2>${num()}、堵点分析</h2>
      <div class="chart">${chartSvg(stageBarOption(doc.bottlenecks.stages, style), 640, 280)}</div>
      ${htmlTable(tables.get('bottlenecks')!, 20, [1, 2, 3, 4, 5, 6, 7, 9])}
      <p class="note">${esc(BOTTLENECK_RULE)}</p>
    </section>
    <section>
      <h2>${num()}、超期办件（共 ${doc.overdue.total} 件，按超期工作日从多到少）</h2>
      ${htmlTable(tables.get('overdue')!, opts.overdueRows ?? 30, [0, 2, 4, 7, 9, 10], '件')}
    </section>`);
  if (nar?.requirements.length) {
    sections.push(`
    <section>
      <h2>${num()}、整改要求</h2>
      ${list(nar.requirements)}
    </section>`);
  }
  sections.push(`
    <section class="method">
      <h2>${num()}、附注：指标口径（指标定义版本 ${esc(doc.definitionVersion)}）</h2>
      <ol>${METHOD_NOTES.slice(0, 5).map(([k, v]) => `<li><b>${esc(k)}：</b>${esc(v)}</li>`).join('')}</ol>
      <p class="note">各分项指标的计算公式见 Excel 版“说明”表。申请人个人信息已脱敏。“五度”权重与目标为指挥中心配置。</p>
    </section>`);

  const issue = doc.issue;
  const redHead = issue
    ? `<header class="redhead"><div class="office">${esc(issue.office)}</div><div class="docno">${esc(issue.docNumber)}</div><div class="redline"></div></header>`
    : '';
  const signature = issue
    ? `<div class="signature"><div class="seal">（印章）</div><div>${esc(issue.office)}</div><div>${esc(issue.issuedOn)}</div></div>`
    : '';
  const demo = doc.simulated ? '<div class="demo-mark">演示数据</div>' : '';

  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(doc.title)}</title>
<style>
  @page { size: A4; margin: 18mm 14mm 18mm 14mm; }
  body { font-family: ${REPORT_FONT}; font-size: 10.5pt; color: #1b1f23; line-break: strict; }
  .redhead { text-align: center; margin-bottom: 10pt; }
  .redhead .office { color: #c00000; font-size: 26pt; font-weight: bold; letter-spacing: 2pt; white-space: nowrap; }
  .redhead .docno { font-size: 11pt; margin-top: 8pt; }
  .redhead .redline { border-top: 2pt solid #c00000; margin-top: 6pt; }
  h1 { font-size: 17pt; text-align: center; margin: 6pt 0; word-break: keep-all; }
  h2 { break-after: avoid; font-size: 13pt; border-left: 4pt solid #1f6fb2; padding-left: 6pt; margin: 14pt 0 6pt; }
  .lead { text-indent: 2em; }
  .para { text-indent: 2em; margin: 3pt 0; line-height: 1.6; }
  ol { margin: 2pt 0 4pt 0; padding-left: 2.4em; line-height: 1.6; }
  .meta { width: 100%; font-size: 8.5pt; color: #444; margin-bottom: 8pt; }
  .meta td { border: none; padding: 1pt 4pt; }
  table { border-collapse: collapse; width: 100%; margin: 4pt 0; font-size: 8pt; page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  /* CJK line-breaking: a name or a stage never breaks inside (沙坪坝区, 受理环节); columns grow instead. */
  th, td { border: 0.5pt solid #b8c2cc; padding: 2pt 3pt; word-break: keep-all; overflow-wrap: normal; }
  td.nw { white-space: nowrap; }
  th { background: #ddebf7; font-weight: bold; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .tiles { display: flex; flex-wrap: wrap; gap: 6pt; margin: 6pt 0; }
  .tile { border: 0.5pt solid #b8c2cc; border-radius: 3pt; padding: 4pt 8pt; min-width: 88pt; }
  .tile b { display: block; font-size: 15pt; color: #1f6fb2; }
  .tile span { font-size: 8pt; color: #555; }
  .chart { text-align: center; }
  .note { font-size: 8.5pt; color: #555; }
  .break { page-break-before: always; }
  .method li { font-size: 8.5pt; }
  .signature { margin: 28pt 10mm 0 auto; width: 70mm; text-align: center; line-height: 1.8; position: relative; page-break-inside: avoid; }
  .signature .seal { color: #c00000; border: 1.5pt solid #c00000; border-radius: 50%; width: 26mm; height: 26mm; line-height: 26mm; margin: 0 auto 4pt; font-size: 9pt; }
  .demo-mark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 72pt; color: rgba(192, 0, 0, 0.12); transform: rotate(-30deg); z-index: 10; pointer-events: none; }
</style></head>
<body>
  ${demo}
  ${redHead}
  <h1>${esc(doc.title)}</h1>
  <table class="meta"><tr>
    <td>期间：${esc(doc.period.label)}</td><td>范围：${esc(doc.scope.name)}</td><td>印发：${esc(issue?.issuedOn ?? shanghaiMinute(doc.generatedAt))}</td>
  </tr><tr>
    <td>数据截止：${esc(shanghaiMinute(doc.cutoff))}</td><td>指标定义版本：${esc(doc.definitionVersion)}</td><td>报告编号：${esc(doc.id)}</td>
  </tr></table>
  ${LEAD[doc.kind] ? `<p class="para lead">${esc(LEAD[doc.kind]!(doc))}</p>` : ''}
  ${sections.join('\n')}
  ${signature}
</body></html>`;
}
