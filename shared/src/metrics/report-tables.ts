import { WUDU_DIMENSIONS, WUDU_NAMES, SUB_MEASURE_BY_KEY, HEADLINE_NAMES, METHOD_NOTES, type HeadlineKey } from './definitions.ts';
import { COVERAGE_TEXT, type CaseRow, type Coverage, type ReportDocument, type ReportKind, type UnitRow } from './report-model.ts';

/*
 * A report as tables: the one layout the XLSX sheets, the CSV files and the analysts' preview all render,
 * so the three never disagree. Pure functions of a ReportDocument.
 */

export type CellFormat = 'text' | 'int' | 'ratio' | 'score' | 'index' | 'hours' | 'datetime' | 'signed' | 'delta';
export type Cell = string | number | null | { value: number | null; format: CellFormat };

export interface ReportColumn {
  header: string;
  format: CellFormat;
  /** Column width in characters (XLSX). */
  width: number;
}

export interface ReportTable {
  key: string;
  /** Sheet name (≤ 31 characters). */
  title: string;
  columns: ReportColumn[];
  rows: Cell[][];
  /** Rows of the complete table when `rows` holds only the first ones (the overdue list). */
  total?: number;
}

/**
 * Text a spreadsheet could run as a formula (starting with = + - @, a tab or a carriage return) prefixed with
 * an apostrophe, so Excel, WPS and LibreOffice show it as text (SPEC: CSV/formula injection). The one helper
 * of every XLSX and CSV cell that holds text.
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** A comparison figure, or the words saying why there is none (COMPARISON_RULE). */
export function comparisonCell(value: number | null, coverage: Coverage | undefined): Cell {
  if (coverage && coverage.status !== 'ok') return COVERAGE_TEXT[coverage.status];
  return value === null ? '无数据' : value;
}

/** The columns of the overdue list (超期办件), one layout for the preview, the PDF, the XLSX and the CSV. */
export const OVERDUE_COLUMNS: ReportColumn[] = [
  { header: '案件编号', format: 'text', width: 22 },
  { header: '事项编码', format: 'text', width: 14 },
  { header: '事项', format: 'text', width: 28 },
  { header: '区县代码', format: 'text', width: 10 },
  { header: '区县', format: 'text', width: 12 },
  { header: '部门', format: 'text', width: 14 },
  { header: '受理时间', format: 'datetime', width: 17 },
  { header: '承诺办结期限', format: 'text', width: 13 },
  { header: '办结时间', format: 'datetime', width: 17 },
  { header: '超期（工作日）', format: 'int', width: 13 },
  { header: '状态', format: 'text', width: 14 },
  { header: '申请人（已脱敏）', format: 'text', width: 24 },
];

export const overdueCells = (r: CaseRow): Cell[] => [
  r.caseId,
  r.itemCode,
  r.itemName,
  r.districtCode,
  r.districtName,
  r.departmentName,
  r.acceptedAt,
  r.promisedDeadline,
  r.completedAt,
  r.workingDaysOverdue,
  r.status,
  r.applicant,
];

export const DEFAULT_CSV_TABLE: Record<ReportKind, string> = {
  daily: 'daily',
  weekly: 'bottlenecks',
  monthly: 'ranking',
  quarterly: 'ranking',
  annual: 'ranking',
};

const LEVEL_NAMES: Record<string, string> = { city: '市级', district: '区县级', township: '乡镇级', village: '村级' };

const col = (header: string, format: CellFormat = 'text', width = format === 'text' ? 14 : 11): ReportColumn => ({ header, format, width });

