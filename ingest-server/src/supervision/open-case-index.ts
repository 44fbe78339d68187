import { shanghaiIsoOrNull, type AreaLevel, type CaseSortKey, type CaseSummary, type ClockPause, type Level, type WorkingCalendar } from '@tongban/shared';
import { WARNING_RANK, type Warning } from './case-clock.ts';
import { DATA_QUALITY_FLAGS } from './overdue-rule.ts';
import { PauseBook, type PauseImageMeta } from './pause-book.ts';
import { dayNumber, isoOfDay, shanghaiDay, shanghaiMidnight } from './day-number.ts';
import { TransitionHeap } from './transition-heap.ts';
import { OpenCaseCounts, type CaseContribution } from './open-case-counts.ts';
import { CaseIdTable, type CaseIdImage } from './case-id-table.ts';

/**
 * Predicted lateness for the index (see lateness-model.ts): from which working day used a case at a stage
 * is at risk, and its probability of ending late. `undefined` = no model for the item at that stage.
 */
export interface LatenessAssessor {
  hasModel(itemCode: string, stage: string): boolean;
  atRiskFromUsed(itemCode: string, stage: string, entered: number, limit: number): number | null | undefined;
  probability(itemCode: string, stage: string, c: { entered: number; used: number; limit: number }): number | null;
}

/** What describes a case in the index and in its list rows. */
interface CaseFields {
  caseId: string;
  itemCode: string;
  districtCode: string;
  townshipCode: string;
  villageCode: string;
  departmentCode: string;
  status: string;
  stage: string;
  level: Level;
  holder: string;
}

/** What the index keeps of an open case (from a derived CaseState or a stored case_state row). */
export interface OpenCase extends CaseFields {
  /** Epoch milliseconds. */
  submittedMs: number | null;
  acceptedMs: number | null;
  /** Calendar dates as day numbers (days since 1970-01-01, see day-number.ts): cheap to load and compare. */
  promisedDeadlineDay: number | null;
  statutoryDeadlineDay: number | null;
  yellowFromDay: number | null;
  /** Last day of the current stage's own limit (环节时限), when the item sets one. */
  stageDueDay: number | null;
  /** Day the current stage began (the latest lifecycle step), and the promised limit in working days (at_risk). */
  stageSinceDay: number | null;
  promisedLimitDays: number;
  pauses: ClockPause[];
  /** Flags as derived (those that depend on the date, pause_overdue and stage_overdue, are judged here anew). */
  flags: readonly string[];
}

/** One open case as the index knows it: the wire's `CaseSummary` without the names the feature adds. */
export type OpenCaseRow = Omit<CaseSummary, 'itemName' | 'districtName'>;

export interface CaseFilter {
  warning?: Warning | 'any';
  /** Open cases predicted late and not yet yellow or red (`warning=at_risk`). */
  atRisk?: boolean;
  districtCode?: string;
  townshipCode?: string;
  villageCode?: string;
  itemCode?: string;
  departmentCode?: string;
  stage?: string;
  level?: string;
  minDaysOverdue?: number;
  /** Cases carrying this flag (data-quality cases, pause_overdue, stage_overdue …). */
  flag?: string;
  /** Only cases with a data-quality flag (true), or none of them (false). */
  dataQuality?: boolean;
  /** Red cases that turned red on or after this Shanghai date (red begins the day after the promised deadline). */
  redSince?: string;
  /** Search by case number: case ids containing this text (case-insensitive). */
  caseIdContains?: string;
  /** Only these cases (e.g. those with an open 督办), or none of these (`exclude`). */
  caseIds?: { ids: ReadonlySet<string>; exclude: boolean };
}

/** Orders of the case list (the wire's CASE_SORTS): by severity (red first, most overdue first), deadline, or submission time. */
export type CaseSort = CaseSortKey;

/** Counts of the open cases of one area (a district, township or village; '' = not recorded). */
export interface AreaCounts {
  code: string;
  open: number;
  yellow: number;
  red: number;
  dataQuality: number;
  pauseOverdue: number;
  stageOverdue: number;
  /** Open cases at risk of ending late; null when no case of the area has a lateness model (无数据). */
  atRisk: number | null;
}

export interface IndexCounts {
  open: number;
  yellow: number;
  red: number;
  byLevel: Record<string, number>;
  byDistrict: Record<string, { open: number; yellow: number; red: number }>;
  /** 办件所在层级 of each district with open cases. */
  levelsByDistrict: Record<string, Record<string, number>>;
  /** Open cases with a data-quality flag: never yellow or red, counted apart. */
  dataQuality: { total: number; byDistrict: Record<string, number> };
  /** Open cases past their current stage's own limit (环节超时), by stage. */
  stageOverdue: { total: number; byStage: Record<string, number> };
  pauseOverdue: number;
  /** Open cases predicted late, not yet yellow or red; null when no open case has a lateness model. */
  atRisk: number | null;
}

/** Flags as bits: FLAG_BITS[flag] is the flag's bit. */
const FLAG_NAMES = [...DATA_QUALITY_FLAGS, 'too_fast', 'provisional_deadline', 'completed_while_paused', 'extension_rejected', 'accepted_while_paused'] as const;
const FLAG_BITS = new Map<string, number>(FLAG_NAMES.map((f, i) => [f, 1 << i]));
const DQ_MASK = DATA_QUALITY_FLAGS.reduce((m, f) => m | FLAG_BITS.get(f)!, 0);
const flagMask = (flags: readonly string[]) => flags.reduce((m, f) => m | (FLAG_BITS.get(f) ?? 0), 0);

const NONE = -2147483648;
/** Day numbers are kept in two bytes (days since 1970 up to 2149); 0xffff stands for none (NONE). */
const DAY_NONE = 0xffff;
const packDay = (d: number) => (d === NONE ? DAY_NONE : d < 0 ? 0 : d > DAY_NONE - 1 ? DAY_NONE - 1 : d);
const dayAt = (a: Uint16Array, slot: number) => {
  const d = a[slot]!;
  return d === DAY_NONE ? NONE : d;
};
const WARNINGS: Warning[] = ['none', 'yellow', 'red'];

/** Strings seen often (district, item, holder …) stored once; slots keep small integers. */
class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  /** Starts over from a snapshot's strings (their ids are their positions). */
  reset(values: readonly string[]): void {
    this.ids.clear();
    this.values.length = 0;
    for (const v of values) this.id(v);
  }
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.ids.set(s, i);
    }
    return i;
  }
}

/**
 * Every open case in memory-efficient form: struct-of-arrays of small integers per slot, strings interned,
 * pauses only for the few cases that have them, and a heap of the instant each case's warning next
 * changes. At a million open cases this is a few hundred bytes per case (see `pnpm bench:supervision`).
 */
