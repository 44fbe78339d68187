/*
 * The documented fixture set of the metrics and reports tests: three items of a test department and eleven
 * cases whose every figure is worked out by hand below (DOMAIN.md clock rules, the 2025 holiday notice:
 * 10-01…10-08 off, Sunday 09-28 and Saturday 10-11 worked).
 *
 * Items (department TESTDEPT 测试局):
 *   T-A 测试甲 district level, 行政许可, promised 5 / statutory 10 working days, online depth 4, window+pc+mobile,
 *       全渝通办, no visit needed, guide 8/8, 2 materials, at least 30 minutes of handling.
 *   T-B 测试乙 township level, promised 10 / statutory 20, depth 2, window only, 2 visits, guide 6/8, 3 materials,
 *       at least 10 minutes.
 *   T-C 测试甲 (same name as T-A but 行政确认: 三级四同 broken for both) city level, 即办 0/0, depth 3, all four
 *       channels, 全渝通办, 1 visit, guide 8/8.
 *
 * Cases (district 500118 永川区 unless said):
 *   c1 T-A pc      10-09 09:00 submitted, 09:30 accepted, 10-10 10:00 completed (0 visits), rated 5 10-10.
 *      Deadline 10-15 (10,11*,13,14,15): on time; statutory 10-22; 1 working day used; 1,500 minutes.
 *   c2 T-A mobile  10-09 10:00 / 10:10, 补正 10-10 → 10-14 (11*, 13, 14 paused), completed 10-20 16:00 (1 visit),
 *      rated 2 10-21 (its rectification is due 11-11: not an October figure). Deadline 10-20 (10,15,16,17,20):
 *      on time; 5 working days used; 16,200 minutes.
 *   c3 T-A window  10-13 09:00 / 09:20, completed 10-22 10:00 (1 visit), rated 4. Deadline 10-20: LATE by 2
 *      working days; statutory 10-27 on time; 7 working days used; 13,020 minutes.
 *   c4 T-B window  10-14 09:00 / 09:01, completed 09:05 (2 visits): 5 minutes < 10, TOO FAST; on time; rated 3.
 *   c5 T-B kiosk   10-15 09:00 submitted, 10:00 不予受理.
 *   c6 T-A window  10-16 09:00 / 10:00, 10-17 撤回.
 *   c9 T-C pc      500101 万州区, 10-20 09:00 / 09:05, completed 09:30 (0 visits): 即办, on time, 30 minutes.
 *   c10 T-A mobile 10-28 09:00 / 09:10, open (deadline 11-04).
 *   c11 T-B window 10-09 14:00 / 14:30, open: deadline 10-22, OVERDUE (7 working days at 10-31).
 *   c7 T-B window  09-18, completed 09-19 (2 visits), rated 1 on 09-22: rectification due 10-17; rectified 10-16.
 *   c8 T-A pc      09-19, completed 09-19 (0 visits), rated 2 on 09-23: rectification due 10-20; never rectified.
 */

const TEST_DEPARTMENT = { department: '测试局', departmentCode: 'TESTDEPT' };
const guide = (missing: string[] = []) =>
  Object.fromEntries(['basis', 'conditions', 'materials', 'process', 'timeLimit', 'fees', 'place', 'contact'].map((e) => [e, !missing.includes(e)]));

export const HAND_ITEMS = [
  { itemCode: 'T-A', name: '测试甲', powerType: '行政许可', ...TEST_DEPARTMENT, level: 'district', statutoryLimitDays: 10, promisedLimitDays: 5, onlineDepth: 4, channels: ['window', 'pc', 'mobile'], crossDistrict: true, minHandlingMinutes: 30, visitsRequired: 0, materialsCount: 2, guide: guide() },
  { itemCode: 'T-B', name: '测试乙', powerType: '行政许可', ...TEST_DEPARTMENT, level: 'township', statutoryLimitDays: 20, promisedLimitDays: 10, onlineDepth: 2, channels: ['window'], crossDistrict: false, minHandlingMinutes: 10, visitsRequired: 2, materialsCount: 3, guide: guide(['fees', 'contact']) },
  { itemCode: 'T-C', name: '测试甲', powerType: '行政确认', ...TEST_DEPARTMENT, level: 'city', statutoryLimitDays: 0, promisedLimitDays: 0, onlineDepth: 3, channels: ['window', 'pc', 'mobile', 'kiosk'], crossDistrict: true, visitsRequired: 1, materialsCount: 2, guide: guide() },
];

