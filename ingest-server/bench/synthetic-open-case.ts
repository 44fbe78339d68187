/**
 * Synthetic open cases for the index benchmarks (supervision.bench.ts, index-memory.bench.ts): deadlines
 * spread over ±30 days around BENCH_TODAY so some are red, some yellow, most due later; one in 20 paused.
 */
import { addCalendarDays, DISTRICTS, LEVELS } from '@tongban/shared';
import { dayNumber } from '../src/supervision/day-number.ts';
import type { OpenCase } from '../src/supervision/open-case-index.ts';

export const BENCH_TODAY = '2025-10-20';
export const BENCH_NOW = Date.parse(`${BENCH_TODAY}T10:00:00+08:00`);
const codes = DISTRICTS.map((d) => d.code);

/** Case ids shaped like the simulator's 申办流水号 (YKB + district + date + second of day + rank: 24 characters). */
export const simulatorCaseId = (i: number) => `YKB${codes[i % codes.length]}${20_250_000 + Math.floor(i / 100_000)}${String(i % 100_000).padStart(5, '0')}01`;

export function syntheticOpenCase(i: number, caseId = `CQ2025${String(i).padStart(9, '0')}`): OpenCase {
  const dl = addCalendarDays(BENCH_TODAY, (i % 61) - 20);
  const district = codes[i % codes.length]!;
  const township = `${district}${String(i % 27).padStart(3, '0')}`;
  return {
    caseId,
    itemCode: `ITEM-${i % 400}`,
    districtCode: district,
    townshipCode: township,
    villageCode: `${township}${String(i % 13).padStart(3, '0')}`,
    departmentCode: `D${i % 32}`,
    status: i % 20 === 0 ? 'paused' : 'in_progress',
    stage: ['accepted', 'reviewed', 'approved'][i % 3]!,
    level: LEVELS[i % 4]!,
    holder: `staff-${i % 20000}`,
    submittedMs: Date.parse('2025-10-01T09:00:00.000Z'),
    acceptedMs: Date.parse('2025-10-01T10:00:00.000Z'),
    promisedDeadlineDay: dayNumber(dl),
    statutoryDeadlineDay: dayNumber(dl) + 20,
    yellowFromDay: dayNumber(dl) - 3,
    stageSinceDay: dayNumber('2025-10-01'),
    promisedLimitDays: 10,
    pauses: i % 20 === 0 ? [{ from: '2025-10-09', to: '2025-10-10' }] : [],
    stageDueDay: null,
    flags: [],
  };
}