export class OpenCaseIndex {
  private capacity = 0;
  /** Case id ↔ slot, without a string or Map entry per case (case-id-table.ts). */
  private ids = new CaseIdTable();
  /** Slots at or above `high` were never used; below it, closed cases' slots wait in `free`. */
  private high = 0;
  private free: number[] = [];
  private readonly strings = new Interner();
  /** Interned codes: two bytes a case while fewer than 65,536 distinct strings are seen, then four (`widen`). */
  private district: Codes = new Uint16Array(0);
  private township: Codes = new Uint16Array(0);
  private village: Codes = new Uint16Array(0);
  private item: Codes = new Uint16Array(0);
  private department: Codes = new Uint16Array(0);
  private status: Codes = new Uint16Array(0);
  private stage: Codes = new Uint16Array(0);
  private level: Codes = new Uint16Array(0);
  private holder: Codes = new Uint16Array(0);
  private warning = new Uint8Array(0);
  /**
   * Each slot's generation, matched against its transition-heap entries (16 bits: after a wrap a superseded
   * entry may match again, which only re-judges that case from its columns, as any due entry does).
   */
  private gen = new Uint16Array(0);
  private readonly submittedMs = new InstantColumn();
  private readonly acceptedMs = new InstantColumn();
  private promisedDl = new Uint16Array(0);
  private statutoryDl = new Uint16Array(0);
  private yellowFrom = new Uint16Array(0);
  private stageDue = new Uint16Array(0);
  private stageSince = new Uint16Array(0);
  private limitDays = new Uint16Array(0);
  /** Day from which the case is at risk (NONE: not before its deadline), and whether a model judged it. */
  private atRiskFrom = new Uint16Array(0);
  private modelled = new Uint8Array(0);
  private lateness: LatenessAssessor | undefined;
  private flagBits = new Uint16Array(0);
  private readonly pauses = new PauseBook();
  private readonly heap = new TransitionHeap();
  /** The overview's counts, kept as cases change (never recounted by a walk over every case). */
  private readonly tally = new OpenCaseCounts(NONE);
  /** Slots changed while an image is copied in slices (`imageInSlices`), and whether the id table changed. */
  private copying: Set<number> | undefined;
  private idsChangedSinceCopy = false;
  /** Slots by warning (1 yellow, 2 red): the red list reads these, not every open case. */
  private readonly byWarning: [null, SlotBits, SlotBits] = [null, new SlotBits(), new SlotBits()];

  constructor(
    private readonly calendar: () => WorkingCalendar,
    /** Working days an open 补正 may last before `pause_overdue`. */
    private readonly pauseFlagDays = 30,
  ) {}

  get size(): number {
    return this.ids.size;
  }

  has(caseId: string): boolean {
    return this.ids.get(caseId) !== undefined;
  }

  /** The slots of every open case. */
  private *slots(): Generator<number> {
    const ids = this.ids;
    for (let slot = 0; slot < this.high; slot++) if (ids.live(slot)) yield slot;
  }

  /** Typed-array bytes (the Map of case ids and the id strings come on top; the benchmark measures the heap). */
  get arrayBytes(): number {
    return this.capacity * (4 + 2 * 9 + 2 * 7 + 2 + 1 + 1 + 6 * 2) + this.ids.byteLength + this.heap.bytes;
  }

  /**
   * The index as plain data for a snapshot (open-case-snapshot.ts): copies of its columns up to the highest slot
   * used, taken synchronously (so consistent with every upsert so far); `meta` is small JSON for a file header.
   * What follows from the columns and the day (warnings, counts, the transition heap, lateness) is not kept: it
   * is judged anew at load, as a rebuild would.
   */
  image(): IndexImage {
    const copy = this.startImage();
    for (let k = 0; k < copy.steps; k++) copy.step(k);
    return copy.finish()!;
  }

  /**
   * The same image without holding the event loop for the whole copy (at 6M open cases the copy is ≈ 500 MB):
   * the columns are copied `sliceBytes` at a time (8 MB) with a `pause` between, and every slot changed
   * meanwhile (an upsert or a removal) is copied again in the last step, so the image is the index as it is at
   * that step. A change of shape in between (code columns widened, ids relaid or rehashed, many new slots)
   * starts over; after three such, one synchronous copy. `holdMs` is the longest step, `attempts` the copies
   * begun, `synchronous` whether it came to that.
   */
  async imageInSlices(o: { sliceBytes?: number; pause?: () => Promise<void> } = {}): Promise<IndexImage & { holdMs: number; attempts: number; synchronous: boolean }> {
    const pause = o.pause ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
    let holdMs = 0;
    const held = <T>(f: () => T): T => {
      const t = performance.now();
      try {
        return f();
      } finally {
        holdMs = Math.max(holdMs, performance.now() - t);
      }
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const copy = held(() => this.startImage(o.sliceBytes));
      try {
        let k = 0;
        for (; k < copy.steps && held(() => copy.step(k)); k++) await pause();
        const image = k === copy.steps ? held(() => copy.finish()) : undefined;
        if (image) return { ...image, holdMs, attempts: attempt + 1, synchronous: false };
      } finally {
        copy.abandon();
      }
    }
    return { ...held(() => this.image()), holdMs, attempts: 3, synchronous: true };
  }

  /**
   * A copy of the columns under way: slot columns and the id table copied a slice per `step`, slots changed
   * since the start noted (`upsert`, `remove`) and copied again by `finish`, which gives undefined when the
   * index changed shape meanwhile (`step` then gives false).
   */
  private startImage(sliceBytes = 8 * 1024 * 1024): { steps: number; step: (k: number) => boolean; finish: () => IndexImage | undefined; abandon: () => void } {
    const h0 = this.high;
    // Room for the slots opened during the copy; more than that starts over.
    const room = h0 + Math.max(1024, Math.ceil(h0 / 32));
    const shapeOf = () => `${this.district.BYTES_PER_ELEMENT}/${this.ids.layout().width}/${this.ids.layout().table.length}`;
    const shape = shapeOf();
    const sources = () => {
      const ids = this.ids.layout();
      return [
        ...this.codeColumns().map((a) => ({ a, per: 1 })),
        ...this.submittedMs.columns().map((a) => ({ a, per: 1 })),
        ...this.acceptedMs.columns().map((a) => ({ a, per: 1 })),
        ...this.dayColumns().map((a) => ({ a, per: 1 })),
        { a: ids.bytes, per: ids.width },
        { a: ids.len, per: 1 },
        // The id table: not by slot, one element a step unit.
        { a: ids.table, per: 1 },
      ];
    };
    const tableAt = sources().length - 1;
    const tableLength = this.ids.layout().table.length;
    // Each step copies at most `sliceBytes` of one array (its copy made at its first step, so no step allocates it all).
    const plan: Array<{ i: number; from: number; to: number }> = [];
    sources().forEach(({ a, per }, i) => {
      const units = i === tableAt ? tableLength : h0;
      const step = Math.max(1, Math.floor(sliceBytes / (per * a.BYTES_PER_ELEMENT)));
      for (let from = 0; from < units; from += step) plan.push({ i, from, to: Math.min(units, from + step) });
    });
    const copies: Column[] = [];
    const copyOf = (i: number) => {
      const { a, per } = sources()[i]!;
      return (copies[i] ??= new (a.constructor as new (n: number) => Column)(i === tableAt ? tableLength : room * per));
    };
    const copySlots = (from: number, to: number) =>
      sources().forEach(({ a, per }, i) => i !== tableAt && copyOf(i).set(a.subarray(from * per, to * per), from * per));
    const changed = new Set<number>();
    this.copying = changed;
    this.idsChangedSinceCopy = false;
    const unchanged = () => this.copying === changed && shapeOf() === shape;
    return {
      steps: plan.length,
      step: (k) => {
        if (!unchanged()) return false;
        const { i, from, to } = plan[k]!;
        const { a, per } = sources()[i]!;
        copyOf(i).set(a.subarray(from * per, to * per), from * per);
        return true;
      },
      finish: () => {
        const h = this.high;
        if (!unchanged() || h > room) return undefined;
        for (const slot of changed) if (slot < h0) copySlots(slot, slot + 1);
        if (h > h0) copySlots(h0, h);
        const table = copyOf(tableAt) as Int32Array;
        if (this.idsChangedSinceCopy) table.set(this.ids.layout().table);
        this.copying = undefined;
        return this.imageOf(h, copies.slice(0, tableAt), table);
      },
      abandon: () => {
        if (this.copying === changed) this.copying = undefined;
      },
    };
  }

