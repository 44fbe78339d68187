/*
 * Metric facts: additive counters per (day, district, item), computed in ClickHouse from the event log and
 * case state (the raw reference) or read from the daily rollup. Every score is a pure function of summed
 * facts plus the catalogue, so the rollup and the raw log give identical figures whenever their facts agree.
 *
 * Attribution: each counter counts events that occurred in the period; an event's district is its own
 * districtCode, its item its own itemCode or else its case's submitted itemCode. Clock-derived fields
 * (on time, working days used, handling minutes, flags) come from the case's state at completion.
 */

export const FACT_KEYS = [
  /** 申办 events, and by channel. */
  'submitted',
  'submittedWindow',
  'submittedPc',
  'submittedMobile',
  'submittedKiosk',
  'accepted',
  /** 不予受理 */
  'rejected',
  'withdrawn',
  /** 补正告知 */
  'supplements',
  /** 特别程序 */
  'suspended',
  'completed',
  'delivered',
  'complained',
  /** Completions that reported `visits`, and of those with 0 and with 1 trip. */
  'visitsKnown',
  'visits0',
  'visits1',
  'rated',
  /** rating 4–5 */
  'ratedGood',
  /** rating 3 */
  'ratedNeutral',
  /** rating 1–2 */
  'ratedBad',
  'ratingSum',
  /** Completions whose case state says whether they met the promised limit (data-quality cases left out). */
  'onTimeKnown',
  'onTime',
  'statutoryKnown',
  'statutoryOnTime',
  /** Completions with a statutory limit above 0, and their working days used / promised / statutory. */
  'daysKnown',
  'usedDays',
  'promisedDays',
  'statutoryDays',
  'handlingKnown',
  'handlingMinutes',
  /** Completions flagged too_fast. */
  'tooFast',
  /** Completions with a data-quality flag (kept apart from lateness). */
  'dataQuality',
] as const;

export type FactKey = (typeof FACT_KEYS)[number];
export type MetricFacts = Record<FactKey, number>;

export function emptyFacts(): MetricFacts {
  return Object.fromEntries(FACT_KEYS.map((k) => [k, 0])) as MetricFacts;
}

/**
 * Adds `b` into `a` (in place) and returns `a`. Written out key by key: it runs for every row of every
 * period, and fixed property names keep it fast (a loop over FACT_KEYS is several times slower).
 */
export function addFacts(a: MetricFacts, b: MetricFacts): MetricFacts {
  a.submitted += b.submitted;
  a.submittedWindow += b.submittedWindow;
  a.submittedPc += b.submittedPc;
  a.submittedMobile += b.submittedMobile;
  a.submittedKiosk += b.submittedKiosk;
  a.accepted += b.accepted;
  a.rejected += b.rejected;
  a.withdrawn += b.withdrawn;
  a.supplements += b.supplements;
  a.suspended += b.suspended;
  a.completed += b.completed;
  a.delivered += b.delivered;
  a.complained += b.complained;
  a.visitsKnown += b.visitsKnown;
  a.visits0 += b.visits0;
  a.visits1 += b.visits1;
  a.rated += b.rated;
  a.ratedGood += b.ratedGood;
  a.ratedNeutral += b.ratedNeutral;
  a.ratedBad += b.ratedBad;
  a.ratingSum += b.ratingSum;
  a.onTimeKnown += b.onTimeKnown;
  a.onTime += b.onTime;
  a.statutoryKnown += b.statutoryKnown;
  a.statutoryOnTime += b.statutoryOnTime;
  a.daysKnown += b.daysKnown;
  a.usedDays += b.usedDays;
  a.promisedDays += b.promisedDays;
  a.statutoryDays += b.statutoryDays;
  a.handlingKnown += b.handlingKnown;
  a.handlingMinutes += b.handlingMinutes;
  a.tooFast += b.tooFast;
  a.dataQuality += b.dataQuality;
  return a;
}

export function sumFacts(rows: Iterable<MetricFacts>): MetricFacts {
  const out = emptyFacts();
  for (const r of rows) addFacts(out, r);
  return out;
}

/** One (district, item) row of facts for a period. */
export interface FactRow {
  districtCode: string;
  itemCode: string;
  facts: MetricFacts;
}

/**
 * Stage waits (堵点) of one item: how long cases sat at a stage (the type of a lifecycle event) until their
 * next lifecycle event, counted on the day the wait ended.
 */
export interface StageRow {
  itemCode: string;
  /** Type of the event the case sat at: submitted = waiting for 受理, accepted = waiting for the next step … */
  stage: string;
  waits: number;
  waitMinutes: number;
  maxWaitMinutes: number;
}

/** Outcome of the bad ratings whose rectification deadline falls in a period. */
export interface RectificationFacts {
  /** Deadline in the period, and passed by the cut-off or already rectified. */
  due: number;
  /** Rectification recorded (a `rectified` follow-up) by the deadline. */
  onTime: number;
  /** Deadline in the period but not passed at the cut-off and not yet rectified: not counted. */
  pending: number;
}

export const emptyRectification = (): RectificationFacts => ({ due: 0, onTime: 0, pending: 0 });
