import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RankingResponse, WuduResponse } from '@tongban/shared';
import { HAND_CASES, HAND_ITEMS, HAND_RECTIFICATION } from './hand-built-cases.fixture.ts';
import { ServerProcess } from '@tongban/fixtures/server-process';

/*
 * Every formula on the hand-built fixture set (test/hand-built-cases.fixture.ts documents each case and its
 * clock), posted through the real server; expected values are worked out in the comments.
 */

let server: ServerProcess;
/** When the last fixture event was accepted: a rollup refresh cut off before it would not hold them all. */
let postedAt = 0;
const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: 'Bearer dev-admin', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const wudu = async (query: string) => {
  const r = await server.get<WuduResponse>(`/api/v1/metrics/wudu?${query}`);
  expect(r.status).toBe(200);
  return r.body;
};
const sub = (w: WuduResponse, key: string) => w.subMeasures.find((s) => s.key === key)!;

beforeAll(async () => {
  server = await ServerProcess.start();
  for (const item of HAND_ITEMS) expect((await admin('PUT', `/api/v1/items/${item.itemCode}`, item)).status).toBe(200);
  const posted = (await (await server.post(HAND_CASES)).json()) as { accepted: number };
  expect(posted.accepted).toBe(HAND_CASES.length);
  const fix = await fetch(`${server.url}/api/v1/cases/${HAND_RECTIFICATION.caseId}/rating-followups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer dev-token' },
    body: JSON.stringify(HAND_RECTIFICATION.body),
  });
  expect(fix.status).toBe(201);
  postedAt = Date.now();
  // The case projector derives each case's clocks asynchronously: wait until every completion has its state.
  await server.eventually(async () => {
    const w = await wudu('period=2025-10&departmentCode=TESTDEPT&source=raw');
    return sub(w, 'effectiveness.onTime').denominator === 5 && w.headline.counts.accepted === 8 ? w : undefined;
  }, 30_000);
});
afterAll(async () => server?.dispose());

describe('五度 of the test department in October 2025, by hand', () => {
  let w: WuduResponse;
  beforeAll(async () => {
    w = await wudu('period=2025-10&departmentCode=TESTDEPT&source=raw');
  });

  it('says what it is about', () => {
    expect(w).toMatchObject({ period: '2025-10', scope: { level: 'department', departmentCode: 'TESTDEPT', name: '测试局' }, definitionVersion: '1.1.0', source: 'raw' });
    expect(w.periodRange).toMatchObject({ from: '2025-10-01', to: '2025-11-01' });
  });

  it('服务方式完备度: channels offered and the channel mix used', () => {
    // T-A 3 + T-B 1 + T-C 4 channels of 3 × 4
    expect(sub(w, 'completeness.channelOffer')).toMatchObject({ value: 0.6667, numerator: 8, denominator: 12 });
    // 9 submissions: window 4 (c3 c4 c6 c11), pc 2 (c1 c9), mobile 2 (c2 c10), kiosk 1 (c5);
    // −(4/9 ln 4/9 + 2 · 2/9 ln 2/9 + 1/9 ln 1/9) ÷ ln 4 = 1.273028 ÷ 1.386294 = 0.9183
    expect(sub(w, 'completeness.channelUsage')).toMatchObject({ value: 0.9183, score: 91.8, denominator: 9 });
    expect(sub(w, 'completeness.channelUsage').detail).toEqual({ window: 0.4444, pc: 0.2222, mobile: 0.2222, kiosk: 0.1111 });
    // (66.667 + 91.830) / 2
    expect(w.scores.completeness).toBe(79.2);
  });

  it('服务事项覆盖度: implemented, 全渝通办 and active items', () => {
    expect(sub(w, 'coverage.implemented')).toMatchObject({ value: 1, detail: { city: 1, district: 1, township: 1 } });
    expect(sub(w, 'coverage.crossDistrict')).toMatchObject({ value: 0.6667, numerator: 2, denominator: 3 });
    expect(sub(w, 'coverage.active')).toMatchObject({ value: 1, numerator: 3 });
    expect(w.scores.coverage).toBe(88.9);
  });

  it('办事指南准确度: guide elements, 三级四同, 补正 and 退件 rates', () => {
    expect(sub(w, 'guideAccuracy.guideComplete')).toMatchObject({ value: 0.9167, numerator: 22, denominator: 24 });
    // T-A and T-C share a name with different power types: only T-B is consistent
    expect(sub(w, 'guideAccuracy.consistency')).toMatchObject({ value: 0.3333, numerator: 1 });
    // 1 补正 (c2) per 8 受理
    expect(sub(w, 'guideAccuracy.supplementRate')).toMatchObject({ value: 0.125, score: 87.5, numerator: 1, denominator: 8 });
    // 不予受理 c5 + 撤回 c6 of 9 申办
    expect(sub(w, 'guideAccuracy.returnRate')).toMatchObject({ value: 0.2222, score: 77.8, numerator: 2, denominator: 9 });
    // (91.667 + 33.333 + 87.5 + 77.778) / 4
    expect(w.scores.guideAccuracy).toBe(72.6);
  });

  it('在线服务深度: full-online items, online cases, zero and one trip', () => {
    expect(sub(w, 'onlineDepth.fullOnlineItems')).toMatchObject({ value: 0.3333 });
    expect(sub(w, 'onlineDepth.onlineCases')).toMatchObject({ value: 0.4444, numerator: 4, denominator: 9 });
    // 5 completions: 0 visits c1 c9, 1 visit c2 c3, 2 visits c4
    expect(sub(w, 'onlineDepth.zeroTrip')).toMatchObject({ value: 0.4, numerator: 2, denominator: 5 });
    expect(sub(w, 'onlineDepth.atMostOneTrip')).toMatchObject({ value: 0.8, numerator: 4, denominator: 5 });
    expect(w.scores.onlineDepth).toBe(49.4);
  });

  it('在线服务成效度: on time, time used, good ratings, bad ratings rectified on time', () => {
    // c3 completed 10-22 against 10-20
    expect(sub(w, 'effectiveness.onTime')).toMatchObject({ value: 0.8, numerator: 4, denominator: 5 });
    // working days used 1 + 5 + 7 + 0 of statutory 10 + 10 + 10 + 20 (c9 is 即办: left out)
    expect(sub(w, 'effectiveness.timeUsed')).toMatchObject({ value: 0.26, score: 74, numerator: 13, denominator: 50 });
    // ratings 5, 2, 4, 3
    expect(sub(w, 'effectiveness.goodRating')).toMatchObject({ value: 0.5, numerator: 2, denominator: 4 });
    // due in October: c7 (10-17, rectified 10-16) and c8 (10-20, never); c2's is due in November
    expect(sub(w, 'effectiveness.rectifiedOnTime')).toMatchObject({ value: 0.5, numerator: 1, denominator: 2, detail: { pending: 0 } });
    expect(w.scores.effectiveness).toBe(63.5);
  });

  it('weights the five scores 20% each into the total and the index against the targets', () => {
    // (79.248 + 88.889 + 72.569 + 49.444 + 63.5) / 5
    expect(w.total).toBe(70.7);
    // (79.248/70 + min(1.2, 88.889/70) + 72.569/90 + 49.444/70 + 63.5/90) / 5 = 4.550348 / 5
    expect(w.index).toBe(0.91);
  });

  it('gives the headline ratios', () => {
    expect(w.headline).toMatchObject({
      onTimeRate: 0.8,
      statutoryOnTimeRate: 1,
      promisedVsStatutoryReduction: 0.5, // T-A 1 − 5/10, T-B 1 − 10/20
      zeroTripRate: 0.4,
      oneTripRate: 0.4,
      zeroOrOneTripRate: 0.8,
      zeroOrOneTripItemShare: 0.6667, // T-A 0, T-C 1 visit
      crossDistrictItemShare: 0.6667,
      crossDistrictCaseShare: 0.6667, // 6 of 9 applications are for T-A or T-C
      onlineShare: 0.4444,
      goodRatingRate: 0.5,
      badRatingRate: 0.25,
      badRectifiedOnTimeRate: 0.5,
      averageHandlingHours: 102.52, // (1,500 + 16,200 + 13,020 + 5 + 30) / 5 minutes
    });
    expect(w.headline.counts).toEqual({
      items: 3,
      submitted: 9,
      accepted: 8,
      completed: 5,
      completedLate: 1,
      rejected: 1,
      withdrawn: 1,
      supplements: 1,
      rated: 4,
      badRatings: 1,
      badRatingsDue: 2,
      badRectifiedOnTime: 1,
      badRatingsPending: 0,
      tooFast: 1,
      dataQuality: 0,
    });
  });
});

describe('narrower scopes', () => {
  it('takes a district within the department (city-level T-C left out) and a single item', async () => {
    const yc = await wudu('period=2025-10&districtCode=500118&departmentCode=TESTDEPT&source=raw');
    expect(yc.scope).toMatchObject({ level: 'department', name: '永川区 · 测试局' });
    expect(yc.headline.counts).toMatchObject({ items: 2, submitted: 8, completed: 4 });
    expect(yc.headline.onTimeRate).toBe(0.75);
    const a = await wudu('period=2025-10&itemCode=T-A&source=raw');
    expect(a.headline.counts).toMatchObject({ items: 1, submitted: 5, completed: 3, withdrawn: 1 });
    expect(a.headline.onTimeRate).toBe(0.6667);
    expect(sub(a, 'onlineDepth.zeroTrip')).toMatchObject({ numerator: 1, denominator: 3 });
    // c8's rectification (due 10-20) was never recorded
    expect(a.headline.badRectifiedOnTimeRate).toBe(0);
  });

  it('computes any period: a day, an ISO week, a quarter, a year', async () => {
    expect((await wudu('period=2025-10-14&departmentCode=TESTDEPT&source=raw')).headline.counts).toMatchObject({ submitted: 1, completed: 1, tooFast: 1 });
    // 2025-W42 is 10-13 … 10-19: c3 c4 c5 c6 submitted
    expect((await wudu('period=2025-W42&departmentCode=TESTDEPT&source=raw')).headline.counts.submitted).toBe(4);
    expect((await wudu('period=2025-Q3&departmentCode=TESTDEPT&source=raw')).headline.counts).toMatchObject({ submitted: 2, completed: 2, badRatings: 2 });
    expect((await wudu('period=2025&departmentCode=TESTDEPT&source=raw')).headline.counts.submitted).toBe(11);
  });
});

describe('rankings', () => {
  it('ranks the departments by index with the change against the previous period', async () => {
    const r = await server.get<RankingResponse>('/api/v1/metrics/ranking?period=2025-10&scope=department&source=raw');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ period: '2025-10', previousPeriod: '2025-09', scope: 'department' });
    // Only the test department has cases, in September and in October.
    const test = r.body.rows.find((x) => x.code === 'TESTDEPT')!;
    expect(test).toMatchObject({ name: '测试局', index: 0.91, total: 70.7, rank: 1, rankChange: 0 });
    expect(r.body.rows.filter((x) => x.rank !== null)).toHaveLength(1);
  });

  it('ranks every district and zone, new entrants without a rank change', async () => {
    const r = (await server.get<RankingResponse>('/api/v1/metrics/ranking?period=2025-10&scope=district&source=raw')).body;
    expect(r.rows).toHaveLength(41);
    const ranked = r.rows.filter((x) => x.rank !== null);
    expect(ranked.map((x) => x.code).sort()).toEqual(['500101', '500118']);
    expect(ranked.map((x) => x.rank)).toEqual([1, 2]);
    const yc = r.rows.find((x) => x.code === '500118')!;
    // 永川 was the only district with cases in September (rank 1).
    expect(yc.rankChange).toBe(1 - yc.rank!);
    expect(r.rows.find((x) => x.code === '500101')!.rankChange).toBeNull();
    for (const row of r.rows) expect(Object.keys(row)).toEqual(expect.arrayContaining(['code', 'name', 'index', 'rank', 'rankChange', 'total']));
  });
});

describe('the rollup against the raw-log reference', () => {
  it('gives the same figures for every scope and ranking once refreshed', async () => {
    // A refresh reads events received up to a few seconds ago (the ingest settle time): refresh until that covers the fixture.
    const refreshed = await server.eventually(async () => {
      const r = (await (await admin('POST', '/api/v1/metrics/rollups/refresh')).json()) as { cutoff: string };
      return Date.parse(r.cutoff) > postedAt ? r : undefined;
    }, 30_000);
    const cutoff = encodeURIComponent(refreshed.cutoff);
    for (const q of ['departmentCode=TESTDEPT', 'districtCode=500118', 'itemCode=T-B', '']) {
      const rollup = await wudu(`period=2025-10&${q}&source=rollup`);
      const raw = await wudu(`period=2025-10&${q}&source=raw&cutoff=${cutoff}`);
      expect(rollup.source).toBe('rollup');
      expect(rollup.headline.counts.submitted).toBeGreaterThan(0);
      expect({ ...rollup, source: 'raw', cutoff: '' }).toEqual({ ...raw, cutoff: '' });
    }
    const a = (await server.get<RankingResponse>('/api/v1/metrics/ranking?period=2025-10&scope=district&source=rollup')).body;
    const b = (await server.get<RankingResponse>(`/api/v1/metrics/ranking?period=2025-10&scope=district&source=raw&cutoff=${cutoff}`)).body;
    expect(a.rows).toEqual(b.rows);
  });

  it('answers from the rollup by default once built, and reproduces a cut-off exactly', async () => {
    const live = await server.eventually(async () => {
      const w = await wudu('period=2025-10&departmentCode=TESTDEPT');
      return w.source === 'rollup' && Date.parse(w.cutoff) > postedAt ? w : undefined;
    }, 30_000);
    expect(live.total).toBe(70.7);
    const verified = await wudu(`period=2025-10&departmentCode=TESTDEPT&cutoff=${encodeURIComponent(new Date().toISOString())}`);
    expect(verified).toMatchObject({ source: 'rollup', total: 70.7, index: 0.91 });
  });
});

describe('parameters', () => {
  it('refuses what it cannot answer, with the reason', async () => {
    expect((await server.get('/api/v1/metrics/wudu?period=2025-13')).status).toBe(400);
    expect((await server.get('/api/v1/metrics/wudu?period=2099-01')).status).toBe(400);
    expect((await server.get('/api/v1/metrics/wudu?districtCode=999999')).status).toBe(404);
    expect((await server.get('/api/v1/metrics/wudu?departmentCode=NOPE')).status).toBe(404);
    expect((await server.get('/api/v1/metrics/ranking?scope=township')).status).toBe(400);
    expect((await server.get('/api/v1/metrics/wudu?cutoff=yesterday')).status).toBe(400);
    expect((await admin('POST', '/api/v1/metrics/rollups/rebuild?from=2025-10-01')).status).toBe(400);
    expect((await fetch(`${server.url}/api/v1/metrics/rollups/refresh`, { method: 'POST' })).status).toBe(401);
  });

  it('takes new weights and targets from an admin, and validates them', async () => {
    const defs = (await server.get<{ defaults: Record<string, unknown> }>('/api/v1/metrics/definitions')).body;
    const bad = await admin('PUT', '/api/v1/metrics/config', { ...defs.defaults, indexCap: 0 });
    expect(bad.status).toBe(400);
    const weights = { completeness: 0, coverage: 0, guideAccuracy: 0, onlineDepth: 0, effectiveness: 100 };
    const cityBefore = await wudu('period=2025-10');
    expect((await admin('PUT', '/api/v1/metrics/config', { ...defs.defaults, weights })).status).toBe(200);
    const w = await wudu('period=2025-10&departmentCode=TESTDEPT&source=raw');
    expect(w.total).toBe(63.5);
    // 63.5 / 90
    expect(w.index).toBe(0.706);
    // The rollup's figures (memoised per period) follow the new weights at once: the city's total is then its 成效度 score.
    const city = await wudu('period=2025-10');
    expect(city.source).toBe('rollup');
    expect(city.total).toBe(city.scores.effectiveness);
    expect(city).toMatchObject({ total: cityBefore.scores.effectiveness, scores: cityBefore.scores });
    expect(cityBefore.total).not.toBe(cityBefore.scores.effectiveness);
    expect((await admin('PUT', '/api/v1/metrics/config', defs.defaults)).status).toBe(200);
    expect(await wudu('period=2025-10')).toEqual(cityBefore);
  });
});
