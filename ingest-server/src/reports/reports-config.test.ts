import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseReportsSchedule, parseRetention } from '../config.ts';
import { reportSettings } from './report-settings.ts';

describe('the reports configuration', () => {
  it('defaults to every kind at 08:00, daily reports kept 90 days, weekly 365, a 4/5 coverage rule', () => {
    const c = loadConfig({}).reports;
    expect(c).toMatchObject({
      schedule: { kinds: ['daily', 'weekly', 'monthly', 'quarterly', 'annual'], hour: 8, minute: 0 },
      retentionDays: { daily: 90, weekly: 365 },
      supersededDays: 30,
      docNumberPrefix: '渝效监',
      minCoverage: 0.8,
    });
    expect(reportSettings(loadConfig({ SIMULATE: '1' })).simulated).toBe(true);
  });

  it('reads REPORTS_SCHEDULE as off or kinds with a time', () => {
    expect(parseReportsSchedule('off')).toBe('off');
    expect(parseReportsSchedule('monthly,quarterly,annual@06:30')).toEqual({ kinds: ['monthly', 'quarterly', 'annual'], hour: 6, minute: 30 });
    expect(parseReportsSchedule('all@7')).toMatchObject({ hour: 7, minute: 0 });
    expect(() => parseReportsSchedule('hourly')).toThrow(ConfigError);
    expect(() => parseReportsSchedule('monthly@25:00')).toThrow(/REPORTS_SCHEDULE/);
  });

  it('reads REPORTS_RETENTION as days per kind', () => {
    expect(parseRetention('keep')).toEqual({});
    expect(parseRetention('daily:30, monthly:1825')).toEqual({ daily: 30, monthly: 1825 });
    expect(() => parseRetention('daily:0')).toThrow(/REPORTS_RETENTION/);
    expect(() => parseRetention('hourly:3')).toThrow(ConfigError);
  });

  it('takes the issuing office, 文号 prefix and coverage share, and refuses a share outside (0, 1]', () => {
    const c = loadConfig({ REPORTS_ISSUING_OFFICE: '永川区政务服务管理办公室', REPORTS_DOC_PREFIX: '永政服', REPORTS_MIN_COVERAGE: '0.5' }).reports;
    expect(c).toMatchObject({ issuingOffice: '永川区政务服务管理办公室', docNumberPrefix: '永政服', minCoverage: 0.5 });
    expect(() => loadConfig({ REPORTS_MIN_COVERAGE: '1.5' })).toThrow(/REPORTS_MIN_COVERAGE/);
  });
});
