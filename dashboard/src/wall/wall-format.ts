import { EVENT_TYPE_NAMES, LEVEL_NAMES, districtName, shanghaiDateTime, type Applicant, type EventType, type Level, type LiveEvent, type SupervisionOverview, type TodayCounts, type TodayRates } from '@tongban/shared';

/** Ratio or null when nothing was counted: 0 of 0 is not 0%. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** HH:mm:ss of an instant in Asia/Shanghai, whatever the browser's time zone. */
export function formatShanghaiTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '—' : shanghaiDateTime(ms).slice(11, 19);
}

/** 'YYYY-MM-DD HH:mm:ss' in Asia/Shanghai. */
export function formatShanghaiClock(ms: number): string {
  return shanghaiDateTime(ms).slice(0, 19);
}

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
export function formatShanghaiWeekday(ms: number): string {
  return WEEKDAYS[new Date(`${shanghaiDateTime(ms).slice(0, 10)}T00:00:00Z`).getUTCDay()]!;
}

/** The applicant as the wall shows it: already masked by the server (name and phone only). */
export function applicantLabel(a: Applicant | undefined): string {
  if (!a) return '';
  const who = a.name ?? (a.type === 'enterprise' ? '企业' : '个人');
  return a.phone ? `${who} ${a.phone}` : who;
}

/** 永川区 · 中山路街道 · 萱花社区, as far as the event and the known names go. */
export function placeLabel(e: Pick<LiveEvent, 'districtCode' | 'districtName' | 'townshipCode' | 'villageCode'>, places: Record<string, string>): string {
  const parts = [e.districtName ?? districtName(e.districtCode)];
  if (e.townshipCode && places[e.townshipCode]) parts.push(places[e.townshipCode]!);
  if (e.villageCode && places[e.villageCode]) parts.push(places[e.villageCode]!);
  return parts.join(' · ');
}

export function eventTypeName(type: string): string {
  return EVENT_TYPE_NAMES[type as EventType] ?? type;
}

export function levelName(level: string | undefined | null): string {
  return (level && LEVEL_NAMES[level as Level]) || '—';
}

export interface CounterTile {
  key: string;
  label: string;
  /** null: the data source has not reported; shown as — with 暂无数据. */
  value: number | null;
  kind: 'count' | 'percent';
  tone: 'plain' | 'yellow' | 'red' | 'good';
}

/** Pure: today's eight counters, each from its own source. */
export function todayCounterTiles(today: TodayCounts | undefined, supervision: SupervisionOverview | undefined, rates: TodayRates | undefined): CounterTile[] {
  const t = (key: EventType) => (today ? (today.totals[key] ?? 0) : null);
  const onTime = rates?.onTime ? ratio(rates.onTime.onTime, rates.onTime.completed) : null;
  const good = rates?.goodRating ? ratio(rates.goodRating.good, rates.goodRating.rated) : null;
  return [
    { key: 'submitted', label: '申办', value: t('submitted'), kind: 'count', tone: 'plain' },
    { key: 'accepted', label: '受理', value: t('accepted'), kind: 'count', tone: 'plain' },
    { key: 'completed', label: '办结', value: t('completed'), kind: 'count', tone: 'plain' },
    { key: 'in-progress', label: '在办', value: supervision ? supervision.counts.open : null, kind: 'count', tone: 'plain' },
    { key: 'yellow', label: '预警', value: supervision ? supervision.counts.yellow : null, kind: 'count', tone: 'yellow' },
    { key: 'red', label: '超期', value: supervision ? supervision.counts.red : null, kind: 'count', tone: 'red' },
    { key: 'on-time', label: '按时办结率', value: onTime, kind: 'percent', tone: 'good' },
    { key: 'good-rating', label: '好评率', value: good, kind: 'percent', tone: 'good' },
  ];
}

export function formatCounter(value: number, kind: CounterTile['kind']): string {
  return kind === 'percent' ? `${(value * 100).toFixed(1)}%` : Math.round(value).toLocaleString('zh-CN');
}

/** Ease-out cubic position of a counter animation at progress t ∈ [0, 1]. */
export function tween(from: number, to: number, t: number): number {
  const p = Math.min(1, Math.max(0, t));
  return from + (to - from) * (1 - (1 - p) ** 3);
}

/** The wall is designed at 1920×1080 and scaled uniformly to fit the screen (letterboxed). */
export const DESIGN_WIDTH = 1920;
export const DESIGN_HEIGHT = 1080;

export function wallScale(width: number, height: number): number {
  return Math.min(width / DESIGN_WIDTH, height / DESIGN_HEIGHT);
}