/** '2025-10-09T14:37:00.000+08:00' → '2025-10-09 14:37' (the instant is already in Asia/Shanghai). */
export function shanghaiMinute(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

/** The text a cell shows; `empty` for a missing value. */
export function formatCell(cell: Cell, format: CellFormat, empty = ''): string {
  let value: string | number | null = cell as string | number | null;
  let f = format;
  if (cell !== null && typeof cell === 'object') {
    value = cell.value;
    f = cell.format;
  }
  if (value === null || value === undefined) return empty;
  if (typeof value === 'string') return f === 'datetime' ? shanghaiMinute(value) : value;
  switch (f) {
    case 'ratio':
      return `${(value * 100).toFixed(1)}%`;
    case 'score':
      return value.toFixed(1);
    case 'index':
      return value.toFixed(3);
    case 'hours':
      return value.toFixed(2);
    case 'signed':
      return value > 0 ? `+${value}` : String(value);
    case 'delta':
      return value > 0 ? `+${value.toFixed(1)}` : value.toFixed(1);
    default:
      return String(value);
  }
}

const SOURCE_NAMES = { rollup: '日汇总表（已核对数据截止时间）', raw: '原始事件日志' } as const;
const HEADLINE_ORDER: HeadlineKey[] = [
  'onTimeRate',
  'statutoryOnTimeRate',
  'promisedVsStatutoryReduction',
  'zeroTripRate',
  'oneTripRate',
  'zeroOrOneTripRate',
  'zeroOrOneTripItemShare',
  'crossDistrictItemShare',
  'crossDistrictCaseShare',
  'onlineShare',
  'goodRatingRate',
  'badRatingRate',
  'badRectifiedOnTimeRate',
];
const COUNT_NAMES: Record<string, string> = {
  submitted: '申办件数',
  accepted: '受理件数',
  completed: '办结件数',
  completedLate: '超期办结件数',
  rejected: '不予受理件数',
  withdrawn: '撤回件数',
  supplements: '补正告知次数',
  rated: '评价数',
  badRatings: '差评数',
  badRatingsDue: '到期差评数',
  badRectifiedOnTime: '按期整改差评数',
  badRatingsPending: '未到整改期限差评数',
  tooFast: '办结过快件数',
  dataQuality: '数据质量问题件数',
  items: '范围内事项数',
};

function summaryTable(doc: ReportDocument): ReportTable {
  const s = doc.summary;
  const weights = WUDU_DIMENSIONS.map((d) => `${WUDU_NAMES[d]} ${doc.config.weights[d]}`).join('，');
  const rows: Cell[][] = [
    ['报告', doc.title, ''],
    ...(doc.issue ? [['发文机关', doc.issue.office, ''] as Cell[], ['文号', doc.issue.docNumber, ''] as Cell[], ['印发日期', doc.issue.issuedOn, ''] as Cell[]] : []),
    ...(doc.simulated ? [['数据性质', '演示数据（模拟生成，不作为考核依据）', ''] as Cell[]] : []),
    ['报告类型', doc.kindName, ''],
    ['期间', doc.period.label, `${doc.period.from} 至 ${doc.period.to}（不含）`],
    ['范围', doc.scope.name, doc.scope.key],
    ['生成时间', shanghaiMinute(doc.generatedAt), doc.trigger === 'schedule' ? '定时生成' : '按需生成'],
    ['数据截止', shanghaiMinute(doc.cutoff), '此后接收的事件不计入，可据此复算'],
    ['指标定义版本', doc.definitionVersion, `事项目录指纹 ${doc.catalogueDigest}`],
    ['数据来源', SOURCE_NAMES[doc.source], ''],
    ['五度权重', weights, '按权重之和归一'],
    ...WUDU_DIMENSIONS.map((d): Cell[] => [WUDU_NAMES[d], { value: s.scores[d], format: 'score' }, `目标 ${doc.config.targets[d]}`]),
    ['五度总分', { value: s.total, format: 'score' }, '0–100'],
    ['效能指数', { value: s.index, format: 'index' }, doc.city ? `1.000 = 达到目标；全市为 ${doc.city.districts} 个区县按申办件数加权平均` : '1.000 = 达到目标'],
    ...HEADLINE_ORDER.map((k): Cell[] => [HEADLINE_NAMES[k], { value: s.headline[k], format: 'ratio' }, '']),
    ['平均办理时长（小时）', { value: s.headline.averageHandlingHours, format: 'hours' }, '申办（或受理）至办结'],
    ...Object.entries(s.headline.counts).map(([k, v]): Cell[] => [COUNT_NAMES[k] ?? k, { value: v, format: 'int' }, '']),
  ];
  return { key: 'summary', title: '汇总', columns: [col('项目', 'text', 24), col('数值', 'text', 44), col('说明', 'text', 36)], rows };
}

function rankingTable(doc: ReportDocument): ReportTable {
  const graded = doc.kind === 'annual';
  const unit = (kind: string, r: UnitRow): Cell[] => [
    kind,
    r.rank,
    r.rankChange,
    r.code,
    r.name,
    r.index,
    r.total,
    ...WUDU_DIMENSIONS.map((d) => r.scores[d]),
    r.submitted,
    r.completed,
    r.onTimeRate,
    r.goodRatingRate,
    r.onlineShare,
    r.zeroOrOneTripRate,
    ...(graded ? [r.grade ?? null] : []),
  ];
  return {
    key: 'ranking',
    title: '排名',
    columns: [
      col('类别', 'text', 8),
      col('排名', 'int', 7),
      col('名次变化', 'signed', 9),
      col('代码', 'text', 10),
      col('名称', 'text', 18),
      col('效能指数', 'index'),
      col('五度总分', 'score'),
      ...WUDU_DIMENSIONS.map((d) => col(WUDU_NAMES[d], 'score', 13)),
      col('申办件数', 'int'),
      col('办结件数', 'int'),
      col('按时办结率', 'ratio'),
      col('好评率', 'ratio'),
      col('网上办件率', 'ratio'),
      col('最多跑一次率', 'ratio', 12),
      ...(graded ? [col('考评等级', 'text', 9)] : []),
    ],
    rows: [...doc.ranking.districts.map((r) => unit('区县', r)), ...doc.ranking.departments.map((r) => unit('部门', r))],
  };
}

function wuduTable(doc: ReportDocument): ReportTable {
  const rows: Cell[][] = [];
  const add = (kind: string, code: string, name: string, subs: UnitRow['subMeasures']) => {
    for (const m of subs) {
      const def = SUB_MEASURE_BY_KEY.get(m.key);
      rows.push([kind, code, name, def ? WUDU_NAMES[def.dimension] : '', def?.name ?? m.key, m.value, m.score, m.numerator, m.denominator]);
    }
  };
  add('本报告范围', doc.scope.key, doc.scope.name, doc.summary.subMeasures);
  for (const r of doc.ranking.districts) add('区县', r.code, r.name, r.subMeasures);
  for (const r of doc.ranking.departments) add('部门', r.code, r.name, r.subMeasures);
  return {
    key: 'wudu',
    title: '五度明细',
    columns: [col('类别', 'text', 10), col('代码', 'text', 12), col('名称', 'text', 18), col('五度', 'text', 16), col('指标', 'text', 22), col('数值', 'ratio'), col('得分', 'score', 8), col('分子', 'int'), col('分母', 'int')],
    rows,
  };
}

function overdueTable(doc: ReportDocument): ReportTable {
  return { key: 'overdue', title: '超期办件', columns: OVERDUE_COLUMNS, rows: doc.overdue.rows.map(overdueCells), total: doc.overdue.total };
}

function methodTable(doc: ReportDocument): ReportTable {
  return {
    key: 'method',
    title: '说明',
    columns: [col('项目', 'text', 20), col('口径', 'text', 100)],
    rows: [['指标定义版本', doc.definitionVersion], ...METHOD_NOTES.map(([k, v]): Cell[] => [k, v])],
  };
}

function bottleneckTables(doc: ReportDocument): ReportTable[] {
  return [
    {
      key: 'bottlenecks',
      title: '堵点',
      columns: [
        col('部门代码', 'text', 10),
        col('部门', 'text', 14),
        col('事项编码', 'text', 14),
        col('事项', 'text', 28),
        col('事项层级', 'text', 9),
        col('环节', 'text', 14),
        col('停留次数', 'int'),
        col('平均停留（小时）', 'hours', 15),
        col('最长停留（小时）', 'hours', 15),
        col('该事项超期件数', 'int', 14),
        col('说明', 'text', 40),
      ],
      rows: doc.bottlenecks.rows.map((r) => [
        r.departmentCode,
        r.departmentName,
        r.itemCode,
        r.itemName,
        LEVEL_NAMES[r.itemLevel ?? ''] ?? r.itemLevel ?? '',
        r.stageName,
        r.waits,
        r.averageHours,
        r.maxHours,
        r.overdue,
        `本期 ${r.waits} 次在${r.stageName}结束停留，平均 ${r.averageHours.toFixed(1)} 小时`,
      ]),
    },
    {
      key: 'stages',
      title: '环节停留',
      columns: [col('环节', 'text', 16), col('停留次数', 'int'), col('平均停留（小时）', 'hours', 15), col('最长停留（小时）', 'hours', 15), col('等待方', 'text', 12)],
      rows: doc.bottlenecks.stages.map((s) => [s.stageName, s.waits, s.averageHours, s.maxHours, s.applicantSide ? '申请人/特别程序' : '办理部门']),
    },
  ];
}

function dailyTable(doc: ReportDocument): ReportTable | undefined {
  const d = doc.daily;
  if (!d) return undefined;
  const rows: Cell[][] = [];
  for (const [kind, list] of [['新增超期', d.newRed], ['长期超期', d.longOverdue], ['办结过快', d.tooFast]] as const) {
    for (const r of list) rows.push([kind, r.caseId, r.itemName, r.districtName, r.departmentName, r.promisedDeadline, r.workingDaysOverdue, r.status, r.applicant]);
  }
  for (const r of d.badRatingsDue) {
    rows.push(['差评整改临期', r.caseId, r.itemName, r.districtName, '', r.deadline, r.workingDaysLeft, r.workingDaysLeft < 0 ? '整改逾期' : `剩余 ${r.workingDaysLeft} 个工作日`, r.applicant]);
  }
  return {
    key: 'daily',
    title: '日扫描',
    columns: [
      col('类别', 'text', 12),
      col('案件编号', 'text', 22),
      col('事项', 'text', 28),
      col('区县', 'text', 12),
      col('部门', 'text', 14),
      col('期限', 'text', 12),
      col('超期/剩余（工作日）', 'int', 16),
      col('状态', 'text', 18),
      col('申请人（已脱敏）', 'text', 24),
    ],
    rows,
  };
}

function supervisionTables(doc: ReportDocument): ReportTable[] {
  const s = doc.weekly?.supervision;
  if (!s) return [];
  return [
    {
      key: 'supervision',
      title: '督办汇总',
      columns: [col('区县代码', 'text', 10), col('区县', 'text', 16), col('本期下发', 'int'), col('本期办结', 'int'), col('期末在办', 'int'), col('期末逾期', 'int')],
      rows: [['', '合计', s.issued, s.resolved, s.openAtEnd, s.overdueOpen], ...s.byDistrict.map((r): Cell[] => [r.code, r.name, r.issued, r.resolved, r.openAtEnd, r.overdueOpen])],
    },
    {
      key: 'supervisionOrders',
      title: '督办清单',
      columns: [col('督办编号', 'text', 38), col('案件编号', 'text', 22), col('区县', 'text', 12), col('事项', 'text', 28), col('下发时间', 'datetime', 17), col('办理期限', 'text', 12), col('状态', 'text', 12), col('督办事由', 'text', 40)],
      rows: s.orders.map((o) => [o.orderId, o.caseId, o.districtName, o.itemName, o.issuedAt, o.dueOn, o.status, o.reason]),
    },
  ];
}

function trendTables(doc: ReportDocument): ReportTable[] {
  const out: ReportTable[] = [];
  if (doc.trends) {
    out.push({
      key: 'trends',
      title: '趋势',
      columns: [
        col('期间', 'text', 16),
        col('五度总分', 'score'),
        col('效能指数', 'index'),
        ...WUDU_DIMENSIONS.map((d) => col(WUDU_NAMES[d], 'score', 13)),
        col('按时办结率', 'ratio'),
        col('好评率', 'ratio'),
        col('网上办件率', 'ratio'),
        col('最多跑一次率', 'ratio', 12),
        col('差评按期整改率', 'ratio', 13),
        col('申办件数', 'int'),
        col('有数据天数', 'text', 12),
      ],
      rows: doc.trends.points.map((p) => p.coverage?.status === 'none' ? [p.label, ...Array<Cell>(13).fill('无数据'), `0/${p.coverage.days}`] : [
        p.label,
        p.total,
        p.index,
        ...WUDU_DIMENSIONS.map((d) => p.scores[d]),
        p.headline.onTimeRate,
        p.headline.goodRatingRate,
        p.headline.onlineShare,
        p.headline.zeroOrOneTripRate,
        p.headline.badRectifiedOnTimeRate,
        p.headline.submitted,
        p.coverage ? `${p.coverage.coveredDays}/${p.coverage.days}${p.coverage.status === 'insufficient' ? '（数据不足）' : ''}` : '',
      ]),
    });
    out.push({
      key: 'districtTrends',
      title: '区县趋势',
      columns: [col('代码', 'text', 10), col('区县', 'text', 16), ...doc.trends.points.map((p) => col(`${p.label}总分`, 'score', 14))],
      rows: doc.trends.districts.map((d) => [d.code, d.name, ...d.totals]),
    });
  }
  if (doc.comparisons) {
    const c = doc.comparisons;
    const diff = (a: number | null, b: number | null, cov: Coverage | undefined): Cell =>
      cov && cov.status !== 'ok' ? COVERAGE_TEXT[cov.status] : a === null || b === null ? '无数据' : Math.round((a - b) * 10) / 10;
    const pc = c.previous.coverage;
    const lc = c.lastYear.coverage;
    out.push({
      key: 'comparisons',
      title: '对比',
      columns: [
        col('代码', 'text', 10),
        col('区县', 'text', 16),
        col('本期总分', 'score'),
        col(`上期（${c.previous.label}）总分`, 'score', 22),
        col('环比变化', 'delta'),
        col(`同期（${c.lastYear.label}）总分`, 'score', 22),
        col('同比变化', 'delta'),
        col('效能指数', 'index'),
        col('上期效能指数', 'index', 12),
        col('排名', 'int', 7),
        col('名次变化', 'signed', 9),
      ],
      rows: c.rows.map((r) => [
        r.code,
        r.name,
        r.total,
        comparisonCell(r.previousTotal, pc),
        diff(r.total, r.previousTotal, pc),
        comparisonCell(r.lastYearTotal, lc),
        diff(r.total, r.lastYearTotal, lc),
        r.index,
        comparisonCell(r.previousIndex, pc),
        r.rank,
        pc && pc.status !== 'ok' ? COVERAGE_TEXT[pc.status] : r.rankChange,
      ]),
    });
  }
  return out;
}

/** Every table of a report, in sheet order: 汇总, 排名, 五度明细, 超期办件, 堵点, then the kind's own. */
export function reportTables(doc: ReportDocument): ReportTable[] {
  const daily = dailyTable(doc);
  return [
    summaryTable(doc),
    rankingTable(doc),
    wuduTable(doc),
    overdueTable(doc),
    ...bottleneckTables(doc),
    ...(daily ? [daily] : []),
    ...supervisionTables(doc),
    ...trendTables(doc),
    methodTable(doc),
  ];
}