  /** The image of `high` slots from copies of the slot columns (in `startImage`'s order) and of the id table. */
  private imageOf(h: number, copies: Column[], table: Int32Array): IndexImage {
    const ids = this.ids.imageMeta();
    const pauses = this.pauses.image();
    const extra: IndexImageExtra = {
      strings: this.strings.values,
      pausesApart: pauses.apart,
      idApart: ids.apart,
      submittedApart: this.submittedMs.apartEntries(),
      acceptedApart: this.acceptedMs.apartEntries(),
    };
    const extraBytes = Buffer.from(JSON.stringify(extra));
    const width = ids.meta.width;
    const columns = [
      ...copies.map((c, i) => prefixView(c, i === copies.length - 2 ? h * width : h)),
      new Uint8Array(table.buffer),
      ...pauses.columns,
      new Uint8Array(Int32Array.from(this.free).buffer),
      new Uint8Array(extraBytes.buffer, extraBytes.byteOffset, extraBytes.byteLength),
    ];
    return { meta: { format: 2, high: h, wide: !(this.district instanceof Uint16Array), ids: ids.meta, pauses: pauses.meta, free: this.free.length, extraBytes: extraBytes.byteLength }, columns };
  }

  /**
   * Loading a snapshot into an empty index, in two steps: `targets` are the buffers to read the file's data
   * into (in `image`'s order), and `commit` installs them once read and verified (nothing changes before).
   */
  fromImage(meta: IndexImageMeta): { targets: Uint8Array[]; commit: (nowMs: number) => void } {
    if (this.high !== 0 || this.ids.size !== 0) throw new Error('a snapshot loads into an empty index only');
    const { high } = meta;
    if (meta.format !== 2 || !Number.isInteger(high) || high < 0 || !Number.isInteger(meta.free) || meta.free < 0 || meta.free > high) throw new Error('open-case index image of another format');
    const capacity = high === 0 ? 0 : Math.ceil(high / 1024) * 1024;
    const Code = meta.wide ? Int32Array : Uint16Array;
    const codes = Array.from({ length: 9 }, () => new Code(capacity));
    const instants = [new InstantColumn(), new InstantColumn()] as const;
    const days = Array.from({ length: 7 }, () => new Uint16Array(capacity));
    const ids = CaseIdTable.fromImage(meta.ids, capacity, high);
    const pauses = this.pauses.fromImage(meta.pauses);
    const free = new Int32Array(meta.free);
    const extra = new Uint8Array(meta.extraBytes);
    const targets = [
      ...codes.map((a) => prefixView(a, high)),
      ...instants[0].prepare(capacity, high),
      ...instants[1].prepare(capacity, high),
      ...days.map((a) => prefixView(a, high)),
      ...ids.targets,
      ...pauses.targets,
      new Uint8Array(free.buffer),
      extra,
    ];
    const commit = (nowMs: number) => {
      const x = JSON.parse(Buffer.from(extra.buffer, extra.byteOffset, extra.byteLength).toString('utf8')) as IndexImageExtra;
      // First: it checks its columns' shape before changing anything.
      pauses.commit(x.pausesApart);
      this.capacity = capacity;
      this.high = high;
      [this.district, this.township, this.village, this.item, this.department, this.status, this.stage, this.level, this.holder] = codes as [Codes, Codes, Codes, Codes, Codes, Codes, Codes, Codes, Codes];
      [this.promisedDl, this.statutoryDl, this.yellowFrom, this.stageDue, this.stageSince, this.limitDays, this.flagBits] = days as Array<Uint16Array<ArrayBuffer>> as [Uint16Array<ArrayBuffer>, Uint16Array<ArrayBuffer>, Uint16Array<ArrayBuffer>, Uint16Array<ArrayBuffer>, Uint16Array<ArrayBuffer>, Uint16Array<ArrayBuffer>, Uint16Array<ArrayBuffer>];
      this.submittedMs.adopt(instants[0], x.submittedApart);
      this.acceptedMs.adopt(instants[1], x.acceptedApart);
      this.ids = ids.table(x.idApart);
      this.free = Array.from(free);
      this.strings.reset(x.strings);
      this.warning = new Uint8Array(capacity);
      this.gen = new Uint16Array(capacity);
      this.atRiskFrom = new Uint16Array(capacity);
      this.modelled = new Uint8Array(capacity);
      this.byWarning[1].grow(capacity);
      this.byWarning[2].grow(capacity);
      const today = shanghaiDay(nowMs);
      const memo = new Map<number, number>();
      for (const slot of this.slots()) {
        this.assess(slot, memo);
        this.warning[slot] = WARNING_RANK[this.warningOf(slot, today)];
        this.count(slot);
        this.schedule(slot, today);
      }
    };
    return { targets, commit };
  }

  private codeColumns(): Codes[] {
    return [this.district, this.township, this.village, this.item, this.department, this.status, this.stage, this.level, this.holder];
  }

  private dayColumns(): Uint16Array[] {
    return [this.promisedDl, this.statutoryDl, this.yellowFrom, this.stageDue, this.stageSince, this.limitDays, this.flagBits];
  }

  /** Adds or replaces an open case; returns its warning before (undefined if new) and now. */
  upsert(c: OpenCase, nowMs: number): { previous: Warning | undefined; warning: Warning } {
    let slot = this.ids.get(c.caseId);
    const previous = slot === undefined ? undefined : WARNINGS[this.warning[slot]!];
    if (slot !== undefined) this.uncount(slot);
    if (slot === undefined) {
      slot = this.free.pop() ?? (this.high < this.capacity ? this.high++ : this.grow());
      this.ids.add(c.caseId, slot);
      this.idsChangedSinceCopy = true;
    }
    this.copying?.add(slot);
    const s = this.strings;
    this.district[slot] = s.id(c.districtCode);
    this.township[slot] = s.id(c.townshipCode);
    this.village[slot] = s.id(c.villageCode);
    this.item[slot] = s.id(c.itemCode);
    this.department[slot] = s.id(c.departmentCode);
    this.status[slot] = s.id(c.status);
    this.stage[slot] = s.id(c.stage);
    this.level[slot] = s.id(c.level);
    this.holder[slot] = s.id(c.holder);
    if (s.values.length > 0xffff && this.district instanceof Uint16Array) this.widen(slot, c);
    this.submittedMs.set(slot, c.submittedMs ?? NaN);
    this.acceptedMs.set(slot, c.acceptedMs ?? NaN);
    this.promisedDl[slot] = packDay(c.promisedDeadlineDay ?? NONE);
    this.statutoryDl[slot] = packDay(c.statutoryDeadlineDay ?? NONE);
    this.yellowFrom[slot] = packDay(c.yellowFromDay ?? NONE);
    this.stageDue[slot] = packDay(c.stageDueDay ?? NONE);
    this.stageSince[slot] = packDay(c.stageSinceDay ?? NONE);
    this.limitDays[slot] = Math.min(Math.max(c.promisedLimitDays, 0), 0xffff);
    this.flagBits[slot] = flagMask(c.flags);
    this.pauses.set(slot, c.pauses);
    this.assess(slot, new Map());
    const today = shanghaiDay(nowMs);
    const w = this.warningOf(slot, today);
    this.warning[slot] = WARNING_RANK[w];
    this.count(slot);
    this.schedule(slot, today);
    return { previous, warning: w };
  }

