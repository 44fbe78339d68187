import { districtByCode, shanghaiDate, type CaseEvent, type ClockPause, type EventType, type IsoDate, type ServiceItemRecord, type WorkingCalendar } from '@tongban/shared';
import { caseClock, warningOn, workingDaysOverdue, type Clock, type Warning } from './case-clock.ts';
import { countsAsOverdue, isDataQuality } from './overdue-rule.ts';

export type CaseStatus = 'submitted' | 'in_progress' | 'paused' | 'completed' | 'rejected' | 'withdrawn';
export const OPEN_STATUSES: readonly CaseStatus[] = ['submitted', 'in_progress', 'paused'];

export type CaseFlag =
  | 'too_fast'
  | 'completion_before_acceptance'
  | 'events_after_completion'
  | 'missing_completion'
  | 'unknown_item'
  | 'unknown_district'
  | 'provisional_deadline'
  | 'completed_while_paused'
  | 'extension_rejected'
  | 'pause_overdue'
  | 'accepted_while_paused'
  | 'stage_overdue';

/** Every flag, in a fixed order (the open-case index keeps them as a bit mask). */
export const CASE_FLAGS: readonly CaseFlag[] = [
  'too_fast', 'completion_before_acceptance', 'events_after_completion', 'missing_completion', 'unknown_item', 'unknown_district',
  'provisional_deadline', 'completed_while_paused', 'extension_rejected', 'pause_overdue', 'accepted_while_paused', 'stage_overdue',
];

/** 延期 granted under 行政许可法 Art. 42 (the first `extended` of a case; a second is flagged, not applied). */
export interface Extension {
  days: number;
  approvedBy: string | null;
  at: string;
  note: string | null;
}

/** 环节时限: the current stage's own clock, when the item gives that stage a limit. */
export interface StageClock {
  stage: EventType;
  limitDays: number;
  since: string;
  /** Last working day the stage may last (pauses do not count); null while a pause keeps it open. */
  due: IsoDate | null;
  overdue: boolean;
}

/** Everything supervision knows about a case, derived from its events alone (plus catalogue and calendar). */
export interface CaseState {
  caseId: string;
  itemCode: string;
  itemName: string;
  departmentCode: string;
  districtCode: string;
  townshipCode: string;
  villageCode: string;
  channel: string;
  crossDistrict: boolean;
  status: CaseStatus;
  stage: EventType;
  level: CaseEvent['level'];
  holder: string;
  submittedAt: string | null;
  acceptedAt: string | null;
  completedAt: string | null;
  promisedLimitDays: number;
  statutoryLimitDays: number;
  promised: Clock | null;
  statutory: Clock | null;
  pauses: ClockPause[];
  workingDaysUsed: number;
  pausedWorkingDays: number;
  warning: Warning;
  /** Past the statutory deadline (open) or completed after it. */
  statutoryBreached: boolean;
  daysOverdue: number;
  completedOnTime: boolean | null;
  statutoryOnTime: boolean | null;
  handlingMinutes: number | null;
  visits: number | null;
  rating: number | null;
  ratedAt: string | null;
  supplements: number;
  flags: CaseFlag[];
  extension: Extension | null;
  stageClock: StageClock | null;
  /** When the current stage (the latest lifecycle step) began. */
  stageSince: string;
  events: CaseEvent[];
}

// Tie-break for events at the same instant: lifecycle order.
const ORDER: Record<EventType, number> = {
  submitted: 0, accepted: 1, rejected: 2, supplement_requested: 3, supplement_received: 4, suspended: 5, resumed: 6,
  reviewed: 7, extended: 7.5, approved: 8, completed: 9, delivered: 10, withdrawn: 11, rated: 12, complained: 13,
};
const AFTER_COMPLETION_OK = new Set<EventType>(['delivered', 'rated', 'complained']);
/** Event types in the order `sortEvents` puts events of the same instant, for queries that must agree with it. */
export const EVENT_TYPES_IN_ORDER = (Object.keys(ORDER) as EventType[]).sort((a, b) => ORDER[a] - ORDER[b]);
/** Event types that leave a case's stage, level and holder as they were (what may follow a completion). */
export const STAGE_KEEPING_TYPES: readonly EventType[] = [...AFTER_COMPLETION_OK];
const CLOSED_BY = new Set<EventType>(['completed', 'rejected', 'withdrawn']);

