import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import chineseDaysPackage from 'chinese-days/package.json' with { type: 'json' };
import committed from '../data/holidays.json' with { type: 'json' };
import { buildCalendarData } from './holidays-from-chinese-days.ts';

describe('buildCalendarData', () => {
  it('reproduces the committed data/holidays.json from the installed chinese-days', () => {
    // Fails when chinese-days was updated without `pnpm --filter @tongban/shared calendar:update`, or the file was hand-edited.
    expect(buildCalendarData(chineseDays, chineseDaysPackage.version)).toEqual(committed);
  });

  it('keeps weekday holidays and weekend make-up days with official holiday names', () => {
    const data = buildCalendarData(
      {
        holidays: {
          '2025-04-04': 'Tomb-sweeping Day,清明,1',
          '2025-04-05': 'Tomb-sweeping Day,清明,1',
          '2025-10-06': 'Mid-autumn Festival,中秋,1',
        },
        workdays: { '2025-04-27': 'Labour Day,劳动节,2' },
      },
      '0.0.0',
    );
    expect(data.coveredYears).toEqual({ from: 2025, to: 2025 });
    expect(data.years['2025']).toEqual({
      off: { '2025-04-04': '清明节', '2025-10-06': '中秋节' },
      worked: { '2025-04-27': '劳动节' },
    });
    expect(data.source).toContain('chinese-days@0.0.0');
  });

  it('refuses a weekday listed as a make-up working day and a gap between covered years', () => {
    expect(() =>
      buildCalendarData({ holidays: { '2025-01-01': "New Year's Day,元旦,1" }, workdays: { '2025-10-10': 'National Day,国庆节,3' } }, 'x'),
    ).toThrow(/2025-10-10, a weekday/);
    expect(() =>
      buildCalendarData({ holidays: { '2024-01-01': "New Year's Day,元旦,1", '2026-01-01': "New Year's Day,元旦,1" }, workdays: {} }, 'x'),
    ).toThrow(/no holidays for 2025/);
  });
});
