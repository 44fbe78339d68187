import { isBadRating, MAX_FUTURE_SKEW_MS, shanghaiDate, type CaseEvent, type WorkingCalendar, shanghaiIso } from '@tongban/shared';
import type { Logger } from 'pino';
import { AppError } from '../../errors.ts';
import { WARNING_RANK, type Warning } from '../case-clock.ts';
import type { CaseState } from '../case-state.ts';
import type { RatingClockStore } from './rating-clock.store.ts';
import {
  isActive,
  kindOfFollowUp,
  openRatingClock,
  RATING_CLOCK_KINDS,
  ratingClockView,
  ratingDueDates,
  ratingWarningOn,
  type FollowUpKind,
  type RatingClock,
  type RatingClockKind,
  type RatingClockView,
} from './rating-clock.ts';

/** A 不满意/非常不满意 `rated` event, and the district of its case. */
export interface BadRating {
  caseId: string;
  eventId: string;
  districtCode: string;
  rating: number;
  ratedAt: string;
}

/** A 不满意/非常不满意 `rated` event: the one kind of event that opens a rating clock. */
function isBadRatingEvent(e: CaseEvent): e is CaseEvent & { rating: number } {
  return e.type === 'rated' && e.rating !== undefined && isBadRating(e.rating);
}

/** What `rating:warning` carries. */
export interface RatingWarningMessage {
  caseId: string;
  districtCode: string;
  kind: RatingClockKind;
  warning: Warning;
  rating: number;
  ratedAt: string;
  due: string;
  at: string;
}

interface Options {
  store: RatingClockStore;
  calendar: () => WorkingCalendar;
  now: () => number;
  emit: (m: RatingWarningMessage) => void;
  logger: Logger;
  /** A follow-up was recorded here (several nodes tell the others, which `reload` the case). */
  followedUp?: (caseId: string) => void;
}

/**
 * Every bad rating's clocks. All clocks live in `rating_clocks`; in memory only the active ones (a follow-up
 * missing and its red not announced), which are at most the bad ratings of the last few weeks. The scanner
 * announces yellow and red once each (the announced level is stored, so a restart does not repeat it).
 */
export class RatingClockBook {
  private readonly active = new Map<string, RatingClock>();
  private lastScanDay = '';
  private dirty = false;
  private scanning: Promise<void> | undefined;
  /**
   * Every change of clocks runs in turn: an opening, a follow-up, a scan and a recomputation each read the
   * store or memory and write a new version; interleaved, an older picture could be written last and win.
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: Options) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  get activeCount(): number {
    return this.active.size;
  }

  async load(): Promise<number> {
    for (const c of await this.o.store.loadActive(this.o.now())) this.active.set(c.eventId, c);
    this.dirty = true;
    return this.active.size;
  }

  /**
   * Opens the clocks of bad ratings these derived cases carry and that have none yet (idempotent: a case is
   * derived again with every event it receives). `quiet`: a bulk derivation of history announces nothing.
   */
  observe(states: readonly CaseState[], quiet = false): Promise<number> {
    return this.serial(() => this.observeNow(states, quiet));
  }

  private async observeNow(states: readonly CaseState[], quiet: boolean): Promise<number> {
    const candidates: BadRating[] = [];
    for (const s of states) {
      for (const e of s.events) {
        if (isBadRatingEvent(e) && !this.active.has(e.eventId)) {
          candidates.push({ caseId: s.caseId, districtCode: s.districtCode, eventId: e.eventId, rating: e.rating, ratedAt: e.occurredAt });
        }
      }
    }
    return this.openMissing(candidates, quiet);
  }

  /**
   * Opens the clocks of bad ratings read from the event log that have none yet (the catch-up of ratings stored
   * before the clocks existed). Quiet: a rating of long ago announces nothing; its warnings are as of today.
   */
  catchUp(ratings: readonly BadRating[]): Promise<number> {
    return this.serial(() => this.openMissing(ratings, true));
  }

  private async openMissing(ratings: readonly BadRating[], quiet: boolean): Promise<number> {
    const candidates = new Map(ratings.filter((r) => isBadRating(r.rating) && !this.active.has(r.eventId)).map((r) => [r.eventId, r]));
    if (!candidates.size) return 0;
    const caseIds = [...new Set([...candidates.values()].map((c) => c.caseId))];
    for (const known of await this.o.store.ratingsWithClocks(caseIds)) candidates.delete(known);
    if (!candidates.size) return 0;
    const cal = this.o.calendar();
    const today = shanghaiDate(this.o.now());
    const opened: RatingClock[] = [];
    for (const c of candidates.values()) {
      const clock = openRatingClock(cal, c);
      if (!clock) continue;
      if (quiet) for (const k of RATING_CLOCK_KINDS) clock.warned[k] = ratingWarningOn(clock, k, today);
      opened.push(clock);
    }
    await this.o.store.write(opened, this.o.now());
    for (const c of opened) if (isActive(c)) this.active.set(c.eventId, c);
    this.dirty = true;
    return opened.length;
  }

  /** A case's clocks, oldest rating first (store, with the in-memory version of active ones). */
  async ofCase(caseId: string): Promise<RatingClock[]> {
    return (await this.o.store.ofCases([caseId])).map((c) => this.active.get(c.eventId) ?? c);
  }

  async views(caseId: string): Promise<RatingClockView[]> {
    const now = this.o.now();
    return (await this.ofCase(caseId)).map((c) => ratingClockView(c, now));
  }

