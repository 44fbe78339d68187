/**
 * The columns of a stage visit (`stage_dwells`, `stage_dwells_recent`) and what defines them, shared by the
 * SQL that computes visits (stage-dwells.ts), the JavaScript that computes them (stage-visits.ts), the
 * projector's writer (projected-visits.ts) and the migrations.
 */

/**
 * Where the visits of the cases derived or refreshed since the last fold go, with the case projector's visits
 * (embedded, one node): readers take a case from here when it is here, from `stage_dwells` otherwise (by
 * `case_key`). So `stage_dwells` changes only in bulk (a build, a fold) and stays merged: a FINAL read of a
 * month beside the parts that a write every second leaves took 130 ms against 32 merged (3M events).
 */
export const RECENT_TABLE = 'stage_dwells_recent';

/** Stages after which nothing is awaited (not counted as a stage a case sits at), as the old query. */
export const NOT_WAITING_TYPES: readonly string[] = ['completed', 'delivered', 'rated', 'complained', 'withdrawn', 'rejected'];
export const NOT_WAITING = `(${NOT_WAITING_TYPES.map((t) => `'${t}'`).join(', ')})`;

/**
 * The dimensions under which a case may visit again (the item is the case's, the same at all its visits).
 * For each subset, a visit carries the start day of the case's previous visit with the same values
 * (`priorDayColumn`, 1970-01-01 when none): a range's visit is its case's first in a group exactly when that
 * day is before the range (the previous visit of the group, ending before this one starts, lies in the range
 * otherwise). So GET /api/v1/bottlenecks counts distinct cases with `countIf`, exactly, instead of
 * `uniqExact(case_id)` (which was most of its time: ×8 at a month of 1.76M visits).
 */
export const REPEAT_DIMENSIONS = { stage: 'stage', department: 'department_code', district: 'district_code' } as const;
export type RepeatDimension = keyof typeof REPEAT_DIMENSIONS;
const REPEATS = Object.keys(REPEAT_DIMENSIONS) as RepeatDimension[];

/** The dimensions of `dims` under which a case may visit again (others, as the item, ignored), in REPEATS order. */
export const repeatSubset = (dims: readonly string[]): RepeatDimension[] => REPEATS.filter((d) => dims.includes(d));

/**
 * Stage and department as one key (`stage_dwells.stage_department`, migration 177): a month's 堵点 by the
 * default grouping, GROUP BY one LowCardinality column instead of two, 0.54 of the time (issue 16). A tab
 * is in neither (an event type; a code of letters, digits, _ and -), so the stage is the text before it.
 */
export const STAGE_DEPARTMENT_SQL = `concat(stage, '\\t', department_code)`;

/** The column of the previous visit's start day for the dimensions `dims` (others, as the item, ignored). */
export const priorDayColumn = (dims: readonly string[]): string => {
  const named = repeatSubset(dims);
  return `prior_${named.length ? named.join('_') : 'case'}_day`;
};

/** Every subset of REPEATS, the empty one first. */
export const REPEAT_SUBSETS: RepeatDimension[][] = REPEATS.reduce<RepeatDimension[][]>((subsets, d) => [...subsets, ...subsets.map((s) => [...s, d])], [[]]);
export const PRIOR_COLUMNS = REPEAT_SUBSETS.map(priorDayColumn);

export const VISIT_COLUMNS = ['start_day', 'end_day', 'stage', 'case_id', 'start_event_id', 'district_code', 'department_code', 'item_code', 'dwell', ...PRIOR_COLUMNS] as const;