  remove(caseId: string): Warning | undefined {
    const slot = this.ids.get(caseId);
    if (slot === undefined) return undefined;
    const w = WARNINGS[this.warning[slot]!];
    this.uncount(slot);
    this.ids.remove(slot);
    this.idsChangedSinceCopy = true;
    this.copying?.add(slot);
    this.pauses.delete(slot);
    this.gen[slot] = (this.gen[slot]! + 1) & 0xffff;
    this.free.push(slot);
    return w;
  }

  /**
   * Moves the clock to `nowMs`: every case whose warning changed since is reported (the scanner emits
   * `case:warning`). Cost is proportional to the transitions due, not to the number of open cases.
   */
  advance(nowMs: number, onChange: (caseId: string, previous: Warning, warning: Warning) => void): number {
    const today = shanghaiDay(nowMs);
    let changed = 0;
    while (this.heap.size && shanghaiMidnight(this.heap.peekDay()) <= nowMs) {
      const [slot, gen] = this.heap.pop();
      if (this.gen[slot] !== gen || !this.ids.live(slot)) continue;
      const before = WARNINGS[this.warning[slot]!]!;
      const after = this.warningOf(slot, today);
      if (after !== before) this.moveWarning(slot, WARNING_RANK[before], WARNING_RANK[after]);
      this.warning[slot] = WARNING_RANK[after];
      this.schedule(slot, today);
      if (after !== before) {
        changed++;
        onChange(this.ids.idOf(slot), before, after);
      }
    }
    if (this.heap.size > 4 * (this.ids.size + 1024)) this.heap.compact((slot, gen) => this.gen[slot] === gen && this.ids.live(slot));
    return changed;
  }

  /**
   * A predicate for the filter on a day, or null when no open case can match (a value no open case has).
   * Interned ids are compared, so a filter costs a few integer comparisons per case.
   */
  private matcher(filter: CaseFilter, today: number): ((slot: number) => boolean) | null {
    const want = (v: string | undefined) => (v === undefined ? -1 : this.lookup(v));
    const fDistrict = want(filter.districtCode);
    const fTownship = want(filter.townshipCode);
    const fVillage = want(filter.villageCode);
    const fItem = want(filter.itemCode);
    const fDept = want(filter.departmentCode);
    const fStage = want(filter.stage);
    const fLevel = want(filter.level);
    let fWarning = filter.warning && filter.warning !== 'any' ? WARNING_RANK[filter.warning] : -1;
    if ([fDistrict, fTownship, fVillage, fItem, fDept, fStage, fLevel].includes(-2)) return null;
    // Red since D: red, and red began (the day after the promised deadline) on or after D.
    const redFrom = filter.redSince === undefined ? NONE : dayNumber(filter.redSince) - 1;
    if (redFrom !== NONE) {
      if (fWarning >= 0 && fWarning !== WARNING_RANK.red) return null;
      fWarning = WARNING_RANK.red;
    }
    const hasFlag = filter.flag === undefined ? undefined : this.flagTest(filter.flag, today);
    const overdue = filter.minDaysOverdue === undefined ? undefined : this.overdueCounter(today);
    const min = filter.minDaysOverdue ?? 0;
    const idText = filter.caseIdContains?.toLowerCase();
    const ids = filter.caseIds;
    const dq = filter.dataQuality;
    const atRisk = filter.atRisk;
    return (slot) => {
      if (fWarning >= 0 && this.warning[slot] !== fWarning) return false;
      if (atRisk !== undefined && this.atRiskOn(slot, today) !== atRisk) return false;
      if (fDistrict >= 0 && this.district[slot] !== fDistrict) return false;
      if (fTownship >= 0 && this.township[slot] !== fTownship) return false;
      if (fVillage >= 0 && this.village[slot] !== fVillage) return false;
      if (fItem >= 0 && this.item[slot] !== fItem) return false;
      if (fDept >= 0 && this.department[slot] !== fDept) return false;
      if (fStage >= 0 && this.stage[slot] !== fStage) return false;
      if (fLevel >= 0 && this.level[slot] !== fLevel) return false;
      if (redFrom !== NONE && dayAt(this.promisedDl, slot) < redFrom) return false;
      if (hasFlag && !hasFlag(slot)) return false;
      if (dq !== undefined && ((this.flagBits[slot]! & DQ_MASK) !== 0) !== dq) return false;
      if (overdue && overdue(dayAt(this.promisedDl, slot)) < min) return false;
      if (idText !== undefined && !this.ids.idOf(slot).toLowerCase().includes(idText)) return false;
      if (ids && ids.ids.has(this.ids.idOf(slot)) === ids.exclude) return false;
      return true;
    };
  }