  /**
   * A derived case's clocks. A clock is opened only for a bad `rated` event, so a case without one has none and
   * its read asks nothing of the store (most cases: one engine query less on every case page).
   */
  viewsOf(s: Pick<CaseState, 'caseId' | 'events'>): Promise<RatingClockView[]> {
    return s.events.some(isBadRatingEvent) ? this.views(s.caseId) : Promise.resolve([]);
  }

  /**
   * Records a follow-up on the latest bad rating given at or before `at` that lacks one of this kind.
   * `at` before every bad rating, or in the future (beyond the events' clock-skew allowance), is a 400.
   */
  followUp(caseId: string, kind: FollowUpKind, atIso: string, by: string, note: string): Promise<{ clock: RatingClockView; at: string }> {
    return this.serial(() => this.followUpNow(caseId, kind, atIso, by, note));
  }

  private async followUpNow(caseId: string, kind: FollowUpKind, atIso: string, by: string, note: string): Promise<{ clock: RatingClockView; at: string }> {
    const now = this.o.now();
    const atMs = Date.parse(atIso);
    if (Number.isNaN(atMs)) throw new AppError(400, 'invalid_request', 'at must be an ISO 8601 date-time');
    if (atMs > now + MAX_FUTURE_SKEW_MS) throw new AppError(400, 'invalid_request', 'at lies in the future');
    const clocks = await this.ofCase(caseId);
    if (!clocks.length) throw new AppError(409, 'no_bad_rating', 'the case has no bad rating to follow up');
    const before = clocks.filter((c) => Date.parse(c.ratedAt) <= atMs);
    if (!before.length) throw new AppError(400, 'invalid_request', `at (${atIso}) is before the bad rating (${clocks[0]!.ratedAt})`);
    const k = kindOfFollowUp(kind);
    const target = before.reverse().find((c) => (k === 'returnVisit' ? c.returnVisitAt : c.rectifiedAt) === null);
    if (!target) throw new AppError(409, 'already_followed_up', `every bad rating of the case up to ${atIso} already has its ${kind}`);
    const at = shanghaiIso(atMs);
    const updated: RatingClock = { ...target, ...(k === 'returnVisit' ? { returnVisitAt: at } : { rectifiedAt: at }) };
    // A late follow-up after the red was announced changes nothing on the wall; an on-time one ends the clock.
    await this.o.store.addFollowUp(caseId, kind, at, by, note);
    await this.o.store.write([updated], now);
    if (isActive(updated)) this.active.set(updated.eventId, updated);
    else this.active.delete(updated.eventId);
    this.o.followedUp?.(caseId);
    return { clock: ratingClockView(updated, now), at };
  }

  /**
   * A case's clocks as stored, in place of the versions held here (several nodes: another node recorded a
   * follow-up), so a view, a follow-up and the scanner here start from what that node wrote.
   */
  reload(caseId: string): Promise<void> {
    return this.serial(async () => {
      for (const c of await this.o.store.ofCases([caseId])) {
        if (isActive(c)) this.active.set(c.eventId, c);
        else this.active.delete(c.eventId);
      }
    });
  }

  /** Due dates of the active clocks again (the calendar changed). */
  recompute(): Promise<number> {
    return this.serial(() => this.recomputeNow());
  }

  private async recomputeNow(): Promise<number> {
    const cal = this.o.calendar();
    const changed: RatingClock[] = [];
    for (const c of this.active.values()) {
      const d = ratingDueDates(cal, c.ratedOn);
      if (d.returnVisitDue !== c.returnVisitDue || d.rectificationDue !== c.rectificationDue || d.returnVisitYellowFrom !== c.returnVisitYellowFrom || d.rectificationYellowFrom !== c.rectificationYellowFrom) {
        Object.assign(c, d);
        changed.push(c);
      }
    }
    await this.o.store.write(changed, this.o.now());
    this.dirty = true;
    return changed.length;
  }

  /**
   * Announces every warning due by now. Warnings change only at Shanghai midnight or when a clock is
   * opened or recomputed, so the active clocks are walked only then, not every second.
   */
  scan(): Promise<void> {
    this.scanning ??= this.serial(() => this.scanOnce()).finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    const now = this.o.now();
    const today = shanghaiDate(now);
    if (today === this.lastScanDay && !this.dirty) return;
    this.dirty = false;
    this.lastScanDay = today;
    const changed: RatingClock[] = [];
    for (const c of this.active.values()) {
      let moved = false;
      for (const k of RATING_CLOCK_KINDS) {
        const w = ratingWarningOn(c, k, today);
        if (WARNING_RANK[w] <= WARNING_RANK[c.warned[k]]) continue;
        c.warned[k] = w;
        moved = true;
        this.o.emit({ caseId: c.caseId, districtCode: c.districtCode, kind: k, warning: w, rating: c.rating, ratedAt: c.ratedAt, due: k === 'returnVisit' ? c.returnVisitDue : c.rectificationDue, at: shanghaiIso(now) });
      }
      if (moved) changed.push(c);
    }
    try {
      await this.o.store.write(changed, now);
    } catch (err) {
      // Announced but not stored: after a restart it would be announced once more, which is the safe side.
      this.o.logger.warn({ err, clocks: changed.length }, 'storing announced rating warnings failed');
    }
    for (const c of changed) if (!isActive(c)) this.active.delete(c.eventId);
  }
}