/** Events in occurrence order, whatever order they arrived in. */
export function sortEvents(events: readonly CaseEvent[]): CaseEvent[] {
  // Each instant parsed once, not twice per comparison (the bulk derivation sorts every case's events).
  const keyed = events.map((e) => ({ e, t: Date.parse(e.occurredAt) }));
  keyed.sort((a, b) => a.t - b.t || ORDER[a.e.type] - ORDER[b.e.type] || a.e.eventId.localeCompare(b.e.eventId));
  return keyed.map((k) => k.e);
}

export interface DeriveContext {
  calendar: WorkingCalendar;
  item: (itemCode: string) => ServiceItemRecord | undefined;
  /** Now, for the warning of an open case. */
  now: number;
  /** Typical handling minutes of the item from its own history, if known (too-fast against history). */
  typicalMinutes?: (itemCode: string) => number | undefined;
  /** Working days a 补正 may stay open before the case is flagged `pause_overdue` (default 30). */
  pauseFlagDays?: number;
}

export const DEFAULT_PAUSE_FLAG_DAYS = 30;
const PAUSE_KIND = { supplement_requested: 'supplement', suspended: 'special', supplement_received: 'supplement', resumed: 'special' } as const;

/** Below this fraction of the item's typical handling time a completion is suspicious. */
export const TOO_FAST_FRACTION_OF_HISTORY = 0.1;