  /**
   * Open cases for `GET /api/v1/cases`, in the order `sort` names (default: red first, then yellow, by days
   * overdue), paged by cursor. `total` counts every match (all pages), `nextCursor` is null on the last page.
   */
  list(filter: CaseFilter, nowMs: number, limit: number, cursor?: string, sort: CaseSort = 'severity'): { cases: OpenCaseRow[]; nextCursor: string | null; total: number } {
    const today = shanghaiDay(nowMs);
    const match = this.matcher(filter, today);
    if (!match) return { cases: [], nextCursor: null, total: 0 };
    const after = cursor ? decodeCursor(cursor, sort) : undefined;
    const top: Array<{ slot: number; key: Key }> = [];
    let total = 0;
    let remaining = 0;
    for (const slot of this.candidates(filter)) {
      if (!match(slot)) continue;
      total++;
      // The key's case id is decoded only when the numbers tie (ids are kept packed, case-id-table.ts).
      const key = this.key(slot, sort, '');
      const vsAfter = after ? compareNumbers(key, after) : 1;
      if (vsAfter < 0) continue;
      if (vsAfter === 0) {
        key[2] = this.ids.idOf(slot);
        if (compareKey(key, after!) <= 0) continue;
      }
      remaining++;
      // Keep only the best `limit` hits, sorted: a page never sorts every open case.
      if (top.length === limit && compareNumbers(key, top[limit - 1]!.key) > 0) continue;
      if (vsAfter !== 0) key[2] = this.ids.idOf(slot);
      if (top.length === limit && compareKey(key, top[limit - 1]!.key) >= 0) continue;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareKey(top[mid]!.key, key) < 0) lo = mid + 1;
        else hi = mid;
      }
      top.splice(lo, 0, { slot, key });
      if (top.length > limit) top.pop();
    }
    const overdue = this.overdueCounter(today);
    const cases = top.map((h) => this.summaryAt(h.slot, overdue, today));
    const last = top.at(-1);
    return { cases, nextCursor: remaining > limit && last !== undefined ? encodeCursor(last.key, sort) : null, total };
  }

  /**
   * Every match of a filter in list order, as rows in chunks (exports): the matches are sorted once, and the
   * rows are made a chunk at a time, so a caller can stream them.
   */
  *listAll(filter: CaseFilter, nowMs: number, sort: CaseSort = 'severity', chunk = 2_000): Generator<OpenCaseRow[]> {
    const today = shanghaiDay(nowMs);
    const match = this.matcher(filter, today);
    if (!match) return;
    const hits: Array<{ slot: number; key: Key }> = [];
    for (const slot of this.candidates(filter)) if (match(slot)) hits.push({ slot, key: this.key(slot, sort) });
    hits.sort((a, b) => compareKey(a.key, b.key));
    const overdue = this.overdueCounter(today);
    for (let i = 0; i < hits.length; i += chunk) yield hits.slice(i, i + chunk).map((h) => this.summaryAt(h.slot, overdue, today));
  }

  /**
   * Counts of open cases per area in one pass over the index: per district (the whole city), per township of
   * a district, or per village of a township. Areas without open cases are not listed (the caller adds the
   * administrative tree's other areas with zeros).
   */
  areas(level: AreaLevel, within: { districtCode?: string; townshipCode?: string }, nowMs: number): AreaCounts[] {
    const today = shanghaiDay(nowMs);
    const s = this.strings.values;
    const fDistrict = within.districtCode === undefined ? -1 : this.lookup(within.districtCode);
    const fTownship = within.townshipCode === undefined ? -1 : this.lookup(within.townshipCode);
    if (fDistrict === -2 || fTownship === -2) return [];
    const group = level === 'district' ? this.district : level === 'township' ? this.township : this.village;
    // Indexed by interned id (a dense array, not a Map: one pass over a million cases stays tens of ms).
    const byId: Array<AreaCounts | undefined> = [];
    for (let slot = 0; slot < this.high; slot++) {
      if (!this.ids.live(slot)) continue;
      if (fDistrict >= 0 && this.district[slot] !== fDistrict) continue;
      if (fTownship >= 0 && this.township[slot] !== fTownship) continue;
      const g = group[slot]!;
      let a = byId[g];
      if (!a) byId[g] = a = { code: s[g]!, open: 0, yellow: 0, red: 0, dataQuality: 0, pauseOverdue: 0, stageOverdue: 0, atRisk: null };
      a.open++;
      const w = this.warning[slot]!;
      if (w === 1) a.yellow++;
      else if (w === 2) a.red++;
      if (this.flagBits[slot]! & DQ_MASK) a.dataQuality++;
      if (this.pauses.has(slot) && this.pauseOverdue(slot, today)) a.pauseOverdue++;
      if (this.stageOverdue(slot, today)) a.stageOverdue++;
      if (this.modelled[slot]) a.atRisk = (a.atRisk ?? 0) + (this.atRiskOn(slot, today) ? 1 : 0);
    }
    return byId.filter((a): a is AreaCounts => a !== undefined);
  }

  /** Where open cases are (district, township, village), for those of `caseIds` that are open. */
  placesOf(caseIds: Iterable<string>): Map<string, { districtCode: string; townshipCode: string; villageCode: string }> {
    const s = this.strings.values;
    const out = new Map<string, { districtCode: string; townshipCode: string; villageCode: string }>();
    for (const id of caseIds) {
      const slot = this.ids.get(id);
      if (slot !== undefined) out.set(id, { districtCode: s[this.district[slot]!]!, townshipCode: s[this.township[slot]!]!, villageCode: s[this.village[slot]!]! });
    }
    return out;
  }

  /** One open case as the list shows it, or undefined when it is not open. */
  /** The district of an open case, or undefined for a case not open. */
  districtOf(caseId: string): string | undefined {
    const slot = this.ids.get(caseId);
    return slot === undefined ? undefined : this.strings.values[this.district[slot]!];
  }

  summary(caseId: string, nowMs: number): OpenCaseRow | undefined {
    const slot = this.ids.get(caseId);
    const today = shanghaiDay(nowMs);
    return slot === undefined ? undefined : this.summaryAt(slot, this.overdueCounter(today), today);
  }

  /** The flags of a slot on a day: the derived ones plus those judged by date. */
  private flagsAt(slot: number, today: number): string[] {
    const bits = this.flagBits[slot]!;
    const out: string[] = FLAG_NAMES.filter((f) => bits & FLAG_BITS.get(f)!);
    if (this.pauseOverdue(slot, today)) out.push('pause_overdue');
    if (this.stageOverdue(slot, today)) out.push('stage_overdue');
    return out;
  }

  private stageOverdue(slot: number, today: number): boolean {
    const d = dayAt(this.stageDue, slot);
    return d !== NONE && today > d;
  }

  /** The open 补正 of a slot (the one `pause_overdue` is judged on), if any. */
  private openSupplement(slot: number): ClockPause | undefined {
    return this.pauses.get(slot)?.find((p) => p.to === undefined && (p.kind ?? 'supplement') === 'supplement');
  }

  private contribution(slot: number): CaseContribution {
    return {
      district: this.district[slot]!,
      level: this.level[slot]!,
      warning: this.warning[slot]!,
      dataQuality: (this.flagBits[slot]! & DQ_MASK) !== 0,
      stage: this.stage[slot]!,
      stageDueDay: dayAt(this.stageDue, slot),
      openSupplementFrom: this.openSupplement(slot)?.from ?? null,
      modelled: this.modelled[slot] === 1,
      atRiskFromDay: dayAt(this.atRiskFrom, slot),
    };
  }

  private count(slot: number): void {
    this.tally.apply(this.contribution(slot), 1);
    this.byWarning[this.warning[slot]!]?.add(slot);
  }

  private uncount(slot: number): void {
    this.tally.apply(this.contribution(slot), -1);
    this.byWarning[this.warning[slot]!]?.delete(slot);
  }

  private moveWarning(slot: number, before: number, after: number): void {
    this.tally.warningChanged(this.district[slot]!, before, after, dayAt(this.atRiskFrom, slot));
    this.byWarning[before]?.delete(slot);
    this.byWarning[after]?.add(slot);
  }

  /** The slots a filter can match: only the yellow or red ones when it asks for a warning. */
  private candidates(filter: CaseFilter): Iterable<number> {
    const w = filter.redSince !== undefined ? 'red' : filter.warning;
    if (w === 'red') return this.byWarning[WARNING_RANK.red as 2];
    if (w === 'yellow') return this.byWarning[WARNING_RANK.yellow as 1];
    return this.slots();
  }

  private pauseOverdue(slot: number, today: number): boolean {
    const open = this.openSupplement(slot);
    return open !== undefined && this.calendar().countWorkingDays(open.from, isoOfDay(today)).days > this.pauseFlagDays;
  }

  /** A predicate for `flag=…` (undefined slots never match an unknown flag). */
  private flagTest(flag: string, today: number): (slot: number) => boolean {
    if (flag === 'pause_overdue') return (slot) => this.pauseOverdue(slot, today);
    if (flag === 'stage_overdue') return (slot) => this.stageOverdue(slot, today);
    const bit = FLAG_BITS.get(flag) ?? 0;
    return (slot) => (this.flagBits[slot]! & bit) !== 0;
  }

  private summaryAt(slot: number, overdue: (deadline: number) => number, today: number): OpenCaseRow {
    const s = this.strings.values;
    const dq = (this.flagBits[slot]! & DQ_MASK) !== 0;
    return {
      caseId: this.ids.idOf(slot),
      itemCode: s[this.item[slot]!]!,
      districtCode: s[this.district[slot]!]!,
      townshipCode: s[this.township[slot]!] || null,
      villageCode: s[this.village[slot]!] || null,
      departmentCode: s[this.department[slot]!] || null,
      status: s[this.status[slot]!]!,
      stage: s[this.stage[slot]!]!,
      level: s[this.level[slot]!]! as Level,
      holder: s[this.holder[slot]!] || null,
      submittedAt: shanghaiIsoOrNull(this.submittedMs.get(slot)),
      acceptedAt: shanghaiIsoOrNull(this.acceptedMs.get(slot)),
      promisedDeadline: dayOrNull(dayAt(this.promisedDl, slot)),
      statutoryDeadline: dayOrNull(dayAt(this.statutoryDl, slot)),
      warning: WARNINGS[this.warning[slot]!]!,
      daysOverdue: dq ? 0 : overdue(dayAt(this.promisedDl, slot)),
      flags: this.flagsAt(slot, today),
      atRisk: this.atRiskView(slot, today),
    };
  }

  /**
   * The overview's counts, from the tally kept as cases change: the cost is the number of districts, levels
   * and distinct stage-due and 补正 days, not of open cases (issue 16). Equal to `recount` by construction
   * (a property test holds them equal after random changes).
   */
  counts(nowMs: number): IndexCounts {
    const s = this.strings.values;
    const t = this.tally;
    const today = shanghaiDay(nowMs);
    const c: IndexCounts = {
      open: t.open, yellow: t.yellow, red: t.red, byLevel: { city: 0, district: 0, township: 0, village: 0 }, byDistrict: {}, levelsByDistrict: {},
      dataQuality: { total: t.dataQuality, byDistrict: {} }, stageOverdue: { total: 0, byStage: {} }, pauseOverdue: 0,
      atRisk: t.atRisk(today),
    };
    for (const [level, n] of t.byLevel) c.byLevel[s[level]!] = n;
    for (const [district, d] of t.byDistrict) {
      c.byDistrict[s[district]!] = { open: d.open, yellow: d.yellow, red: d.red };
      const levels: Record<string, number> = (c.levelsByDistrict[s[district]!] = { city: 0, district: 0, township: 0, village: 0 });
      for (const [level, n] of d.byLevel) levels[s[level]!] = n;
      if (d.dataQuality) c.dataQuality.byDistrict[s[district]!] = d.dataQuality;
    }
    for (const [stage, n] of t.stageOverdue(today)) {
      c.stageOverdue.byStage[s[stage]!] = n;
      c.stageOverdue.total += n;
    }
    const until = isoOfDay(today);
    c.pauseOverdue = t.pauseOverdue((from) => this.calendar().countWorkingDays(from, until).days > this.pauseFlagDays);
    return c;
  }

  /** The counts by a walk over every open case: the reference `counts` is held equal to (tests, benchmark). */
  recount(nowMs: number): IndexCounts {
    const s = this.strings.values;
    const today = shanghaiDay(nowMs);
    const c: IndexCounts = {
      open: 0, yellow: 0, red: 0, byLevel: { city: 0, district: 0, township: 0, village: 0 }, byDistrict: {}, levelsByDistrict: {},
      dataQuality: { total: 0, byDistrict: {} }, stageOverdue: { total: 0, byStage: {} }, pauseOverdue: 0, atRisk: null,
    };
    for (const slot of this.slots()) {
      if (this.flagBits[slot]! & DQ_MASK) {
        const district = s[this.district[slot]!]!;
        c.dataQuality.total++;
        c.dataQuality.byDistrict[district] = (c.dataQuality.byDistrict[district] ?? 0) + 1;
      }
      if (this.stageOverdue(slot, today)) {
        const stage = s[this.stage[slot]!]!;
        c.stageOverdue.total++;
        c.stageOverdue.byStage[stage] = (c.stageOverdue.byStage[stage] ?? 0) + 1;
      }
      if (this.pauses.has(slot) && this.pauseOverdue(slot, today)) c.pauseOverdue++;
      if (this.modelled[slot]) c.atRisk = (c.atRisk ?? 0) + (this.atRiskOn(slot, today) ? 1 : 0);
      const w = this.warning[slot]!;
      c.open++;
      if (w === 1) c.yellow++;
      if (w === 2) c.red++;
      const level = s[this.level[slot]!]!;
      c.byLevel[level] = (c.byLevel[level] ?? 0) + 1;
      const levels = (c.levelsByDistrict[s[this.district[slot]!]!] ??= { city: 0, district: 0, township: 0, village: 0 });
      levels[level] = (levels[level] ?? 0) + 1;
      const d = (c.byDistrict[s[this.district[slot]!]!] ??= { open: 0, yellow: 0, red: 0 });
      d.open++;
      if (w === 1) d.yellow++;
      if (w === 2) d.red++;
    }
    return c;
  }

  /** Open case ids (e.g. to recompute deadlines after a calendar or item change). */
  caseIds(filter?: { itemCode?: string }): string[] {
    const item = filter?.itemCode === undefined ? -1 : this.lookup(filter.itemCode);
    if (item === -2) return [];
    const out: string[] = [];
    for (const slot of this.slots()) if (item < 0 || this.item[slot] === item) out.push(this.ids.idOf(slot));
    return out;
  }

  /** What is needed to recompute a case's clocks without reading its events. */
  clockInputs(caseId: string): { itemCode: string; acceptedAt: string | null; pauses: ClockPause[] } | undefined {
    const slot = this.ids.get(caseId);
    if (slot === undefined) return undefined;
    return { itemCode: this.strings.values[this.item[slot]!]!, acceptedAt: shanghaiIsoOrNull(this.acceptedMs.get(slot)), pauses: this.pauses.get(slot) ?? [] };
  }

  /** Sets (or replaces) the lateness model and judges every open case with it. */
  setLateness(assessor: LatenessAssessor | undefined): void {
    this.lateness = assessor;
    const memo = new Map<number, number>();
    for (const slot of this.slots()) this.reassess(slot, memo);
  }

  /**
   * The same, `chunk` cases at a time, yielding to the event loop between chunks (a million open cases take
   * about a second and a half: see `pnpm bench:supervision`). Cases upserted meanwhile are judged with the
   * new model already.
   */
  async setLatenessInSteps(assessor: LatenessAssessor | undefined, chunk = 20_000): Promise<void> {
    this.lateness = assessor;
    const memo = new Map<number, number>();
    let n = 0;
    for (const slot of this.slots()) {
      if (this.lateness !== assessor) return;
      this.reassess(slot, memo);
      if (++n % chunk === 0) await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Working days used when the current stage began (its day counted), on the promised clock. Cases without
   * pauses share the answer by (acceptance day, stage day): `memo` keeps it for a pass over many cases.
   */
  private enteredUsed(slot: number, memo?: Map<number, number>): number {
    const since = dayAt(this.stageSince, slot);
    const accepted = shanghaiDay(this.acceptedMs.get(slot));
    if (since === NONE || since <= accepted) return 0;
    const pauses = this.pauses.get(slot);
    // Day numbers stay below 2^17 until the year 2328: two of them make one exact integer key.
    const key = pauses ? undefined : -(accepted * 131072 + since) - 1;
    let v = key === undefined ? undefined : memo?.get(key);
    if (v === undefined) {
      v = this.calendar().workingDaysUsed({ acceptedOn: isoOfDay(accepted), asOf: isoOfDay(since), pauses }).days;
      if (key !== undefined) memo?.set(key, v);
    }
    return v;
  }

  /** Judges a counted case anew (a new model), its contribution to the counts moved with it. */
  private reassess(slot: number, memo: Map<number, number>): void {
    this.uncount(slot);
    this.assess(slot, memo);
    this.count(slot);
  }

  /** Judges one case with the model: from which day it is at risk (memo: cases alike share the answer). */
  private assess(slot: number, memo: Map<number, number>): void {
    this.atRiskFrom[slot] = packDay(NONE);
    this.modelled[slot] = 0;
    const m = this.lateness;
    if (!m || this.flagBits[slot]! & DQ_MASK || Number.isNaN(this.acceptedMs.get(slot)) || dayAt(this.promisedDl, slot) === NONE || dayAt(this.stageSince, slot) === NONE) return;
    const itemId = this.item[slot]!;
    const stageId = this.stage[slot]!;
    // Keys of the memo: item × stage (whether it has a model) and item × stage × entered × limit (from when).
    const pair = itemId * 1024 + stageId;
    let has = memo.get(-(2 ** 52) - pair);
    if (has === undefined) memo.set(-(2 ** 52) - pair, (has = m.hasModel(this.strings.values[itemId]!, this.strings.values[stageId]!) ? 1 : 0));
    if (!has) return;
    const item = this.strings.values[itemId]!;
    const stage = this.strings.values[stageId]!;
    const entered = this.enteredUsed(slot, memo);
    const limit = this.limitDays[slot]!;
    const key = (pair * 1024 + Math.min(entered, 1023)) * 1024 + Math.min(limit, 1023) + 1;
    let from = memo.get(key);
    if (from === undefined) {
      const u = m.atRiskFromUsed(item, stage, entered, limit);
      from = u === undefined ? -1 : u === null ? -2 : u;
      memo.set(key, from);
    }
    if (from === -1) return;
    this.modelled[slot] = 1;
    if (from < 0) return;
    const accepted = shanghaiDay(this.acceptedMs.get(slot));
    const pauses = this.pauses.get(slot);
    const dayKey = pauses ? undefined : -(2 ** 51) - (accepted * 1024 + from);
    let day = dayKey === undefined ? undefined : memo.get(dayKey);
    if (day === undefined) {
      const d = from === 0 ? isoOfDay(accepted) : this.calendar().deadline({ acceptedOn: isoOfDay(accepted), limitDays: from, pauses }).deadline;
      day = d === null ? NONE : dayNumber(d);
      if (dayKey !== undefined) memo.set(dayKey, day);
    }
    if (day !== NONE) this.atRiskFrom[slot] = packDay(Math.max(day, dayAt(this.stageSince, slot)));
  }

  /** At risk on a day: predicted late, and not yet yellow or red (nor a data-quality case). */
  private atRiskOn(slot: number, today: number): boolean {
    const from = dayAt(this.atRiskFrom, slot);
    return from !== NONE && today >= from && this.warning[slot] === 0;
  }

  private atRiskView(slot: number, today: number): OpenCaseRow['atRisk'] {
    const m = this.lateness;
    if (!m || !this.modelled[slot]) return null;
    const acceptedOn = isoOfDay(shanghaiDay(this.acceptedMs.get(slot)));
    const used = this.calendar().workingDaysUsed({ acceptedOn, asOf: isoOfDay(today), pauses: this.pauses.get(slot) }).days;
    const s = this.strings.values;
    const probability = m.probability(s[this.item[slot]!]!, s[this.stage[slot]!]!, { entered: this.enteredUsed(slot), used, limit: this.limitDays[slot]! });
    if (probability === null) return null;
    return { probability, since: this.atRiskOn(slot, today) ? isoOfDay(dayAt(this.atRiskFrom, slot)) : null };
  }

  private warningOf(slot: number, today: number): Warning {
    // The one rule (overdue-rule.ts): a data-quality case is never yellow or red.
    if (this.flagBits[slot]! & DQ_MASK) return 'none';
    const dl = dayAt(this.promisedDl, slot);
    if (dl !== NONE && today > dl) return 'red';
    const y = dayAt(this.yellowFrom, slot);
    if (y !== NONE && today >= y) return 'yellow';
    return 'none';
  }

  private schedule(slot: number, today: number): void {
    const gen = (this.gen[slot] = (this.gen[slot]! + 1) & 0xffff);
    if (this.flagBits[slot]! & DQ_MASK) return;
    const y = dayAt(this.yellowFrom, slot);
    const dl = dayAt(this.promisedDl, slot);
    let next = NONE;
    if (y !== NONE && today < y) next = y;
    else if (dl !== NONE && today <= dl) next = dl + 1;
    if (next !== NONE) this.heap.push(next, slot, gen);
  }

  private key(slot: number, sort: CaseSort, id = this.ids.idOf(slot)): Key {
    const dl = dayAt(this.promisedDl, slot);
    const deadline = dl === NONE ? Number.MAX_SAFE_INTEGER : dl;
    if (sort === 'severity') return [2 - this.warning[slot]!, deadline, id];
    if (sort === 'deadline') return [deadline, 0, id];
    const ms = this.submittedMs.get(slot);
    const submitted = Number.isNaN(ms) ? Number.MAX_SAFE_INTEGER : ms;
    if (sort === 'submitted') return [submitted, 0, id];
    if (sort === 'submitted_desc') return [submitted === Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : -submitted, 0, id];
    return [2 - this.warning[slot]!, deadline, id];
  }

  /** Working days overdue by deadline day, memoised per call (few distinct deadlines). */
  private overdueCounter(today: number): (deadline: number) => number {
    const memo = new Map<number, number>();
    const cal = this.calendar();
    return (dl) => {
      if (dl === NONE || dl >= today) return 0;
      let v = memo.get(dl);
      if (v === undefined) memo.set(dl, (v = Math.max(1, cal.countWorkingDays(isoOfDay(dl), isoOfDay(today)).days)));
      return v;
    };
  }

  /** Interned id of a value, or -2 when no open case has it. */
  private lookup(v: string): number {
    const i = this.strings.values.indexOf(v);
    return i === -1 ? -2 : i;
  }

  /** Room for more slots: doubling to a million, then by a quarter (less slack at several million). */
  private grow(): number {
    const slot = this.capacity;
    const n = this.capacity < 1 << 20 ? Math.max(1024, this.capacity * 2) : Math.ceil((this.capacity * 1.25) / 1024) * 1024;
    const copy = <T extends Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.district = copy(this.district);
    this.township = copy(this.township);
    this.village = copy(this.village);
    this.item = copy(this.item);
    this.department = copy(this.department);
    this.status = copy(this.status);
    this.stage = copy(this.stage);
    this.level = copy(this.level);
    this.holder = copy(this.holder);
    this.promisedDl = copy(this.promisedDl);
    this.statutoryDl = copy(this.statutoryDl);
    this.yellowFrom = copy(this.yellowFrom);
    this.stageDue = copy(this.stageDue);
    this.stageSince = copy(this.stageSince);
    this.limitDays = copy(this.limitDays);
    this.atRiskFrom = copy(this.atRiskFrom);
    this.modelled = copy(this.modelled);
    this.flagBits = copy(this.flagBits);
    this.warning = copy(this.warning);
    this.gen = copy(this.gen);
    this.submittedMs.grow(n);
    this.acceptedMs.grow(n);
    this.ids.grow(n);
    this.byWarning[1].grow(n);
    this.byWarning[2].grow(n);
    this.capacity = n;
    this.high = slot + 1;
    return slot;
  }

  /** More than 65,535 distinct strings: the code columns become four bytes a case (`slot`'s codes set anew). */
  private widen(slot: number, c: CaseFields): void {
    const wide = (a: Codes) => Int32Array.from(a);
    this.district = wide(this.district);
    this.township = wide(this.township);
    this.village = wide(this.village);
    this.item = wide(this.item);
    this.department = wide(this.department);
    this.status = wide(this.status);
    this.stage = wide(this.stage);
    this.level = wide(this.level);
    this.holder = wide(this.holder);
    const s = this.strings;
    this.district[slot] = s.id(c.districtCode);
    this.township[slot] = s.id(c.townshipCode);
    this.village[slot] = s.id(c.villageCode);
    this.item[slot] = s.id(c.itemCode);
    this.department[slot] = s.id(c.departmentCode);
    this.status[slot] = s.id(c.status);
    this.stage[slot] = s.id(c.stage);
    this.level[slot] = s.id(c.level);
    this.holder[slot] = s.id(c.holder);
  }
}

type Codes = Uint16Array | Int32Array;

/** What a snapshot of the index keeps besides its columns (a file header's JSON). */
export interface IndexImageMeta {
  /** 2 since the pauses are kept packed (format 1 had them as JSON: such a snapshot is set aside and the index rebuilt, once). */
  format: 2;
  /** Slots used (live or free): the columns' length. */
  high: number;
  /** Code columns in four bytes a case (more than 65,535 distinct strings), not two. */
  wide: boolean;
  ids: CaseIdImage;
  pauses: PauseImageMeta;
  free: number;
  extraBytes: number;
}

/** The index's few variable-sized parts, as JSON in the snapshot's data. */
interface IndexImageExtra {
  strings: string[];
  /** Pauses not packed (dates outside 1970–2149): the rest are columns. */
  pausesApart: Array<[number, ClockPause[]]>;
  idApart: Array<[number, string]>;
  submittedApart: Array<[number, number]>;
  acceptedApart: Array<[number, number]>;
}

/** The bytes of a column's first `n` slots. */
const prefixView = (a: Uint8Array | Uint16Array | Int32Array | Uint32Array, n: number) => new Uint8Array(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT);
type Column = Uint8Array | Uint16Array | Int32Array | Uint32Array;

/** An index as plain data for its snapshot: the header's JSON and the data's chunks. */
export interface IndexImage {
  meta: IndexImageMeta;
  columns: Uint8Array[];
}

/**
 * Epoch-millisecond instants in six bytes a case (seconds since 1970 in four, milliseconds in two); NaN for
 * none. An instant outside 1970–2106 or with a fraction of a millisecond is kept exactly, apart (rare).
 */
class InstantColumn {
  private seconds = new Uint32Array(0);
  private millis = new Uint16Array(0);
  private readonly apart = new Map<number, number>();

  /** Its columns as they are now (a snapshot copies them; `apartEntries` the instants kept apart). */
  columns(): [Uint32Array, Uint16Array] {
    return [this.seconds, this.millis];
  }

  apartEntries(): Array<[number, number]> {
    return [...this.apart];
  }

  /** Fresh columns of `capacity` slots: the bytes of the first `high` to read a snapshot into. */
  prepare(capacity: number, high: number): Uint8Array[] {
    this.seconds = new Uint32Array(capacity);
    this.millis = new Uint16Array(capacity);
    return [prefixView(this.seconds, high), prefixView(this.millis, high)];
  }

  /** Takes the columns of `other` (prepared and filled) and the instants kept apart. */
  adopt(other: InstantColumn, apart: Array<[number, number]>): void {
    this.seconds = other.seconds;
    this.millis = other.millis;
    this.apart.clear();
    for (const [slot, ms] of apart) this.apart.set(slot, ms);
  }

  grow(capacity: number): void {
    const s = new Uint32Array(capacity);
    s.set(this.seconds);
    this.seconds = s;
    const m = new Uint16Array(capacity);
    m.set(this.millis);
    this.millis = m;
  }

  set(slot: number, ms: number): void {
    this.apart.delete(slot);
    if (Number.isNaN(ms)) {
      this.seconds[slot] = 0xffffffff;
      this.millis[slot] = 0xffff;
      return;
    }
    const sec = Math.floor(ms / 1000);
    if (!Number.isInteger(ms) || sec < 0 || sec >= 0xffffffff) {
      this.seconds[slot] = 0xffffffff;
      this.millis[slot] = 0xfffe;
      this.apart.set(slot, ms);
      return;
    }
    this.seconds[slot] = sec;
    this.millis[slot] = ms - sec * 1000;
  }

  get(slot: number): number {
    const sec = this.seconds[slot]!;
    if (sec !== 0xffffffff) return sec * 1000 + this.millis[slot]!;
    return this.millis[slot] === 0xffff ? NaN : this.apart.get(slot)!;
  }
}

/** A set of slots as one bit a slot (the yellow and the red ones): an eighth of a byte a case, not a Set entry. */
class SlotBits implements Iterable<number> {
  private words = new Uint32Array(0);

  grow(capacity: number): void {
    const w = new Uint32Array(Math.ceil(capacity / 32));
    w.set(this.words);
    this.words = w;
  }

  add(slot: number): void {
    this.words[slot >>> 5]! |= 1 << (slot & 31);
  }

  delete(slot: number): void {
    this.words[slot >>> 5]! &= ~(1 << (slot & 31));
  }

  *[Symbol.iterator](): Generator<number> {
    const w = this.words;
    for (let i = 0; i < w.length; i++) {
      let bits = w[i]!;
      while (bits !== 0) {
        const low = bits & -bits;
        yield i * 32 + 31 - Math.clz32(low);
        bits ^= low;
      }
    }
  }
}
type Key = [number, number, string];
function compareNumbers(a: Key, b: Key): number {
  return a[0] - b[0] || a[1] - b[1];
}
function compareKey(a: Key, b: Key): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}
/** A cursor names the sort it was made for: a cursor of another sort starts from the beginning. */
const encodeCursor = (k: Key, sort: CaseSort) => Buffer.from(JSON.stringify([...k, sort])).toString('base64url');
function decodeCursor(c: string, sort: CaseSort): Key | undefined {
  try {
    const k = JSON.parse(Buffer.from(c, 'base64url').toString()) as unknown;
    if (!Array.isArray(k) || k.length < 3) return undefined;
    if ((k[3] ?? 'severity') !== sort) return undefined;
    return [Number(k[0]), Number(k[1]), String(k[2])];
  } catch {
    return undefined;
  }
}
const dayOrNull = (d: number) => (d === NONE ? null : isoOfDay(d));
