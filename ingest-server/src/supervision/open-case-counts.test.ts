import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultWorkingCalendar, type ClockPause, type Level } from '@tongban/shared';
import { dayNumber, isoOfDay } from './day-number.ts';
import { OpenCaseIndex, type LatenessAssessor, type OpenCase } from './open-case-index.ts';

const START = Date.parse('2025-09-01T10:00:00+08:00');
const DAY = 86_400_000;
const day0 = dayNumber('2025-09-01');

const districts = ['500118', '500101', '500106'];
const levels: Level[] = ['city', 'district', 'township', 'village'];
const stages = ['submitted', 'accepted', 'reviewed', 'supplement_requested'];
const flags = ['unknown_item', 'too_fast', 'completion_before_acceptance', 'provisional_deadline'];

/** A random open case: any district, level, stage, deadlines around the run's days, pauses, flags. */
const openCase = fc.record({
  id: fc.integer({ min: 0, max: 40 }),
  district: fc.constantFrom(...districts),
  level: fc.constantFrom(...levels),
  stage: fc.constantFrom(...stages),
  yellowIn: fc.option(fc.integer({ min: -5, max: 40 }), { nil: null }),
  deadlineAfterYellow: fc.integer({ min: 0, max: 6 }),
  stageDueIn: fc.option(fc.integer({ min: -5, max: 40 }), { nil: null }),
  supplementFromDaysAgo: fc.option(fc.integer({ min: 0, max: 80 }), { nil: null }),
  special: fc.boolean(),
  flags: fc.subarray(flags, { maxLength: 2 }),
  stageSinceDaysAgo: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
  limitDays: fc.integer({ min: 1, max: 20 }),
});
type Spec = typeof openCase extends fc.Arbitrary<infer T> ? T : never;

const toCase = (c: Spec): OpenCase => {
  const pauses: ClockPause[] = [];
  if (c.special) pauses.push({ from: isoOfDay(day0 - 3), kind: 'special' });
  if (c.supplementFromDaysAgo !== null) pauses.push({ from: isoOfDay(day0 - c.supplementFromDaysAgo), kind: 'supplement' });
  return {
    caseId: `P-${c.id}`,
    itemCode: 'X',
    districtCode: c.district,
    townshipCode: '',
    villageCode: '',
    departmentCode: '',
    status: pauses.length ? 'paused' : 'in_progress',
    stage: c.stage,
    level: c.level,
    holder: '',
    submittedMs: START,
    acceptedMs: START,
    yellowFromDay: c.yellowIn === null ? null : day0 + c.yellowIn,
    promisedDeadlineDay: c.yellowIn === null ? null : day0 + c.yellowIn + c.deadlineAfterYellow,
    statutoryDeadlineDay: null,
    stageDueDay: c.stageDueIn === null ? null : day0 + c.stageDueIn,
    stageSinceDay: c.stageSinceDaysAgo === null ? null : day0 - c.stageSinceDaysAgo,
    promisedLimitDays: c.limitDays,
    pauses,
    flags: c.flags,
  };
};

/**
 * A lateness model for the property (the real one is lateness-model.ts): items at 'accepted' and 'reviewed'
 * are modelled; a case is at risk from `limit - shift` working days used, or never (null) when that is below 0.
 */
const model = (shift: number): LatenessAssessor => ({
  hasModel: (_item, stage) => stage === 'accepted' || stage === 'reviewed',
  atRiskFromUsed: (_item, stage, _entered, limit) => (stage === 'accepted' || stage === 'reviewed' ? (limit - shift >= 0 ? limit - shift : null) : undefined),
  probability: () => 0.6,
});

const op = fc.oneof(
  { arbitrary: openCase.map((c) => ({ kind: 'upsert' as const, c })), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: 40 }).map((id) => ({ kind: 'remove' as const, id })), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 4 * DAY }).map((ms) => ({ kind: 'advance' as const, ms })), weight: 2 },
  { arbitrary: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }).map((shift) => ({ kind: 'model' as const, shift })), weight: 1 },
);

describe('the open-case index counts, kept incrementally', () => {
  it('equal a full recount after any sequence of upserts, removals and clock advances', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const index = new OpenCaseIndex(() => defaultWorkingCalendar, 30);
        let now = START;
        for (const o of ops) {
          if (o.kind === 'upsert') index.upsert(toCase(o.c), now);
          else if (o.kind === 'remove') index.remove(`P-${o.id}`);
          else if (o.kind === 'model') index.setLateness(o.shift === null ? undefined : model(o.shift));
          else {
            now += o.ms;
            index.advance(now, () => undefined);
          }
          expect(index.counts(now)).toEqual(index.recount(now));
        }
        // Days later without any event: the date-judged counts (stage limit, 补正) move with the clock alone.
        for (const later of [now + 10 * DAY, now + 60 * DAY]) {
          index.advance(later, () => undefined);
          expect(index.counts(later)).toEqual(index.recount(later));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lists the red cases from the red ones alone, the same as a filter over every case', () => {
    const index = new OpenCaseIndex(() => defaultWorkingCalendar);
    const now = START + 20 * DAY;
    for (let i = 0; i < 50; i++) index.upsert(toCase({ id: i, district: districts[i % 3]!, level: 'district', stage: 'accepted', yellowIn: i % 20, deadlineAfterYellow: 2, stageDueIn: null, supplementFromDaysAgo: null, special: false, flags: [], stageSinceDaysAgo: null, limitDays: 10 }), now);
    const red = index.list({ warning: 'red' }, now, 100);
    expect(red.total).toBe(index.counts(now).red);
    expect(red.cases.every((c) => c.warning === 'red')).toBe(true);
    const all = index.list({}, now, 100).cases.filter((c) => c.warning === 'red').map((c) => c.caseId);
    expect(red.cases.map((c) => c.caseId)).toEqual(all);
  });
});
