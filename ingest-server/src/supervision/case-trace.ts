import { shanghaiDate, type CaseEvent, type WorkingCalendar } from '@tongban/shared';
import { sortEvents } from './case-state.ts';

/** One stretch of a case's life: who held it, at which stage and level, for how long. */
export interface HoldingPeriod {
  stage: CaseEvent['type'];
  actorId: string | null;
  level: CaseEvent['level'];
  departmentCode: string | null;
  from: string;
  to: string | null;
  minutes: number;
  /** Working days after `from`'s date up to and including `to`'s date (0 within one day). */
  workingDays: number;
}

const AFTER_LIFE = new Set(['delivered', 'rated', 'complained']);
const ENDS = new Set(['completed', 'rejected', 'withdrawn']);

/**
 * 倒查追责: for any case, the time each stage and each actor held it, in calendar minutes and working
 * days. An open case's last stretch runs to `now`, except for a data-quality case (DOMAIN.md: nobody is
 * charged with the time after its last real step): its last stretch ends at its last recorded step, a
 * 送达 included (a case delivered but never confirmed complete was evidently done by then).
 */
export function traceCase(events: readonly CaseEvent[], cal: WorkingCalendar, now: number, dataQuality = false) {
  const sorted = sortEvents(events);
  const life = sorted.filter((e) => !AFTER_LIFE.has(e.type));
  const lastStep = sorted.filter((e) => e.type !== 'rated' && e.type !== 'complained').at(-1);
  const openEnd = dataQuality && lastStep ? Date.parse(lastStep.occurredAt) : now;
  const periods: HoldingPeriod[] = [];
  for (let i = 0; i < life.length; i++) {
    const e = life[i]!;
    if (ENDS.has(e.type)) break;
    const next = life[i + 1];
    const end = next ? Date.parse(next.occurredAt) : Math.max(openEnd, Date.parse(e.occurredAt));
    periods.push({
      stage: e.type,
      actorId: e.actorId ?? null,
      level: e.level,
      departmentCode: e.departmentCode ?? null,
      from: e.occurredAt,
      to: next?.occurredAt ?? (dataQuality ? new Date(end).toISOString() : null),
      minutes: Math.max(0, Math.round((end - Date.parse(e.occurredAt)) / 60_000)),
      workingDays: cal.countWorkingDays(shanghaiDate(e.occurredAt), shanghaiDate(end)).days,
    });
  }
  const total = (key: (p: HoldingPeriod) => string) => {
    const m = new Map<string, { minutes: number; workingDays: number }>();
    for (const p of periods) {
      const t = m.get(key(p)) ?? { minutes: 0, workingDays: 0 };
      t.minutes += p.minutes;
      t.workingDays += p.workingDays;
      m.set(key(p), t);
    }
    return [...m].map(([k, v]) => ({ key: k, ...v })).sort((a, b) => b.minutes - a.minutes);
  };
  return { periods, byActor: total((p) => p.actorId ?? '（未记录）'), byStage: total((p) => p.stage) };
}
