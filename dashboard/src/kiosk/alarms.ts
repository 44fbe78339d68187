import type { CaseWarning, DisplayAlarms } from '@tongban/shared';
import { inQuietHours } from './kiosk-schedule.ts';

/** One alarm: a case of the display's scope turned red. */
export interface Alarm {
  caseId: string;
  districtCode: string;
  districtName: string;
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
  firing: { caseId: string; sound: boolean; at: number } | undefined;
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
  const fresh = warnings.filter(
    (w) => w.warning === 'red' && w.previous !== 'red' && (scope === null || w.districtCode === scope) && !state.alarms.some((a) => a.caseId === w.caseId),
  );
  if (!fresh.length) return state;
  const raised: Alarm[] = fresh.map((w) => ({ caseId: w.caseId, districtCode: w.districtCode, districtName: w.districtName, itemName: w.itemName, raisedAt: now, acknowledged: false }));
  const alarms = [...raised.reverse(), ...state.alarms].slice(0, ALARM_LIST_LIMIT);
  if (now - state.lastFiredAt < config.minIntervalSeconds * 1000) return { ...state, alarms };
  const sound = config.sound && config.volume > 0 && !inQuietHours(wallClock, config.quietHours);
  return { alarms, lastFiredAt: now, firing: { caseId: raised[0]!.caseId, sound, at: now } };
}

/** Pure: the list with one alarm (or all, without a case id) acknowledged. */
export function acknowledge(state: AlarmState, caseId?: string): AlarmState {
  return { ...state, alarms: state.alarms.map((a) => (caseId === undefined || a.caseId === caseId ? { ...a, acknowledged: true } : a)) };
}