const APPLICANT = { type: 'person' as const, name: '王晓红', idNumber: '500118199203041234', phone: '13987654321' };

type Step = [type: string, at: string, extra?: Record<string, unknown>];

export function handCase(caseId: string, itemCode: string, channel: string, steps: Step[], districtCode = '500118', level = 'district') {
  return steps.map(([type, at, extra], i) => ({
    eventId: `${caseId}.${i + 1}`,
    caseId,
    type,
    occurredAt: `${at}+08:00`,
    districtCode,
    level,
    ...(type === 'submitted' ? { itemCode, channel, applicant: APPLICANT } : { departmentCode: 'TESTDEPT', actorId: `${districtCode}-t-01` }),
    ...extra,
  }));
}

export const HAND_CASES = [
  ...handCase('hb-c1', 'T-A', 'pc', [['submitted', '2025-10-09T09:00:00'], ['accepted', '2025-10-09T09:30:00'], ['completed', '2025-10-10T10:00:00', { visits: 0 }], ['rated', '2025-10-10T11:00:00', { rating: 5 }]]),
  ...handCase('hb-c2', 'T-A', 'mobile', [
    ['submitted', '2025-10-09T10:00:00'],
    ['accepted', '2025-10-09T10:10:00'],
    ['supplement_requested', '2025-10-10T09:00:00'],
    ['supplement_received', '2025-10-14T09:00:00'],
    ['completed', '2025-10-20T16:00:00', { visits: 1 }],
    ['rated', '2025-10-21T10:00:00', { rating: 2 }],
  ]),
  ...handCase('hb-c3', 'T-A', 'window', [['submitted', '2025-10-13T09:00:00'], ['accepted', '2025-10-13T09:20:00'], ['completed', '2025-10-22T10:00:00', { visits: 1 }], ['rated', '2025-10-22T12:00:00', { rating: 4 }]]),
  ...handCase('hb-c4', 'T-B', 'window', [['submitted', '2025-10-14T09:00:00'], ['accepted', '2025-10-14T09:01:00'], ['completed', '2025-10-14T09:05:00', { visits: 2 }], ['rated', '2025-10-15T09:00:00', { rating: 3 }]]),
  ...handCase('hb-c5', 'T-B', 'kiosk', [['submitted', '2025-10-15T09:00:00'], ['rejected', '2025-10-15T10:00:00']]),
  ...handCase('hb-c6', 'T-A', 'window', [['submitted', '2025-10-16T09:00:00'], ['accepted', '2025-10-16T10:00:00'], ['withdrawn', '2025-10-17T09:00:00']]),
  ...handCase('hb-c9', 'T-C', 'pc', [['submitted', '2025-10-20T09:00:00'], ['accepted', '2025-10-20T09:05:00'], ['completed', '2025-10-20T09:30:00', { visits: 0 }]], '500101', 'city'),
  ...handCase('hb-c10', 'T-A', 'mobile', [['submitted', '2025-10-28T09:00:00'], ['accepted', '2025-10-28T09:10:00']]),
  ...handCase('hb-c11', 'T-B', 'window', [['submitted', '2025-10-09T14:00:00'], ['accepted', '2025-10-09T14:30:00']]),
  ...handCase('hb-c7', 'T-B', 'window', [['submitted', '2025-09-18T09:00:00'], ['accepted', '2025-09-18T09:30:00'], ['completed', '2025-09-19T10:00:00', { visits: 2 }], ['rated', '2025-09-22T10:00:00', { rating: 1 }]]),
  ...handCase('hb-c8', 'T-A', 'pc', [['submitted', '2025-09-19T09:00:00'], ['accepted', '2025-09-19T09:10:00'], ['completed', '2025-09-19T15:00:00', { visits: 0 }], ['rated', '2025-09-23T10:00:00', { rating: 2 }]]),
];

/** c7's rectification, recorded through POST /api/v1/cases/:caseId/rating-followups. */
export const HAND_RECTIFICATION = { caseId: 'hb-c7', body: { kind: 'rectified', at: '2025-10-16T10:00:00+08:00', note: '已上门整改' } };

/** Completions whose state the case projector must have derived before the figures are final. */
export const HAND_COMPLETED_CASES = ['hb-c1', 'hb-c2', 'hb-c3', 'hb-c4', 'hb-c9', 'hb-c7', 'hb-c8'];
