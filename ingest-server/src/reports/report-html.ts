import * as echarts from 'echarts';
import {
  formatCell,
  HEADLINE_NAMES,
  rankingBarOption,
  reportTables,
  shanghaiMinute,
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

function htmlTable(t: ReportTable, limit?: number, columns?: number[]): string {
  const cols = columns ?? t.columns.map((_, i) => i);
  const rows = limit === undefined ? t.rows : t.rows.slice(0, limit);
  const head = cols.map((i) => `<th>${esc(t.columns[i]!.header)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${cols.map((i) => `<td class="${t.columns[i]!.format === 'text' ? 't' : 'n'}">${esc(formatCell(r[i] ?? null, t.columns[i]!.format, '—'))}</td>`).join('')}</tr>`)
    .join('');
  const more = limit !== undefined && t.rows.length > limit ? `<p class="note">共 ${t.rows.length} 行，此处列出前 ${limit} 行；完整清单见 Excel 版。</p>` : '';
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

/** Room for every ranked unit's bar (41 districts fill most of a page). */
const chartHeight = (bars: number) => Math.min(660, Math.max(160, 70 + 14 * bars));
const ratio = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const TILES: HeadlineKey[] = ['onTimeRate', 'zeroOrOneTripRate', 'onlineShare', 'goodRatingRate', 'crossDistrictItemShare', 'promisedVsStatutoryReduction', 'badRectifiedOnTimeRate'];

/** The printable report page: headline figures, the five scores, rankings, 堵点 and lists, with charts as inline SVG. */
export function reportHtml(doc: ReportDocument): string {
  const tables = new Map(reportTables(doc).map((t) => [t.key, t]));
  const s = doc.summary;
  const style = { fontFamily: REPORT_FONT, animation: false };
  const ranking = tables.get('ranking')!;
  const districtRows = { ...ranking, rows: ranking.rows.filter((r) => r[0] === '区县') };
  const departmentRows = { ...ranking, rows: ranking.rows.filter((r) => r[0] === '部门') };
  const sections: string[] = [];

  sections.push(`
    <section>
      <h2>一、核心指标</h2>
      <div class="tiles">
        <div class="tile"><b>${esc(formatCell(s.total, 'score', '—'))}</b><span>五度总分</span></div>
        <div class="tile"><b>${esc(formatCell(s.index, 'index', '—'))}</b><span>效能指数（1.000 为达标）</span></div>
        ${TILES.map((k) => `<div class="tile"><b>${ratio(s.headline[k])}</b><span>${esc(HEADLINE_NAMES[k])}</span></div>`).join('')}
      </div>
      <p class="note">申办 ${s.headline.counts.submitted} 件，办结 ${s.headline.counts.completed} 件（超期 ${s.headline.counts.completedLate} 件），评价 ${s.headline.counts.rated} 条（差评 ${s.headline.counts.badRatings} 条）。</p>
    </section>`);

  sections.push(`
    <section>
      <h2>二、“五度”得分</h2>
      <div class="chart">${chartSvg(wuduRadarOption(s.scores, doc.config.targets, style), 640, 330)}</div>
      <table><thead><tr><th>五度</th><th>得分</th><th>目标</th><th>权重</th></tr></thead><tbody>
        ${WUDU_DIMENSIONS.map((d) => `<tr><td class="t">${esc(WUDU_NAMES[d])}</td><td class="n">${esc(formatCell(s.scores[d], 'score', '—'))}</td><td class="n">${doc.config.targets[d]}</td><td class="n">${doc.config.weights[d]}</td></tr>`).join('')}
      </tbody></table>
      ${htmlTable({ ...tables.get('wudu')!, rows: tables.get('wudu')!.rows.filter((r) => r[0] === '本报告范围') }, undefined, [3, 4, 5, 6, 7, 8])}
    </section>`);

  sections.push(`
    <section class="break">
      <h2>三、区县效能指数排名</h2>
      <div class="chart">${chartSvg(rankingBarOption(doc.ranking.districts, style), 680, chartHeight(doc.ranking.districts.filter((r) => r.rank !== null).length))}</div>
      ${htmlTable(districtRows, undefined, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, ...(doc.kind === 'annual' ? [18] : [])])}
    </section>
    <section class="break">
      <h2>四、部门效能指数排名</h2>
      ${htmlTable(departmentRows, undefined, [1, 2, 4, 5, 6, 12, 14, 15, ...(doc.kind === 'annual' ? [18] : [])])}
    </section>`);

  let n = 5;
  const num = () => ['五', '六', '七', '八', '九', '十'][n++ - 5];
  if (doc.trends && doc.comparisons) {
    sections.push(`
      <section class="break">
        <h2>${num()}、趋势与对比</h2>
        <div class="chart">${chartSvg(trendLineOption(doc.trends.points, style), 640, 300)}</div>
        ${htmlTable(tables.get('trends')!)}
        <p class="note">上期：${esc(doc.comparisons.previous.label)}，总分 ${esc(formatCell(doc.comparisons.previous.total, 'score', '—'))}；去年同期：${esc(doc.comparisons.lastYear.label)}，总分 ${esc(formatCell(doc.comparisons.lastYear.total, 'score', '—'))}。</p>
        ${htmlTable(tables.get('comparisons')!)}
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
      ${htmlTable(tables.get('bottlenecks')!, 20)}
    </section>
    <section>
      <h2>${num()}、超期办件（共 ${doc.overdue.total} 件）</h2>
      ${htmlTable(tables.get('overdue')!, 30, [0, 1, 2, 5, 7, 8, 9])}
    </section>`);

  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(doc.title)}</title>
<style>
  @page { size: A4; margin: 18mm 14mm 18mm 14mm; }
  body { font-family: ${REPORT_FONT}; font-size: 10.5pt; color: #1b1f23; }
  h1 { font-size: 18pt; text-align: center; margin: 0 0 6pt; }
  h2 { font-size: 13pt; border-left: 4pt solid #1f6fb2; padding-left: 6pt; margin: 14pt 0 6pt; }
  .meta { width: 100%; font-size: 9pt; color: #444; margin-bottom: 8pt; }
  .meta td { border: none; padding: 1pt 4pt; }
  table { border-collapse: collapse; width: 100%; margin: 4pt 0; font-size: 8.5pt; page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  th, td { border: 0.5pt solid #b8c2cc; padding: 2pt 4pt; }
  th { background: #ddebf7; font-weight: bold; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  .tiles { display: flex; flex-wrap: wrap; gap: 6pt; }
  .tile { border: 0.5pt solid #b8c2cc; border-radius: 3pt; padding: 4pt 8pt; min-width: 88pt; }
  .tile b { display: block; font-size: 15pt; color: #1f6fb2; }
  .tile span { font-size: 8pt; color: #555; }
  .chart { text-align: center; }
  .note { font-size: 8.5pt; color: #555; }
  .break { page-break-before: always; }
</style></head>
<body>
  <h1>${esc(doc.title)}</h1>
  <table class="meta"><tr>
    <td>期间：${esc(doc.period.label)}</td><td>范围：${esc(doc.scope.name)}</td><td>生成：${esc(shanghaiMinute(doc.generatedAt))}</td>
  </tr><tr>
    <td>数据截止：${esc(shanghaiMinute(doc.cutoff))}</td><td>指标定义版本：${esc(doc.definitionVersion)}</td><td>报告编号：${esc(doc.id)}</td>
  </tr></table>
  ${sections.join('\n')}
  <p class="note">申请人个人信息已脱敏。“五度”权重与目标为指挥中心配置；指标口径见指标定义 ${esc(doc.definitionVersion)}。</p>
</body></html>`;
}
