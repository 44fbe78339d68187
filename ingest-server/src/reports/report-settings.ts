import type { Config, ReportsConfig } from '../config.ts';

/** What the reports modules take from the configuration (REPORTS_* and SIMULATE). */
export interface ReportSettings extends ReportsConfig {
  /** The data is simulated (SIMULATE=1): every page of a report says 演示数据. */
  simulated: boolean;
}

export const reportSettings = (config: Pick<Config, 'reports' | 'simulate'>): ReportSettings => ({ ...config.reports, simulated: config.simulate });

export const DEFAULT_REPORT_SETTINGS: ReportSettings = {
  schedule: { kinds: ['daily', 'weekly', 'monthly', 'quarterly', 'annual'], hour: 8, minute: 0 },
  retentionDays: { daily: 90, weekly: 365 },
  supersededDays: 30,
  issuingOffice: '重庆市政务服务效能监察指挥中心',
  docNumberPrefix: '渝效监',
  minCoverage: 0.8,
  simulated: false,
};