export function deriveCaseState(input: readonly CaseEvent[], ctx: DeriveContext): CaseState {
  const events = sortEvents(input);
  if (!events.length) throw new Error('a case needs at least one event');
  const first = events[0]!;
  const flags = new Set<CaseFlag>();
  const pauses: ClockPause[] = [];
  let status: CaseStatus = 'submitted';
  let stage: EventType = first.type;
  let level = first.level;
  let holder = '';
  let itemCode = '';
  let departmentCode = '';
  let townshipCode = '';
  let villageCode = '';
  let channel = '';
  let submittedAt: string | null = null;
  let acceptedAt: string | null = null;
  let completedAt: string | null = null;
  let visits: number | null = null;
  let rating: number | null = null;
  let ratedAt: string | null = null;
  let supplements = 0;
  let extension: Extension | null = null;
  let stageSince = first.occurredAt;
  const districts = new Set<string>();
  let districtCode = first.districtCode;
  const openPause = (kind: 'supplement' | 'special') => pauses.find((p) => p.to === undefined && (p.kind ?? 'supplement') === kind);

  // An event's Shanghai date is taken only where a pause or a completion needs it: the bulk derivation derives
  // every event of history, and most events are neither (issue 16).
  for (const e of events) {
    itemCode ||= e.itemCode ?? '';
    departmentCode = e.departmentCode ?? departmentCode;
    townshipCode = e.townshipCode ?? townshipCode;
    villageCode = e.villageCode ?? villageCode;
    channel ||= e.channel ?? '';
    districts.add(e.districtCode);
    if (completedAt !== null && !AFTER_COMPLETION_OK.has(e.type)) flags.add('events_after_completion');
    if (!AFTER_COMPLETION_OK.has(e.type)) {
      stage = e.type;
      level = e.level;
      holder = e.actorId ?? holder;
      districtCode = e.districtCode;
      stageSince = e.occurredAt;
    }
    switch (e.type) {
      case 'submitted':
        submittedAt ??= e.occurredAt;
        break;
      case 'accepted':
        if (acceptedAt === null && openPause('supplement')) flags.add('accepted_while_paused');
        acceptedAt ??= e.occurredAt;
        if (status === 'submitted') status = 'in_progress';
        break;
      // 补正 and 特别程序 are intervals of their own kind: one may start while the other is open, and each
      // ends with its own event. The clock stops for their union (the calendar skips any paused day).
      case 'supplement_requested':
      case 'suspended':
        if (e.type === 'supplement_requested') supplements++;
        if (!openPause(PAUSE_KIND[e.type])) pauses.push({ from: shanghaiDate(e.occurredAt), kind: PAUSE_KIND[e.type] });
        if (!CLOSED_BY.has(stageStatusEvent(status))) status = 'paused';
        break;
      case 'supplement_received':
      case 'resumed': {
        const open = openPause(PAUSE_KIND[e.type]);
        const day = shanghaiDate(e.occurredAt);
        if (open) open.to = day < open.from ? open.from : day;
        if (status === 'paused' && !pauses.some((p) => p.to === undefined)) status = 'in_progress';
        break;
      }
      case 'extended':
        if (extension === null && e.extensionDays !== undefined) extension = { days: e.extensionDays, approvedBy: e.actorId ?? null, at: e.occurredAt, note: e.note ?? null };
        else flags.add('extension_rejected');
        break;
      case 'completed':
        if (completedAt === null) {
          completedAt = e.occurredAt;
          if (acceptedAt === null) flags.add('completion_before_acceptance');
          visits = e.visits ?? null;
          // Completed while a pause is open: the pause ends at completion, so the case gets its verdict.
          const day = shanghaiDate(e.occurredAt);
          for (const p of pauses) {
            if (p.to !== undefined) continue;
            p.to = day < p.from ? p.from : day;
            flags.add('completed_while_paused');
          }
        }
        status = 'completed';
        break;
      case 'rejected':
        status = 'rejected';
        break;
      case 'withdrawn':
        if (status !== 'completed') status = 'withdrawn';
        break;
      case 'rated':
        rating = e.rating ?? null;
        ratedAt = e.occurredAt;
        break;
      default:
        break;
    }
  }
  if (completedAt === null && events.some((e) => e.type === 'delivered' || e.type === 'rated')) flags.add('missing_completion');

  const item = itemCode ? ctx.item(itemCode) : undefined;
  if (itemCode && !item) flags.add('unknown_item');
  if (!districtByCode(districtCode)) flags.add('unknown_district');

  const today = shanghaiDate(ctx.now);
  const acceptedOn = acceptedAt ? shanghaiDate(acceptedAt) : null;
  const completedOn = completedAt ? shanghaiDate(completedAt) : null;
  // 延期 lengthens both clocks by the same working days (it does not pause them).
  const extra = extension?.days ?? 0;
  const promisedLimitDays = item ? item.promisedLimitDays + extra : 0;
  const statutoryLimitDays = item ? item.statutoryLimitDays + extra : 0;
  const promised = item && acceptedOn ? caseClock(ctx.calendar, acceptedOn, promisedLimitDays, pauses) : null;
  const statutory = item && acceptedOn ? caseClock(ctx.calendar, acceptedOn, statutoryLimitDays, pauses) : null;
  if (promised?.provisional || statutory?.provisional) flags.add('provisional_deadline');

  const open = OPEN_STATUSES.includes(status);
  const asOf = completedOn ?? today;
  const openSupplement = pauses.find((p) => p.to === undefined && (p.kind ?? 'supplement') === 'supplement');
  if (open && openSupplement && ctx.calendar.countWorkingDays(openSupplement.from, today).days > (ctx.pauseFlagDays ?? DEFAULT_PAUSE_FLAG_DAYS)) flags.add('pause_overdue');

  const stageClock = open && item ? stageClockOf(ctx.calendar, item, stage, stageSince, pauses, today) : null;
  if (stageClock?.overdue) flags.add('stage_overdue');

  // A data-quality case is not judged at all: no warning, no on-time verdict, nothing overdue.
  const judged = !isDataQuality([...flags]);
  let warning: Warning = 'none';
  let completedOnTime: boolean | null = null;
  let statutoryOnTime: boolean | null = null;
  if (judged && promised && open) warning = warningOn(promised, today);
  if (judged && promised?.deadline && completedOn) {
    completedOnTime = completedOn <= promised.deadline;
    warning = completedOnTime ? 'none' : 'red';
  }
  if (judged && statutory?.deadline && completedOn) statutoryOnTime = completedOn <= statutory.deadline;
  const statutoryBreached = judged && statutory?.deadline ? (open ? today > statutory.deadline : statutoryOnTime === false) : false;
  const overdue = countsAsOverdue({ flags: [...flags], status, promisedDeadline: promised?.deadline ?? null, completedOn }, asOf);
  const daysOverdue = overdue && promised && (open || completedOn) ? workingDaysOverdue(ctx.calendar, promised.deadline, asOf) : 0;

  const used = acceptedOn ? ctx.calendar.workingDaysUsed({ acceptedOn, asOf, pauses }).days : 0;
  const unpaused = acceptedOn ? ctx.calendar.workingDaysUsed({ acceptedOn, asOf }).days : 0;

  const startedAt = submittedAt ?? acceptedAt;
  const handlingMinutes = completedAt && startedAt ? Math.round((Date.parse(completedAt) - Date.parse(startedAt)) / 60_000) : null;
  if (handlingMinutes !== null && item && !flags.has('completion_before_acceptance')) {
    const typical = ctx.typicalMinutes?.(item.itemCode);
    if ((item.minHandlingMinutes !== undefined && handlingMinutes < item.minHandlingMinutes) || (typical !== undefined && handlingMinutes < typical * TOO_FAST_FRACTION_OF_HISTORY)) {
      flags.add('too_fast');
    }
  }

  return {
    caseId: first.caseId,
    itemCode,
    itemName: item?.name ?? '',
    departmentCode: departmentCode || item?.departmentCode || '',
    districtCode,
    townshipCode,
    villageCode,
    channel,
    crossDistrict: districts.size > 1 || item?.crossDistrict === true,
    status,
    stage,
    level,
    holder,
    submittedAt,
    acceptedAt,
    completedAt,
    promisedLimitDays,
    statutoryLimitDays,
    promised,
    statutory,
    pauses,
    workingDaysUsed: used,
    pausedWorkingDays: unpaused - used,
    warning,
    statutoryBreached,
    daysOverdue,
    completedOnTime,
    statutoryOnTime,
    handlingMinutes,
    visits,
    rating,
    ratedAt,
    supplements,
    flags: [...flags],
    extension,
    stageClock,
    stageSince,
    events,
  };
}

