import { LEVELS, type Level } from '@tongban/shared';
import type { CaseSummary, SupervisionSummary, WarningCounts } from './live-types.ts';

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function counts(v: unknown): WarningCounts {
  const o = isObject(v) ? v : {};
  return { open: num(o.open), yellow: num(o.yellow), red: num(o.red) };
}

/**
 * The supervision part of a snapshot or stats message, or undefined when the server has no supervision
 * engine (then the panels show their empty state). Tolerant of missing fields: a wall must not go blank
 * because one number is absent.
 */
export function readSupervision(raw: unknown): SupervisionSummary | undefined {
  if (!isObject(raw) || !isObject(raw.counts)) return undefined;
  const byLevelRaw = isObject(raw.byLevel) ? raw.byLevel : {};
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, num(byLevelRaw[l])])) as Record<Level, number>;
  const byDistrict: Record<string, WarningCounts> = {};
  if (isObject(raw.byDistrict)) for (const [code, c] of Object.entries(raw.byDistrict)) byDistrict[code] = counts(c);
  const redList = Array.isArray(raw.redList) ? (raw.redList.filter((c) => isObject(c) && typeof c.caseId === 'string') as CaseSummary[]) : [];
  return { counts: counts(raw.counts), byLevel, byDistrict, redList };
}
