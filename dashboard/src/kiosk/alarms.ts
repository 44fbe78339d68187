import type { CaseWarning, DisplayAlarms, SupervisionOverdue } from '@tongban/shared';
import { inQuietHours } from './kiosk-schedule.ts';

/** One alarm: a case of the display's scope turned red, or a 督办 of its scope escalated past its due date. */
export interface Alarm {
  /** The case's id for a red case; the order and its step for a 督办 (黄牌 and 红牌 are two alarms). */
  key: string;
  kind: 'red' | 'supervision';
  caseId: string;
  districtCode: string;
  districtName: string;
  /** What the list says: the item of a red case, 督办逾期 · 黄牌/红牌 for an order. */
  itemName: string;
  /** Client time it was raised (ms). */
  raisedAt: number;
  acknowledged: boolean;
}

export interface AlarmState {
  alarms: Alarm[];
  /** Client time of the last alarm that blinked (and sounded): the rate limit counts from it. */
  lastFiredAt: number;
  /** The case blinking into view now, and whether its sound plays. */
  firing: { key: string; caseId: string; sound: boolean; at: number } | undefined;
}

export const initialAlarms: AlarmState = { alarms: [], lastFiredAt: Number.NEGATIVE_INFINITY, firing: undefined };
export const ALARM_LIST_LIMIT = 50;

/**
 * Pure: the alarms after a batch of warnings at client time `now` (and `wallClock`, epoch ms, for quiet
 * hours). A case turning red in scope joins the list once; at most one blinks (and sounds, when sound is on
 * and not in quiet hours) per `minIntervalSeconds`: the rest wait in the list to be acknowledged.
 */
export function alarmsAfterWarnings(
  state: AlarmState,
  warnings: readonly CaseWarning[],
  scope: string | null,
  config: DisplayAlarms,
  now: number,
  wallClock: number,
): AlarmState {
  const fresh = warnings.filter((w) => w.warning === 'red' && w.previous !== 'red' && (scope === null || w.districtCode === scope));
  const raised: Alarm[] = fresh.map((w) => ({ key: w.caseId, kind: 'red', caseId: w.caseId, districtCode: w.districtCode, districtName: w.districtName, itemName: w.itemName, raisedAt: now, acknowledged: false }));
  return raise(state, raised, config, now, wallClock);
}

const CARD_NAMES: Record<SupervisionOverdue['level'], string> = { yellow_card: '黄牌', red_card: '红牌' };

/**
 * Pure: the alarms after `supervision:overdue` messages (a 督办 left unresolved past its due date, escalated
 * to 黄牌 or 红牌), as for red cases: once per order and step, in scope only (an order whose case's district
 * is unknown is the city's), the same rate limit and quiet hours.
 */
export function alarmsAfterOverdue(
  state: AlarmState,
  overdue: readonly SupervisionOverdue[],
  scope: string | null,
  config: DisplayAlarms,
  now: number,
  wallClock: number,
): AlarmState {
  const raised: Alarm[] = overdue
    .filter((o) => scope === null || o.districtCode === scope)
    .map((o) => ({
      key: `order:${o.orderId}:${o.level}`,
      kind: 'supervision',
      caseId: o.caseId,
      districtCode: o.districtCode ?? '',
      districtName: o.districtName ?? '全市',
      itemName: `督办逾期 · ${CARD_NAMES[o.level]}`,
      raisedAt: now,
      acknowledged: false,
    }));
  return raise(state, raised, config, now, wallClock);
}

/** Raised alarms join the list once each; the newest blinks (and sounds) unless one did within the interval. */
function raise(state: AlarmState, candidates: Alarm[], config: DisplayAlarms, now: number, wallClock: number): AlarmState {
  const known = new Set(state.alarms.map((a) => a.key));
  const raised = candidates.filter((a) => !known.has(a.key) && (known.add(a.key), true));
  if (!raised.length) return state;
  const alarms = [...raised.reverse(), ...state.alarms].slice(0, ALARM_LIST_LIMIT);
  if (now - state.lastFiredAt < config.minIntervalSeconds * 1000) return { ...state, alarms };
  const sound = config.sound && config.volume > 0 && !inQuietHours(wallClock, config.quietHours);
  return { alarms, lastFiredAt: now, firing: { key: raised[0]!.key, caseId: raised[0]!.caseId, sound, at: now } };
}

/** Pure: the list with one alarm (by its key) or all (without one) acknowledged. */
export function acknowledge(state: AlarmState, key?: string): AlarmState {
  return { ...state, alarms: state.alarms.map((a) => (key === undefined || a.key === key ? { ...a, acknowledged: true } : a)) };
}