function stageClockOf(cal: WorkingCalendar, item: ServiceItemRecord, stage: EventType, since: string, pauses: readonly ClockPause[], today: IsoDate): StageClock | null {
  const limitDays = (item.stageLimitDays as Partial<Record<string, number>> | undefined)?.[stage];
  if (limitDays === undefined) return null;
  const sinceOn = shanghaiDate(since);
  // Pauses count for a stage as for the case: only the part of each pause after the stage began.
  const d = cal.deadline({ acceptedOn: sinceOn, limitDays, pauses: pauses.filter((p) => p.to === undefined || p.to >= sinceOn).map((p) => ({ ...p, from: p.from < sinceOn ? sinceOn : p.from })) });
  return { stage, limitDays, since, due: d.deadline, overdue: d.deadline !== null && today > d.deadline };
}

function stageStatusEvent(status: CaseStatus): EventType {
  return status === 'completed' ? 'completed' : status === 'rejected' ? 'rejected' : status === 'withdrawn' ? 'withdrawn' : 'accepted';
}

export const isOpen = (s: Pick<CaseState, 'status'>): boolean => OPEN_STATUSES.includes(s.status);

/** Promised deadline as a date string, for output. */
export const promisedDeadline = (s: CaseState): IsoDate | null => s.promised?.deadline ?? null;
