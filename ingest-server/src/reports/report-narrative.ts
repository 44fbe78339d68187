import {
  COVERAGE_TEXT,
  WUDU_DIMENSIONS,
  WUDU_NAMES,
  type MetricConfig,
  type Narrative,
  type ReportDocument,
  type UnitRow,
} from '@tongban/shared';

export interface OverdueItem {
  itemCode: string;
  itemName: string;
  departmentName: string;
  overdue: number;
}

const f1 = (v: number) => v.toFixed(1);
const f3 = (v: number) => v.toFixed(3);
const pct = (v: number | null) => (v === null ? '无数据' : `${(v * 100).toFixed(1)}%`);

/** The 度 of a unit furthest below its target (score ÷ target), for the 整改要求. */
function weakest(r: UnitRow, config: MetricConfig): string | undefined {
  let worst: { d: string; gap: number; score: number; target: number } | undefined;
  for (const d of WUDU_DIMENSIONS) {
    const score = r.scores[d];
    if (score === null) continue;
    const gap = score / config.targets[d];
    if (gap < 1 && (!worst || gap < worst.gap)) worst = { d, gap, score, target: config.targets[d] };
  }
  return worst && `${WUDU_NAMES[worst.d as keyof typeof WUDU_NAMES]}（${f1(worst.score)}，目标 ${worst.target}）`;
}

/**
 * The findings of a bulletin in words, from the document's own figures. A comparison is stated only where
 * the document holds it (comparisons with a comparable previous period and a figure for the district);
 * otherwise the text says that no comparison is made and why.
 */
export function buildNarrative(doc: ReportDocument, overdueItems: readonly OverdueItem[], config: MetricConfig): Narrative {
  const s = doc.summary;
  const c = s.headline.counts;
  const ranked = doc.ranking.districts.filter((r) => r.rank !== null && r.index !== null);
  const overview: string[] = [
    `${doc.period.label}，${doc.scope.name}政务服务申办 ${c.submitted} 件、办结 ${c.completed} 件，按时办结率 ${pct(s.headline.onTimeRate)}，好评率 ${pct(s.headline.goodRatingRate)}；` +
      `“五度”总分 ${s.total === null ? '无数据' : f1(s.total)}，效能指数 ${s.index === null ? '无数据' : f3(s.index)}（1.000 为达到目标）。超期办件 ${doc.overdue.total} 件。`,
  ];
  const cmp = doc.comparisons;
  const prev = cmp?.previous;
  let noComparison: string | undefined;
  const improvements: string[] = [];
  const declines: string[] = [];
  if (prev && prev.coverage && prev.coverage.status !== 'ok') {
    noComparison = `上期（${prev.label}）${COVERAGE_TEXT[prev.coverage.status]}（有数据 ${prev.coverage.coveredDays}/${prev.coverage.days} 天），本期不作环比比较，名次变化不予计算。`;
  } else if (prev && cmp) {
    if (s.total !== null && prev.total !== null) {
      const d = s.total - prev.total;
      overview.push(`与上期（${prev.label}）相比，总分${d >= 0 ? '上升' : '下降'} ${f1(Math.abs(d))} 分（${f1(prev.total)} → ${f1(s.total)}）。`);
    }
    const moves = cmp.rows
      .filter((r) => r.total !== null && r.previousTotal !== null)
      .map((r) => ({ name: r.name, now: r.total!, before: r.previousTotal!, d: Math.round((r.total! - r.previousTotal!) * 10) / 10 }));
    for (const m of [...moves].filter((m) => m.d > 0).sort((a, b) => b.d - a.d || a.name.localeCompare(b.name)).slice(0, 3)) {
      improvements.push(`${m.name}总分上升 ${f1(m.d)} 分（${f1(m.before)} → ${f1(m.now)}）`);
    }
    for (const m of [...moves].filter((m) => m.d < 0).sort((a, b) => a.d - b.d || a.name.localeCompare(b.name)).slice(0, 3)) {
      declines.push(`${m.name}总分下降 ${f1(-m.d)} 分（${f1(m.before)} → ${f1(m.now)}）`);
    }
    if (!moves.length) noComparison = `上期（${prev.label}）各区县无可比数据，本期不作环比比较。`;
  }
  const ly = cmp?.lastYear;
  if (ly && ly.coverage && ly.coverage.status !== 'ok') overview.push(`去年同期（${ly.label}）${COVERAGE_TEXT[ly.coverage.status]}，不作同比比较。`);
  else if (ly && ly.total !== null && s.total !== null) {
    const d = s.total - ly.total;
    overview.push(`与去年同期（${ly.label}）相比，总分${d >= 0 ? '上升' : '下降'} ${f1(Math.abs(d))} 分。`);
  }

  const below = ranked.filter((r) => r.index! < 1).sort((a, b) => a.index! - b.index! || a.code.localeCompare(b.code));
  const belowTarget = below.map((r) => `${r.name}（效能指数 ${f3(r.index!)}，第 ${r.rank} 名）`);
  const overdueLines = overdueItems.map((i) => `${i.departmentName ? `${i.departmentName}“` : '“'}${i.itemName}”（${i.itemCode}）超期 ${i.overdue} 件`);

  const requirements: string[] = [];
  for (const r of below.slice(0, 3)) {
    const w = weakest(r, config);
    requirements.push(
      `${r.name}：效能指数 ${f3(r.index!)}，低于目标。请${w ? `重点提升${w}，` : ''}于下期通报前报送整改措施和超期办件的办结情况。`,
    );
  }
  for (const i of overdueItems.slice(0, 3)) {
    requirements.push(`${i.departmentName || '相关部门'}：对“${i.itemName}”（${i.itemCode}）的 ${i.overdue} 件超期办件逐件核查，说明超期原因，限期办结并落实首问负责和倒查追责。`);
  }
  return { overview, improvements, declines, ...(noComparison ? { noComparison } : {}), belowTarget, overdueItems: overdueLines, requirements };
}
