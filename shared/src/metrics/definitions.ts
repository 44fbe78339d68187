import { z } from 'zod';

/*
 * The metric definitions: the five 度 of DOMAIN.md, each with its sub-measures, and the headline ratios.
 * A definition is immutable once released: changing a formula means a new METRIC_DEFINITION_VERSION, and
 * every figure and report carries the version it was computed with. Weights and targets are configuration,
 * not definition (a report records the configuration it used as well).
 */

/** Bump on any change to a formula, a sub-measure's membership or weight, or how a score is derived. */
export const METRIC_DEFINITION_VERSION = '1.1.0';

/**
 * What changed between versions (each report records the version it was computed with).
 * 1.1.0: the city's 五度, total and index are the case-weighted means of the districts (CITY_DEFINITION);
 * equal indexes share a rank (RANKING_RULE); a comparison period without enough data is not compared
 * (COMPARISON_RULE); 差评按期整改率 is null while no rectification has ever been recorded.
 */
export const DEFINITION_CHANGES: Record<string, string> = {
  '1.0.0': '首个版本',
  '1.1.0': '全市效能指数改为各区县按申办件数加权平均；并列同名次；对比期数据不足不作比较；未登记任何整改时差评按期整改率为无数据',
};

/**
 * The city's figures (效能指数, 五度总分 and each 度) when a report or the API speaks of the whole city: the
 * mean of the districts' figures weighted by each district's 申办件数 in the period, over the districts with
 * at least one 申办 and a figure. So the city figure always lies between the lowest and the highest district.
 * The city's sub-measures and headline ratios stay city-wide facts (ratios of city-wide counts).
 */
export const CITY_DEFINITION =
  '全市效能指数、五度总分及各“度”得分 = 各区县相应数值按期内申办件数加权平均（只计期内有申办且有该数值的区县），因此全市数值总在各区县最低值与最高值之间；全市各分项指标与核心比率按全市汇总的件数计算。';

/** Competition ranking ("1224"): equal index (as published, three decimals) gives an equal rank; the next rank skips. */
export const RANKING_RULE =
  '按效能指数（保留三位小数）从高到低排名；指数相同者名次相同，其后名次顺延跳过（如 1、2、2、4）；期内无办件的单位不排名。';

/** A comparison period (上期, 去年同期) counts only when enough of its days hold events. */
export const COMPARISON_RULE =
  '对比期（上期、去年同期）须有事件数据的天数不少于该期天数的规定比例，否则显示“无数据”（一天也没有）或“数据不足”，不计算环比、同比与名次变化。';

/** What a 堵点 row measures. */
export const BOTTLENECK_RULE =
  '堵点按“部门 × 事项（编码）× 环节”分组：停留次数 = 本期在该环节结束的停留次数；平均/最长停留 = 从进入该环节到下一办理环节的日历小时；超期件数 = 该事项本期超期办件数。补正、特别程序为申请人或外部程序一方的等待，单列不计入部门堵点。';

export const WUDU_DIMENSIONS = ['completeness', 'coverage', 'guideAccuracy', 'onlineDepth', 'effectiveness'] as const;
export type WuduDimension = (typeof WUDU_DIMENSIONS)[number];

export const WUDU_NAMES: Record<WuduDimension, string> = {
  completeness: '服务方式完备度',
  coverage: '服务事项覆盖度',
  guideAccuracy: '办事指南准确度',
  onlineDepth: '在线服务深度',
  effectiveness: '在线服务成效度',
};

/** Where a figure comes from: C = the item catalogue and its guides, E = case events (and derived case state). */
export type MetricSource = 'C' | 'E' | 'C+E';

/**
 * direct: score = 100 × value (a share where more is better).
 * inverse: score = 100 × (1 − min(1, value)) (a rate where less is better: 补正率, 退件率, time used).
 */
export type Scoring = 'direct' | 'inverse';

export interface SubMeasureDefinition {
  key: string;
  dimension: WuduDimension;
  name: string;
  source: MetricSource;
  scoring: Scoring;
  /** Weight inside its 度 (the 度 score is the weighted mean of the sub-measures that have data). */
  weight: number;
  /** The formula, as an analyst reads it. */
  formula: string;
}

const sub = (dimension: WuduDimension, key: string, name: string, source: MetricSource, scoring: Scoring, formula: string): SubMeasureDefinition => ({
  key: `${dimension}.${key}`,
  dimension,
  name,
  source,
  scoring,
  weight: 1,
  formula,
});

