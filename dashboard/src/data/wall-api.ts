import type { HourlyTrend } from '../charts/hourly-trend-option.ts';
import { WUDU_DIMENSIONS, type WuduScores } from '../charts/wudu-radar-option.ts';
import type { RankingRow } from '../map/heat-measures.ts';

/**
 * Parsers of the HTTP answers the wall reads. Each returns undefined for a body of the wrong shape, so a
 * panel shows an error state rather than NaN. Contracts: SPEC.md and the metrics and supervision issues;
 * `/api/v1/wall/*` is ingest-server/src/wall.
 */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export interface Wudu {
  period: string;
  /** 2025年10月, when the server names the period. */
  periodLabel: string;
  scores: WuduScores;
  total: number | null;
  index: number | null;
}

/** Scores are 0–100 or null (no data for that 度 in the period); a body with no score at all is not a 五度. */
export function parseWudu(raw: unknown): Wudu | undefined {
  if (!isObject(raw) || !isObject(raw.scores)) return undefined;
  const scores = raw.scores;
  if (!WUDU_DIMENSIONS.every((d) => isNum(scores[d.key]) || scores[d.key] === null)) return undefined;
  if (!WUDU_DIMENSIONS.some((d) => isNum(scores[d.key]))) return undefined;
  const range = isObject(raw.periodRange) ? raw.periodRange : {};
  return {
    period: String(raw.period ?? ''),
    periodLabel: typeof range.label === 'string' ? range.label : String(raw.period ?? ''),
    scores: Object.fromEntries(WUDU_DIMENSIONS.map((d) => [d.key, scores[d.key]])) as WuduScores,
    total: isNum(raw.total) ? raw.total : null,
    index: isNum(raw.index) ? raw.index : null,
  };
}

export function parseRanking(raw: unknown): RankingRow[] | undefined {
  if (!isObject(raw) || !Array.isArray(raw.rows)) return undefined;
  const rows: RankingRow[] = [];
  for (const r of raw.rows) {
    if (!isObject(r) || typeof r.code !== 'string') continue;
    rows.push({
      code: r.code,
      name: typeof r.name === 'string' ? r.name : r.code,
      index: isNum(r.index) ? r.index : null,
      rank: isNum(r.rank) ? r.rank : null,
      rankChange: isNum(r.rankChange) ? r.rankChange : null,
      total: isNum(r.total) ? r.total : null,
    });
  }
  return rows;
}

export function parseHourlyTrend(raw: unknown): HourlyTrend | undefined {
  if (!isObject(raw) || typeof raw.day !== 'string' || typeof raw.compareDay !== 'string' || !Array.isArray(raw.hours)) return undefined;
  const hours = raw.hours.filter(isObject).map((h) => ({ hour: Number(h.hour), today: isNum(h.today) ? h.today : null, compare: isNum(h.compare) ? h.compare : 0 }));
  return hours.length === 24 ? { day: raw.day, compareDay: raw.compareDay, hours } : undefined;
}

export interface TodayRates {
  day: string;
  goodRating: { good: number; rated: number } | null;
  onTime: { onTime: number; completed: number } | null;
}

export function parseTodayRates(raw: unknown): TodayRates | undefined {
  if (!isObject(raw) || typeof raw.day !== 'string') return undefined;
  const g = raw.goodRating;
  const o = raw.onTime;
  return {
    day: raw.day,
    goodRating: isObject(g) && isNum(g.good) && isNum(g.rated) ? { good: g.good, rated: g.rated } : null,
    onTime: isObject(o) && isNum(o.onTime) && isNum(o.completed) ? { onTime: o.onTime, completed: o.completed } : null,
  };
}

/** Ratio or null when nothing was counted: 0 of 0 is not 0%. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function parseNameMap(key: 'items' | 'places') {
  return (raw: unknown): Record<string, string> | undefined => {
    if (!isObject(raw) || !isObject(raw[key])) return undefined;
    const out: Record<string, string> = {};
    for (const [code, name] of Object.entries(raw[key])) if (typeof name === 'string') out[code] = name;
    return out;
  };
}

export interface CaseDetail {
  caseId: string;
  itemCode: string | null;
  itemName: string | null;
  districtCode: string;
  status: string | null;
  stage: string | null;
  level: string | null;
  submittedAt: string | null;
  acceptedAt: string | null;
  completedAt: string | null;
  promisedDeadline: string | null;
  statutoryDeadline: string | null;
  workingDaysUsed: number | null;
  warning: string | null;
  flags: string[];
  applicant: { type?: string; name?: string; phone?: string; idNumber?: string } | null;
  timeline: Array<{ eventId: string; type: string; occurredAt: string; level: string; actorId: string | null; minutesSincePrevious: number | null }>;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function parseCaseDetail(raw: unknown): CaseDetail | undefined {
  if (!isObject(raw) || typeof raw.caseId !== 'string' || !Array.isArray(raw.timeline)) return undefined;
  return {
    caseId: raw.caseId,
    itemCode: str(raw.itemCode),
    itemName: str(raw.itemName),
    districtCode: str(raw.districtCode) ?? '',
    status: str(raw.status),
    stage: str(raw.stage),
    level: str(raw.level),
    submittedAt: str(raw.submittedAt),
    acceptedAt: str(raw.acceptedAt),
    completedAt: str(raw.completedAt),
    promisedDeadline: str(raw.promisedDeadline),
    statutoryDeadline: str(raw.statutoryDeadline),
    workingDaysUsed: isNum(raw.workingDaysUsed) ? raw.workingDaysUsed : null,
    warning: str(raw.warning),
    flags: Array.isArray(raw.flags) ? raw.flags.map((f) => (typeof f === 'string' ? f : isObject(f) && typeof f.code === 'string' ? f.code : JSON.stringify(f))) : [],
    applicant: isObject(raw.applicant) ? (raw.applicant as CaseDetail['applicant']) : null,
    timeline: raw.timeline.filter(isObject).map((t) => ({
      eventId: String(t.eventId ?? ''),
      type: String(t.type ?? ''),
      occurredAt: String(t.occurredAt ?? ''),
      level: String(t.level ?? ''),
      actorId: str(t.actorId),
      minutesSincePrevious: isNum(t.minutesSincePrevious) ? t.minutesSincePrevious : null,
    })),
  };
}

/** 'YYYY-MM' of an instant in Asia/Shanghai: the metrics period the wall shows (month to date). */
export function shanghaiMonth(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 7);
}
