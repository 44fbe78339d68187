import { describe, expect, it } from 'vitest';
import { DEFAULT_METRIC_CONFIG, type ReportDocument, type UnitRow } from '@tongban/shared';
import { choiceOf, cutoffLine, departmentOptions, staleNotice, downloadUrl, headlineTiles, periodChoices, periodFits, previewTables, provenance, reportCharts, reportUrl } from './report-page-model.ts';

const scores = { completeness: 80, coverage: 70.5, guideAccuracy: 90, onlineDepth: 60, effectiveness: 88.8 };
const unit = (code: string, name: string, rank: number | null, index: number | null): UnitRow => ({
  code, name, rank, index, rankChange: rank === null ? null : 1, total: 77.9, scores, submitted: 10, completed: 8, onTimeRate: 0.875, goodRatingRate: 0.9, onlineShare: 0.5, zeroOrOneTripRate: 1,
  subMeasures: [{ key: 'effectiveness.onTime', value: 0.875, score: 87.5, numerator: 7, denominator: 8 }],
});
const headline = {
  onTimeRate: 0.875, statutoryOnTimeRate: 1, promisedVsStatutoryReduction: 0.5, zeroTripRate: 0.5, oneTripRate: 0.5, zeroOrOneTripRate: 1, zeroOrOneTripItemShare: 0.8,
  crossDistrictItemShare: 0.6, crossDistrictCaseShare: 0.6, onlineShare: 0.5, goodRatingRate: 0.9, badRatingRate: 0.1, badRectifiedOnTimeRate: null, averageHandlingHours: 3.5,
  counts: { items: 3, submitted: 10, accepted: 9, completed: 8, completedLate: 1, rejected: 0, withdrawn: 1, supplements: 2, rated: 10, badRatings: 1, badRatingsDue: 0, badRectifiedOnTime: 0, badRatingsPending: 1, tooFast: 0, dataQuality: 0 },
};
const doc: ReportDocument = {
  id: 'monthly-2025-10-city-20251101T080000000',
  kind: 'monthly',
  kindName: '月通报',
  title: '重庆市2025年10月政务服务效能月通报',
  period: { kind: 'month', key: '2025-10', from: '2025-10-01', to: '2025-11-01', label: '2025年10月' },
  scope: { level: 'city', key: 'city', name: '重庆市' },
  generatedAt: '2025-11-01T08:00:00.000+08:00',
  cutoff: '2025-11-01T07:59:57.000+08:00',
  definitionVersion: '1.0.0',
  config: DEFAULT_METRIC_CONFIG,
  catalogueDigest: '0123456789abcdef',
  source: 'rollup',
  trigger: 'schedule',
  summary: { scores, total: 77.9, index: 1.012, subMeasures: [], headline },
  ranking: { previousPeriod: '2025-09', districts: [unit('500118', '永川区', 1, 1.012), unit('500101', '万州区', null, null)], departments: [unit('SCJG', '市场监管局', 1, 0.9)] },
  overdue: { total: 0, rows: [] },
  bottlenecks: { stages: [{ stage: 'accepted', stageName: '受理环节', waits: 3, averageHours: 5.25, maxHours: 9, applicantSide: false }], rows: [] },
};

