/** What one open case contributes to the overview's counts (interned ids, as the index keeps them). */
export interface CaseContribution {
  district: number;
  level: number;
  /** 0 none, 1 yellow, 2 red. */
  warning: number;
  dataQuality: boolean;
  stage: number;
  /** Last day of the current stage's limit (day number), or `none`. */
  stageDueDay: number;
  /** `from` of the case's open 补正 (the one `pause_overdue` is judged on), or null. */
  openSupplementFrom: string | null;
  /** The lateness model judged this case (its item has a model at its stage). */
  modelled: boolean;
  /** Day from which the model says the case is at risk, or `none`. */
  atRiskFromDay: number;
}

interface DistrictCounts {
  open: number;
  yellow: number;
  red: number;
  dataQuality: number;
  /** level → open cases of the district (办件所在层级 of a district's wall). */
  byLevel: Map<number, number>;
}

const bump = <K>(m: Map<K, number>, k: K, by: number) => {
  const n = (m.get(k) ?? 0) + by;
  if (n === 0) m.delete(k);
  else m.set(k, n);
};

/**
 * The overview's counts kept incrementally (issue 16): every change of an open case adds or takes away its
 * contribution, so reading them costs nothing per open case. What depends on the date is kept as
 * histograms small by nature — open cases by the day their stage falls due (and stage), and by the day
 * their open 补正 began — summed when read: the cost is the number of distinct days, not of cases.
 */
export class OpenCaseCounts {
  open = 0;
  yellow = 0;
  red = 0;
  dataQuality = 0;
  readonly byLevel = new Map<number, number>();
  readonly byDistrict = new Map<number, DistrictCounts>();
  /** stage due day → stage → open cases. */
  readonly stageDue = new Map<number, Map<number, number>>();
  /** open 补正's from → open cases. */
  readonly supplementFrom = new Map<string, number>();
  /** Open cases the lateness model judged (at-risk counts are null while none is). */
  modelled = 0;
  /** at-risk-from day → open cases with no warning yet (at risk once the day has come). */
  readonly atRiskFrom = new Map<number, number>();

  constructor(private readonly none: number) {}

  /** Adds (sign 1) or takes away (sign -1) one case's contribution. */
  apply(c: CaseContribution, sign: 1 | -1): void {
    this.open += sign;
    if (c.warning === 1) this.yellow += sign;
    else if (c.warning === 2) this.red += sign;
    if (c.dataQuality) this.dataQuality += sign;
    bump(this.byLevel, c.level, sign);
    let d = this.byDistrict.get(c.district);
    if (!d) this.byDistrict.set(c.district, (d = { open: 0, yellow: 0, red: 0, dataQuality: 0, byLevel: new Map() }));
    d.open += sign;
    if (c.warning === 1) d.yellow += sign;
    else if (c.warning === 2) d.red += sign;
    if (c.dataQuality) d.dataQuality += sign;
    bump(d.byLevel, c.level, sign);
    if (d.open === 0) this.byDistrict.delete(c.district);
    if (c.stageDueDay !== this.none) {
      let stages = this.stageDue.get(c.stageDueDay);
      if (!stages) this.stageDue.set(c.stageDueDay, (stages = new Map()));
      bump(stages, c.stage, sign);
      if (!stages.size) this.stageDue.delete(c.stageDueDay);
    }
    if (c.openSupplementFrom !== null) bump(this.supplementFrom, c.openSupplementFrom, sign);
    if (c.modelled) this.modelled += sign;
    if (c.warning === 0 && c.atRiskFromDay !== this.none) bump(this.atRiskFrom, c.atRiskFromDay, sign);
  }

  /** A case's warning moved (the scanner at midnight); `atRiskFromDay` as in its contribution. */
  warningChanged(district: number, before: number, after: number, atRiskFromDay: number): void {
    if (atRiskFromDay !== this.none && (before === 0) !== (after === 0)) bump(this.atRiskFrom, atRiskFromDay, after === 0 ? 1 : -1);
    const d = this.byDistrict.get(district)!;
    const move = (warning: number, by: number) => {
      if (warning === 1) {
        this.yellow += by;
        d.yellow += by;
      } else if (warning === 2) {
        this.red += by;
        d.red += by;
      }
    };
    move(before, -1);
    move(after, 1);
  }

  /** Open cases past their stage's limit on `today`, by stage id. */
  stageOverdue(today: number): Map<number, number> {
    const out = new Map<number, number>();
    for (const [day, stages] of this.stageDue) if (today > day) for (const [stage, n] of stages) bump(out, stage, n);
    return out;
  }

  /** Open cases at risk on `today` (predicted late, not yet yellow or red), or null while no case has a model. */
  atRisk(today: number): number | null {
    if (this.modelled === 0) return null;
    let n = 0;
    for (const [day, count] of this.atRiskFrom) if (today >= day) n += count;
    return n;
  }

  /** Open cases whose 补正 is overdue, given the rule for one `from`. */
  pauseOverdue(isOverdue: (from: string) => boolean): number {
    let n = 0;
    for (const [from, count] of this.supplementFrom) if (isOverdue(from)) n += count;
    return n;
  }
}