/**
 * Scope items: the catalogue items a scope answers for. City: every item. District: items implemented at
 * district, township or village level (city-level items are the city departments'). Department: the items of
 * that department. Item: the item itself.
 */
export const SUB_MEASURES: readonly SubMeasureDefinition[] = Object.freeze([
  sub('completeness', 'channelOffer', '办理渠道覆盖率', 'C', 'direct',
    '范围内事项提供的办理渠道数之和 ÷ (事项数 × 4)；渠道：窗口、PC端、移动端、自助终端'),
  sub('completeness', 'channelUsage', '渠道使用均衡度', 'E', 'direct',
    '期内申办件在四个渠道上的分布的归一化熵 −Σp·ln p ÷ ln 4（只用一个渠道为 0，四个渠道均衡为 1）'),
  sub('coverage', 'implemented', '事项实施率', 'C+E', 'direct',
    '范围内标准目录事项中，截至期末近 12 个月至少受理过 1 件的事项数 ÷ 范围内标准目录事项数（按层级给出明细）'),
  sub('coverage', 'crossDistrict', '全渝通办事项占比', 'C', 'direct', '范围内“全渝通办”事项数 ÷ 范围内事项数'),
  sub('coverage', 'active', '期内有办件事项占比', 'E', 'direct', '期内至少有 1 件申办的范围内事项数 ÷ 范围内事项数'),
  sub('guideAccuracy', 'guideComplete', '办事指南要素完整率', 'C', 'direct',
    '范围内事项办事指南已填写的必备要素数之和 ÷ (事项数 × 8)；要素：依据、条件、材料、流程、时限、收费、地点、咨询方式'),
  sub('guideAccuracy', 'consistency', '三级四同一致率', 'C', 'direct',
    '同名事项在市、区县、乡镇各层级的权力类型、实施部门、申请材料数均一致的事项数 ÷ 范围内事项数（本目录编码按层级编制，编码不参与比较）'),
  sub('guideAccuracy', 'supplementRate', '补正率', 'E', 'inverse', '期内补正告知次数 ÷ 期内受理件数；得分 = 100 × (1 − 补正率)'),
  sub('guideAccuracy', 'returnRate', '退件率', 'E', 'inverse', '期内(不予受理 + 撤回)件数 ÷ 期内申办件数；得分 = 100 × (1 − 退件率)'),
  sub('onlineDepth', 'fullOnlineItems', '全程网办事项占比', 'C', 'direct', '范围内在线服务深度为 4（全程网办）的事项数 ÷ 范围内事项数'),
  sub('onlineDepth', 'onlineCases', '网上办件率', 'E', 'direct', '期内经 PC端、移动端申办的件数 ÷ 期内申办件数'),
  sub('onlineDepth', 'zeroTrip', '一次不跑率', 'E', 'direct', '期内办结且到现场 0 次的件数 ÷ 期内已报告到现场次数的办结件数'),
  sub('onlineDepth', 'atMostOneTrip', '最多跑一次率', 'E', 'direct', '期内办结且到现场不超过 1 次的件数 ÷ 期内已报告到现场次数的办结件数'),
  sub('effectiveness', 'onTime', '按时办结率', 'E', 'direct',
    '期内办结且不晚于承诺时限的件数 ÷ 期内有时限判定的办结件数（数据质量问题件另计，不计入）'),
  sub('effectiveness', 'timeUsed', '实际用时占法定时限比', 'E', 'inverse',
    '期内办结件实际用去的工作日之和 ÷ 其法定时限工作日之和（法定时限为 0 的即办件不计）；得分 = 100 × (1 − 比值)'),
  sub('effectiveness', 'goodRating', '好评率', 'E', 'direct', '期内“非常满意”“满意”评价数 ÷ 期内评价数'),
  sub('effectiveness', 'rectifiedOnTime', '差评按期整改率', 'E', 'direct',
    '整改期限（差评后第 15 个工作日）落在本期、且已到期或已整改的差评中，在期限内登记了整改（rectified 回访记录）的比例；截至数据截止时全系统从未登记过整改的，为无数据（不是 0）'),
]);

