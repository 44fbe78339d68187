import { describe, expect, it } from 'vitest';
import { overview } from '../../test/wire-fixtures.ts';
import {
  applicantLabel,
  eventTypeName,
  formatCounter,
  formatShanghaiClock,
  formatShanghaiTime,
  formatShanghaiWeekday,
  levelName,
  placeLabel,
  todayCounterTiles,
  tween,
  wallScale,
} from './wall-format.ts';

describe('wall formatting', () => {
  it('shows Asia/Shanghai time whatever the browser zone', () => {
    expect(formatShanghaiTime('2025-08-24T06:37:00Z')).toBe('14:37:00');
    expect(formatShanghaiClock(Date.parse('2025-08-24T16:00:01Z'))).toBe('2025-08-25 00:00:01');
    expect(formatShanghaiWeekday(Date.parse('2025-08-24T16:00:01Z'))).toBe('星期一');
    expect(formatShanghaiTime('nonsense')).toBe('—');
  });

  it('shows the masked applicant it was given, never more', () => {
    expect(applicantLabel({ type: 'person', name: '李**', phone: '139****5678' })).toBe('李** 139****5678');
    expect(applicantLabel({ type: 'enterprise' })).toBe('企业');
    expect(applicantLabel(undefined)).toBe('');
  });

  it('names the place down to the village when the names are known', () => {
    const e = { districtCode: '500118', districtName: null, townshipCode: '500118001', villageCode: '500118001001' };
    expect(placeLabel(e, {})).toBe('永川区');
    expect(placeLabel(e, { '500118001': '中山路街道', '500118001001': '萱花社区' })).toBe('永川区 · 中山路街道 · 萱花社区');
  });

  it('names event types and levels in Chinese', () => {
    expect(eventTypeName('accepted')).toBe('受理');
    expect(eventTypeName('unknown_stage')).toBe('unknown_stage');
    expect(levelName('township')).toBe('乡镇');
    expect(levelName(undefined)).toBe('—');
  });

  it('leaves counters whose source has not reported empty, not zero', () => {
    const tiles = todayCounterTiles({ day: 'd', totals: { submitted: 3 }, districts: {} }, undefined, undefined);
    expect(tiles.map((t) => t.value)).toEqual([3, 0, 0, null, null, null, null, null]);
  });

  it('computes today’s rates, and none from zero cases', () => {
    const tiles = todayCounterTiles(undefined, overview({ counts: { open: 5, yellow: 1, red: 2 } }), {
      day: 'd',
      goodRating: { good: 9, rated: 10 },
      onTime: { onTime: 0, completed: 0 },
    });
    expect(tiles.map((t) => t.value)).toEqual([null, null, null, 5, 1, 2, null, 0.9]);
    expect(formatCounter(0.9, 'percent')).toBe('90.0%');
    expect(formatCounter(12345.4, 'count')).toBe('12,345');
  });

  it('eases counters to their new value', () => {
    expect(tween(0, 100, 0)).toBe(0);
    expect(tween(0, 100, 0.5)).toBe(87.5);
    expect(tween(0, 100, 2)).toBe(100);
  });

  it('scales the 1920×1080 design uniformly to the screen', () => {
    expect(wallScale(3840, 2160)).toBe(2);
    expect(wallScale(1920, 1200)).toBe(1);
    expect(wallScale(1280, 1080)).toBeCloseTo(2 / 3);
  });
});
