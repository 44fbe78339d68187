/**
 * Predicted lateness (`at_risk`), pure. For an item at a stage, the model is the distribution of the working
 * days its completed cases still took from entering that stage to completion (`remaining`, on the promised
 * clock: pauses after the stage began do not count). An open case that entered the stage with `entered`
 * working days used, has `used` days used today and a promise of `limit` days ends late when
 * entered + remaining > limit. Knowing it is still open after used − entered days at the stage, the
 * probability is the share of the completed cases that lasted at least that long at the stage which then
 * took more than limit − entered:
 *
 *   P(late) = #{remaining > limit − entered} / #{remaining ≥ used − entered}
 *
 * It never decreases as `used` grows (the survivors are fewer, the late ones the same), so a case crosses the
 * threshold once: at `atRiskFromUsed`. Too few completed cases (or too few that lasted as long as this one
 * has) give no probability at all (null), never an invented one.
 */

/** Remaining working days from entering a stage to completion, over an item's completed cases. */
export interface DwellDistribution {
  /** counts[x]: completed cases that took x working days from entering the stage to completion. */
  counts: readonly number[];
  total: number;
}

export interface LatenessOptions {
  /** Completed cases of the item at the stage below which there is no model (default 10). */
  minCases: number;
  /** Completed cases that lasted at least as long as this one below which the probability is unknown (default 3). */
  minSurvivors?: number;
}

export const DEFAULT_MIN_SURVIVORS = 3;

/** Builds a distribution from (remaining days, count) pairs; negative days count as 0. */
export function dwellDistribution(pairs: Iterable<readonly [number, number]>): DwellDistribution {
  const counts: number[] = [];
  let total = 0;
  for (const [x, n] of pairs) {
    const d = Math.max(0, Math.floor(x));
    while (counts.length <= d) counts.push(0);
    counts[d]! += n;
    total += n;
  }
  return { counts, total };
}

/** Completed cases with remaining ≥ x (x ≤ 0: all of them). */
function atLeast(d: DwellDistribution, x: number): number {
  let n = 0;
  for (let i = Math.max(0, Math.ceil(x)); i < d.counts.length; i++) n += d.counts[i]!;
  return n;
}

/**
 * The probability that a case ends late, or null when the model cannot say (no model, too few cases that
 * lasted this long). `entered`, `used`, `limit`: working days on the promised clock.
 */
export function lateProbability(d: DwellDistribution | undefined, c: { entered: number; used: number; limit: number }, o: LatenessOptions): number | null {
  if (!d || d.total < o.minCases || c.limit <= 0) return null;
  const survivors = atLeast(d, c.used - c.entered);
  if (survivors < (o.minSurvivors ?? DEFAULT_MIN_SURVIVORS)) return null;
  // remaining > limit − entered, and (being late) at least as long as it has already lasted.
  const late = atLeast(d, Math.max(c.limit - c.entered + 1, c.used - c.entered));
  return late / survivors;
}

/**
 * The working days used from which the case's probability passes `threshold` (the first u in
 * [max(entered, used0)… limit] with P > threshold), or null when it does not before the deadline.
 */
export function atRiskFromUsed(d: DwellDistribution | undefined, c: { entered: number; limit: number }, threshold: number, o: LatenessOptions): number | null {
  if (!d || d.total < o.minCases) return null;
  for (let u = Math.max(0, c.entered); u <= c.limit; u++) {
    const p = lateProbability(d, { ...c, used: u }, o);
    if (p === null) return null;
    if (p > threshold) return u;
  }
  return null;
}