describe('the reports page model', () => {
  it('offers the periods that have ended, latest first', () => {
    const now = Date.parse('2025-11-05T10:00:00+08:00');
    expect(periodChoices('monthly', now, 3).map((p) => p.key)).toEqual(['2025-10', '2025-09', '2025-08']);
    expect(periodChoices('quarterly', now, 2).map((p) => p.key)).toEqual(['2025-Q3', '2025-Q2']);
    expect(periodChoices('daily', now, 1)[0]!.key).toBe('2025-11-04');
    expect(periodChoices('weekly', now, 1)[0]!.key).toBe('2025-W44');
  });

  it('accepts a typed period only of the report’s kind', () => {
    expect(periodFits('monthly', '2024-02')).toBe(true);
    expect(periodFits('monthly', '2024-Q1')).toBe(false);
    expect(periodFits('quarterly', '2024-Q1')).toBe(true);
    expect(periodFits('annual', '2024-13')).toBe(false);
  });

  it('turns a choice into the report URL, and a previewed report into its downloads', () => {
    expect(reportUrl({ kind: 'quarterly', period: '2025-Q3', scope: { kind: 'district', code: '500118' } })).toBe('/api/v1/reports/quarterly?period=2025-Q3&districtCode=500118');
    expect(reportUrl({ kind: 'monthly', period: '2025-10', scope: { kind: 'city' } }, { fresh: true })).toBe('/api/v1/reports/monthly?period=2025-10&fresh=1');
    expect(downloadUrl(doc, 'csv', 'overdue')).toBe('/api/v1/reports/monthly?id=monthly-2025-10-city-20251101T080000000&format=csv&table=overdue');
  });

  it('lists the catalogue’s departments once each', () => {
    expect(departmentOptions([{ department: '公安局', departmentCode: 'GA' }, { department: '市场监管局', departmentCode: 'SCJG' }, { department: '公安局', departmentCode: 'GA' }])).toEqual([
      { value: 'GA', label: '公安局' },
      { value: 'SCJG', label: '市场监管局' },
    ]);
  });

  it('previews the report as the same tables the Excel file has, formatted', () => {
    const tables = previewTables(doc);
    expect(tables.map((t) => t.title)).toEqual(['汇总', '排名', '五度明细', '超期办件', '堵点', '环节停留', '说明']);
    const ranking = tables.find((t) => t.key === 'ranking')!;
    expect(ranking.rows[0]!.slice(0, 7)).toEqual(['区县', '1', '+1', '500118', '永川区', '1.012', '77.9']);
    expect(ranking.rows[1]!.slice(1, 3)).toEqual(['—', '—']);
    expect(ranking.numeric[5]).toBe(true);
    expect(previewTables(doc, 1).find((t) => t.key === 'ranking')!.more).toBe(2);
  });

  it('shows the headline figures and how the report was made', () => {
    expect(headlineTiles(doc).slice(0, 3)).toEqual([
      { label: '五度总分', value: '77.9' },
      { label: '效能指数', value: '1.012' },
      { label: '按时办结率', value: '87.5%' },
    ]);
    expect(headlineTiles(doc).find((t) => t.label === '差评按期整改率')!.value).toBe('—');
    expect(provenance(doc)).toBe('数据截止 2025-11-01 07:59 · 指标定义版本 1.0.0 · 生成于 2025-11-01 08:00（定时，日汇总表）· 编号 monthly-2025-10-city-20251101T080000000');
  });

  it('builds the chart options from the report: ranked units only, the target line at 1.0', () => {
    const charts = reportCharts(doc);
    expect(charts.map((c) => c.key)).toEqual(['wudu', 'ranking', 'stages']);
    const ranking = charts.find((c) => c.key === 'ranking')!.option as { yAxis: { data: string[] }; series: Array<{ markLine: { data: unknown[] } }> };
    expect(ranking.yAxis.data).toEqual(['永川区']);
    expect(ranking.series[0]!.markLine.data).toEqual([{ xAxis: 1 }]);
    const radar = charts[0]!.option as { series: Array<{ data: Array<{ value: number[] }> }> };
    expect(radar.series[0]!.data[0]!.value).toEqual([80, 70.5, 90, 60, 88.8]);
    expect(radar.series[0]!.data[1]!.value).toEqual([70, 70, 90, 70, 90]);
  });

  it('says when the report on screen is older than the data, and which report to compute again', () => {
    const fresh = { stale: false, periodChangedAt: null };
    expect(staleNotice({ ...doc, freshness: { eventsAfterCutoff: 0, checkedAt: '', ...fresh } })).toBeUndefined();
    expect(staleNotice(doc)).toBeUndefined();
    expect(staleNotice({ ...doc, freshness: { eventsAfterCutoff: 0, checkedAt: '', stale: true, periodChangedAt: '2025-11-03T10:00:00.000+08:00' } })).toBe(
      '2025年10月的数据在本报告截止后有变化（补录或迟到的事件），本报告不是最终版，请重新计算。',
    );
    expect(staleNotice({ ...doc, freshness: { eventsAfterCutoff: 12, checkedAt: '', ...fresh } })).toBe('数据截止后又收到 2025年10月的 12 条事件，本报告未包含这些数据。');
    expect(reportUrl(choiceOf({ ...doc, scope: { level: 'district', key: 'district:500118', districtCode: '500118', name: '永川区' } }), { fresh: true })).toBe(
      '/api/v1/reports/monthly?period=2025-10&districtCode=500118&fresh=1',
    );
    expect(cutoffLine({ ...doc, issue: { office: '办', docNumber: '渝效监〔2025〕3号', issuedOn: '2025年11月1日' } })).toBe('本报告数据截止 2025-11-01 07:59（北京时间） · 渝效监〔2025〕3号');
  });
});