/** The method notes every report carries (说明 sheet, PDF 附注). */
export const METHOD_NOTES: ReadonlyArray<[string, string]> = [
  ['全市数值', CITY_DEFINITION],
  ['排名规则', RANKING_RULE],
  ['对比规则', COMPARISON_RULE],
  ['堵点口径', BOTTLENECK_RULE],
  ['无数据', '“无数据”或空白表示期内没有可计算该数值的数据，不是 0。'],
  ...SUB_MEASURES.map((m): [string, string] => [m.name, m.formula]),
];

export const SUB_MEASURE_BY_KEY: ReadonlyMap<string, SubMeasureDefinition> = new Map(SUB_MEASURES.map((s) => [s.key, s]));

/** Headline ratios of the city's reporting, with their Chinese names (keys of `Headline`). */
export const HEADLINE_NAMES = {
  onTimeRate: '按时办结率',
  statutoryOnTimeRate: '法定时限内办结率',
  promisedVsStatutoryReduction: '承诺时限较法定时限压缩比例',
  zeroTripRate: '一次不跑率',
  oneTripRate: '只跑一次率',
  zeroOrOneTripRate: '最多跑一次率',
  zeroOrOneTripItemShare: '“一次不跑”“只跑一次”事项占比',
  crossDistrictItemShare: '全渝通办事项占比',
  crossDistrictCaseShare: '全渝通办事项办件占比',
  onlineShare: '网上办件率',
  goodRatingRate: '好评率',
  badRatingRate: '差评率',
  badRectifiedOnTimeRate: '差评按期整改率',
} as const;
export type HeadlineKey = keyof typeof HEADLINE_NAMES;

const Weight = z.number().min(0).max(100);
const Target = z.number().gt(0).max(100);
const dims = <T extends z.ZodType>(t: T) =>
  z.object({ completeness: t, coverage: t, guideAccuracy: t, onlineDepth: t, effectiveness: t }).strict();

/** Configuration of the scores and the index (not part of a definition version; recorded with each report). */
export const MetricConfigSchema = z
  .object({
    /** Weights of the five 度 in the total and the index; any scale, normalised by their sum. */
    weights: dims(Weight),
    /** Target score (0–100] of each 度: the index is 1.0 when every 度 meets its target. */
    targets: dims(Target),
    /** A 度's score ÷ target is capped here, so over-performance on one 度 cannot hide another. */
    indexCap: z.number().min(1).max(5),
    /** 年考评 grades by index, highest first: the first whose minimum the index reaches. */
    grades: z.array(z.object({ name: z.string().min(1).max(20), minIndex: z.number().min(0) })).min(1),
    /** 日扫描: a bad rating is "nearing its deadline" within this many working days of it. */
    rectificationWarnWorkingDays: z.number().int().min(0).max(15),
    /** 日扫描: an open case is long-overdue this many working days past its promised deadline. */
    longOverdueWorkingDays: z.number().int().min(1).max(250),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (Object.values(c.weights).every((w) => w === 0)) ctx.addIssue({ code: 'custom', path: ['weights'], message: 'at least one weight must be above 0' });
    for (let i = 1; i < c.grades.length; i++) {
      if (c.grades[i]!.minIndex >= c.grades[i - 1]!.minIndex) {
        ctx.addIssue({ code: 'custom', path: ['grades', i, 'minIndex'], message: 'grades must be listed from the highest minimum down' });
      }
    }
  });
export type MetricConfig = z.infer<typeof MetricConfigSchema>;

/** DOMAIN.md: no official weights are published; 20% each. Targets are the command center's defaults. */
export const DEFAULT_METRIC_CONFIG: MetricConfig = Object.freeze({
  weights: { completeness: 20, coverage: 20, guideAccuracy: 20, onlineDepth: 20, effectiveness: 20 },
  targets: { completeness: 70, coverage: 70, guideAccuracy: 90, onlineDepth: 70, effectiveness: 90 },
  indexCap: 1.2,
  grades: [
    { name: '优秀', minIndex: 1.05 },
    { name: '良好', minIndex: 0.95 },
    { name: '合格', minIndex: 0.85 },
    { name: '需改进', minIndex: 0 },
  ],
  rectificationWarnWorkingDays: 2,
  longOverdueWorkingDays: 10,
}) as MetricConfig;

export function validateMetricConfig(raw: unknown): { ok: true; config: MetricConfig } | { ok: false; errors: string[] } {
  const r = MetricConfigSchema.safeParse(raw);
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, errors: r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)) };
}
