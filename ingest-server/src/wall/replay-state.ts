import { districtByCode, shanghaiDate, shanghaiIso, type CaseWarning, type ClockPause, type IsoDate, type Level, type SupervisionOverview, type Warning, type WorkingCalendar } from '@tongban/shared';
import { caseClock, warningOn, workingDaysOverdue, WARNING_RANK } from '../supervision/case-clock.ts';
import { isDataQuality } from '../supervision/overdue-rule.ts';
import { warningId } from '../supervision/warning-id.ts';

/** A case open at the replayed instant, as the replay query reads it (its current state, with what happened by then). */
export interface ReplayCase {
  caseId: string;
  itemCode: string;
  itemName: string;
  districtCode: string;
  townshipCode: string;
  villageCode: string;
  departmentCode: string;
  stage: string;
  level: Level;
  holder: string;
  submittedMs: number | null;
  acceptedMs: number | null;
  /** Pauses as known now (dates); those begun after the instant are cut off here. */
  pauses: ClockPause[];
  flags: string[];
  /** The item's promised limit, plus a 延期 granted by the instant. */
  promisedLimitDays: number | null;
  statutoryLimitDays: number | null;
}

const RED_LIST_MAX = 100;

/** Pauses as they stood on `day`: those begun later dropped, those ended later still open. */
export function pausesAsOf(pauses: readonly ClockPause[], day: IsoDate): ClockPause[] {
  const out: ClockPause[] = [];
  for (const p of pauses) {
    if (p.from > day) continue;
    out.push(p.to !== undefined && p.to <= day ? p : { from: p.from, ...(p.kind ? { kind: p.kind } : {}) });
  }
  return out;
}

export interface ReplayWarning {
  warning: Warning;
  promisedDeadline: IsoDate | null;
  statutoryDeadline: IsoDate | null;
  daysOverdue: number;
}

/**
 * Pure: a case's rung on the warning ladder on `day`, from the case's clock as it stood then (the same clock
 * functions the live engine uses). A data-quality case is never yellow or red (overdue-rule.ts).
 */
export function warningAsOf(c: ReplayCase, day: IsoDate, cal: WorkingCalendar): ReplayWarning {
  const none: ReplayWarning = { warning: 'none', promisedDeadline: null, statutoryDeadline: null, daysOverdue: 0 };
  if (c.acceptedMs === null || c.promisedLimitDays === null) return none;
  const acceptedOn = shanghaiDate(c.acceptedMs);
  const pauses = pausesAsOf(c.pauses, day);
  const promised = caseClock(cal, acceptedOn, c.promisedLimitDays, pauses);
  const statutory = c.statutoryLimitDays === null ? null : caseClock(cal, acceptedOn, c.statutoryLimitDays, pauses);
  if (isDataQuality(c.flags)) return { ...none, promisedDeadline: promised.deadline, statutoryDeadline: statutory?.deadline ?? null };
  const warning = warningOn(promised, day);
  return {
    warning,
    promisedDeadline: promised.deadline,
    statutoryDeadline: statutory?.deadline ?? null,
    daysOverdue: warning === 'red' ? workingDaysOverdue(cal, promised.deadline, day) : 0,
  };
}

export interface OpenCounts {
  /** Open cases at the instant per district, data-quality cases included (as the live index counts them). */
  openByDistrict: Record<string, number>;
  dataQualityByDistrict: Record<string, number>;
  /** 督办 orders open at the instant, and those of them past their due date; null when unknown. */
  orders: { open: number; overdue: number } | null;
}

/**
 * Pure: the supervision part of the wall at an instant. `cases` are the accepted open cases that may be yellow
 * or red (the query leaves out those that cannot be); counts of all open cases come apart in `open`.
 */
export function replaySupervision(cases: readonly ReplayCase[], open: OpenCounts, atMs: number, cal: WorkingCalendar): SupervisionOverview {
  const day = shanghaiDate(atMs);
  const at = shanghaiIso(atMs);
  const byDistrict: SupervisionOverview['byDistrict'] = {};
  for (const [code, n] of Object.entries(open.openByDistrict)) byDistrict[code] = { open: n, yellow: 0, red: 0 };
  let yellow = 0;
  let red = 0;
  const flagged: CaseWarning[] = [];
  for (const c of cases) {
    const w = warningAsOf(c, day, cal);
    if (w.warning === 'none') continue;
    const d = (byDistrict[c.districtCode] ??= { open: 0, yellow: 0, red: 0 });
    if (w.warning === 'red') {
      red++;
      d.red++;
    } else {
      yellow++;
      d.yellow++;
    }
    flagged.push({
      id: warningId({ caseId: c.caseId, warning: w.warning, promisedDeadline: w.promisedDeadline }),
      caseId: c.caseId,
      itemCode: c.itemCode,
      itemName: c.itemName,
      districtCode: c.districtCode,
      districtName: districtByCode(c.districtCode)?.name ?? c.districtCode,
      townshipCode: c.townshipCode || null,
      villageCode: c.villageCode || null,
      departmentCode: c.departmentCode || null,
      status: c.pauses.some((p) => p.from <= day && (p.to === undefined || p.to > day)) ? 'paused' : c.acceptedMs === null ? 'submitted' : 'in_progress',
      stage: c.stage,
      level: c.level,
      holder: c.holder || null,
      submittedAt: c.submittedMs === null ? null : shanghaiIso(c.submittedMs),
      acceptedAt: c.acceptedMs === null ? null : shanghaiIso(c.acceptedMs),
      promisedDeadline: w.promisedDeadline,
      statutoryDeadline: w.statutoryDeadline,
      warning: w.warning,
      daysOverdue: w.daysOverdue,
      flags: c.flags.filter((f) => f !== 'stage_overdue' && f !== 'pause_overdue'),
      previous: null,
      // The lateness model is of today's dwell history, not the instant's: no prediction is replayed.
      atRisk: null,
      at,
    });
  }
  flagged.sort((a, b) => WARNING_RANK[b.warning] - WARNING_RANK[a.warning] || b.daysOverdue - a.daysOverdue || (a.promisedDeadline ?? '').localeCompare(b.promisedDeadline ?? '') || a.caseId.localeCompare(b.caseId));
  const openTotal = Object.values(open.openByDistrict).reduce((s, n) => s + n, 0);
  const dqTotal = Object.values(open.dataQualityByDistrict).reduce((s, n) => s + n, 0);
  return {
    counts: { open: openTotal, yellow, red, stageOverdue: null, pauseOverdue: null, atRisk: null },
    // Where each open case sat at the instant is a query of its own (replay.query.ts `queryLevelsAt`).
    byLevel: null,
    levelsByDistrict: null,
    byDistrict,
    redList: flagged.slice(0, RED_LIST_MAX),
    dataQuality: { total: dqTotal, byDistrict: { ...open.dataQualityByDistrict } },
    stageOverdue: null,
    orders: open.orders,
    ratingClocks: null,
  };
}
