import type { Level, CaseSummary, CaseWarning, Warning } from '@tongban/shared';

/** One row of the red-flag list: what a supervisor needs to see at a glance. */
export interface RedFlag {
  caseId: string;
  warning: Exclude<Warning, 'none'>;
  districtCode: string;
  districtName: string;
  itemName: string;
  stage: string;
  level: Level | undefined;
  holder: string | null;
  daysOverdue: number;
  promisedDeadline: string | null;
}

export const RED_FLAG_LIMIT = 100;

const RANK: Record<RedFlag['warning'], number> = { red: 0, yellow: 1 };

/** Red first, then yellow; within each, most days overdue first; then by case id for a stable order. */
export function compareRedFlags(a: RedFlag, b: RedFlag): number {
  return RANK[a.warning] - RANK[b.warning] || b.daysOverdue - a.daysOverdue || a.caseId.localeCompare(b.caseId);
}

function toFlag(c: CaseSummary | CaseWarning): RedFlag | undefined {
  if (c.warning !== 'red' && c.warning !== 'yellow') return undefined;
  return {
    caseId: c.caseId,
    warning: c.warning,
    districtCode: c.districtCode,
    districtName: c.districtName || c.districtCode,
    itemName: c.itemName || c.itemCode,
    stage: c.stage,
    level: c.level,
    holder: c.holder ?? null,
    daysOverdue: Number.isFinite(c.daysOverdue) ? c.daysOverdue : 0,
    promisedDeadline: c.promisedDeadline ?? null,
  };
}

/** The server's red list (already ordered, but we do not rely on it), as rows. */
export function redFlagsFromList(list: CaseSummary[]): RedFlag[] {
  return list
    .map(toFlag)
    .filter((f): f is RedFlag => f !== undefined)
    .sort(compareRedFlags)
    .slice(0, RED_FLAG_LIMIT);
}

/**
 * Pure: the list after `case:warning` messages (in arrival order) between two stats messages. A case
 * that turns red moves up at once; one that returns to none leaves the list.
 */
export function applyWarnings(flags: RedFlag[], warnings: CaseWarning[]): RedFlag[] {
  if (!warnings.length) return flags;
  const byCase = new Map(flags.map((f) => [f.caseId, f]));
  for (const w of warnings) {
    const flag = toFlag(w);
    if (flag) byCase.set(w.caseId, flag);
    else byCase.delete(w.caseId);
  }
  return [...byCase.values()].sort(compareRedFlags).slice(0, RED_FLAG_LIMIT);
}
