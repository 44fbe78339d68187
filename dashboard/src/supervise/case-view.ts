import {
  EVENT_TYPE_NAMES,
  LEVEL_NAMES,
  defaultWorkingCalendar,
  flagWords,
  type CaseDetail,
  type CaseTrace,
  type EventType,
  type Level,
  type SupervisionOrder,
  type WorkingCalendar,
} from '@tongban/shared';

/** Working days a new 督办 is due after today unless the supervisor picks another date (configurable). */

export const stageName = (t: string): string => EVENT_TYPE_NAMES[t as EventType] ?? t;
export const levelName = (l: string): string => LEVEL_NAMES[l as Level] ?? l;

/** Pure: minutes as a reader says them: 45 分钟, 3 小时 5 分, 2 天 4 小时. */
export function duration(minutes: number | null): string {
  if (minutes === null) return '—';
  if (minutes < 60) return `${minutes} 分钟`;
  const h = Math.floor(minutes / 60);
  if (h < 24) return minutes % 60 ? `${h} 小时 ${minutes % 60} 分` : `${h} 小时`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} 天 ${h % 24} 小时` : `${d} 天`;
}

export interface ClockRow {
  name: string;
  limitDays: number | null;
  deadline: string | null;
  used: number | null;
  /** Working days left after today up to the deadline; negative when past it; null once closed or without deadline. */
  left: number | null;
  breached: boolean;
}

/**
 * Pure: the two clocks (承诺, 法定) with their dates, working days used and left. Both clocks share the
 * acceptance and the pauses, so the days used are the same; what is left differs with the deadline.
 */
export function clockRows(c: CaseDetail, today: string, cal: WorkingCalendar = defaultWorkingCalendar): ClockRow[] {
  const open = c.completedAt === null && (c.status === 'submitted' || c.status === 'in_progress' || c.status === 'paused');
  const left = (deadline: string | null) => {
    if (!open || deadline === null) return null;
    return deadline >= today ? cal.countWorkingDays(today, deadline).days : -cal.countWorkingDays(deadline, today).days;
  };
  return [
    { name: '承诺时限', limitDays: c.promisedLimitDays, deadline: c.promisedDeadline, used: c.workingDaysUsed, left: left(c.promisedDeadline), breached: c.warning === 'red' || c.completedOnTime === false },
    { name: '法定时限', limitDays: c.statutoryLimitDays, deadline: c.statutoryDeadline, used: c.workingDaysUsed, left: left(c.statutoryDeadline), breached: c.statutoryBreached },
  ];
}

export interface TimelineRow {
  eventId: string;
  stage: string;
  at: string;
  level: string;
  actor: string;
  department: string;
  /** The source system that sent the step. */
  source: string;
  sincePrevious: string;
}

/** Pure: the timeline as rows: who did each step, at which level, and the time since the step before. */
export function timelineRows(c: CaseDetail): TimelineRow[] {
  return c.timeline.map((t) => ({
    eventId: t.eventId,
    stage: stageName(t.type),
    at: t.occurredAt,
    level: levelName(t.level),
    actor: t.actorId ?? '（未记录）',
    department: t.departmentCode ?? '—',
    source: t.source ?? '—',
    sincePrevious: t.minutesSincePrevious === null ? '—' : duration(t.minutesSincePrevious),
  }));
}

export interface HoldRow {
  key: string;
  label: string;
  workingDays: number;
  minutes: number;
  share: number;
}

/** Pure: 倒查 totals worst first (working days, then minutes), with each one's share of the whole time. */
export function holdRows(rows: CaseTrace['byActor'], label: (k: string) => string = (k) => k): HoldRow[] {
  const total = rows.reduce((s, r) => s + r.minutes, 0);
  return [...rows]
    .sort((a, b) => b.workingDays - a.workingDays || b.minutes - a.minutes || (a.key < b.key ? -1 : 1))
    .map((r) => ({ key: r.key, label: label(r.key), workingDays: r.workingDays, minutes: r.minutes, share: total > 0 ? r.minutes / total : 0 }));
}

export const ORDER_CLOCK_WORDS: Record<SupervisionOrder['clock'], string> = { resolved: '已办结', overdue: '已超期', due_soon: '即将到期', open: '办理中' };

/** Pure: a 督办's recorded escalation in words, with the date of each step, or null while none. */
export function escalationWords(e: SupervisionOrder['escalation']): string | null {
  if (e.level === 'red_card') return `红牌（${e.yellowCardOn} 黄牌，${e.redCardOn} 升级红牌，追责）`;
  if (e.level === 'yellow_card') return `黄牌（${e.yellowCardOn} 升级）`;
  return null;
}

/** Pure: the default due date of a new 督办: `days` working days after today (`GET /api/v1/supervise/settings`). */
export const defaultDueOn = (today: string, days: number, cal: WorkingCalendar = defaultWorkingCalendar): string => cal.addWorkingDays(today, days).date;

/** Pure: the case's flags in words. */
export const flagTexts = (flags: readonly string[]): Array<{ flag: string; text: string }> => flags.map((f) => ({ flag: f, text: flagWords(f) }));
