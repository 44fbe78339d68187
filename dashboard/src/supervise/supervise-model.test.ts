import { describe, expect, it } from 'vitest';
import type { AreaRow, CaseDetail } from '@tongban/shared';
import { cellText, nextSort, sortAreaRows } from './area-table-model.ts';
import { clockRows, defaultDueOn, duration, escalationWords, holdRows } from './case-view.ts';
import { districtFill, mapShapes } from './mini-map.ts';

const row = (code: string | null, name: string, o: Partial<AreaRow> = {}): AreaRow => ({
  code, name, open: 0, yellow: 0, red: 0, atRisk: null, dataQuality: 0, pauseOverdue: 0, stageOverdue: 0, overdueRate: null, openOrders: 0, overdueOrders: 0, badRatingsPastDue: 0, ...o,
});

describe('the area table', () => {
  const rows = [row('1', '甲', { red: 2, overdueRate: 0.5 }), row(null, '未记录', { red: 9 }), row('2', '乙', { red: 5, overdueRate: null }), row('3', '丙', { red: 2, overdueRate: 0.1 })];

  it('sorts worst first, ties by name, the unrecorded place last, no data last either way', () => {
    expect(sortAreaRows(rows, { key: 'red', desc: true }).map((r) => r.name)).toEqual(['乙', '丙', '甲', '未记录']);
    expect(sortAreaRows(rows, { key: 'overdueRate', desc: true }).map((r) => r.name)).toEqual(['甲', '丙', '乙', '未记录']);
    expect(sortAreaRows(rows, { key: 'overdueRate', desc: false }).map((r) => r.name)).toEqual(['丙', '甲', '乙', '未记录']);
    expect(nextSort({ key: 'red', desc: true }, 'red')).toEqual({ key: 'red', desc: false });
    expect(nextSort({ key: 'red', desc: true }, 'open')).toEqual({ key: 'open', desc: true });
  });

  it('shows 无数据 for what is not known, never 0', () => {
    expect(cellText(rows[2]!, 'overdueRate')).toBe('无数据');
    expect(cellText(rows[2]!, 'atRisk')).toBe('无数据');
    expect(cellText(rows[0]!, 'overdueRate')).toBe('50.0%');
    expect(cellText(rows[0]!, 'red')).toBe('2');
  });
});

describe('the case page', () => {
  const c = {
    status: 'in_progress', completedAt: null, warning: 'red', completedOnTime: null, statutoryBreached: false,
    promisedLimitDays: 5, statutoryLimitDays: 20, promisedDeadline: '2025-10-15', statutoryDeadline: '2025-11-05', workingDaysUsed: 7,
  } as unknown as CaseDetail;

  it('counts working days left on each clock, negative past the deadline (2025 National Day off, 10-11 worked)', () => {
    const [promised, statutory] = clockRows(c, '2025-10-17');
    expect(promised).toMatchObject({ deadline: '2025-10-15', used: 7, left: -2, breached: true });
    expect(statutory).toMatchObject({ left: 13, breached: false });
    expect(clockRows({ ...c, status: 'completed', completedAt: '2025-10-16T10:00:00+08:00' }, '2025-10-17')[0]!.left).toBeNull();
  });

  it('gives a 督办 its own clock and a default due date in working days', () => {
    // 10-01…10-08 off; 10-09, 10-10 and Saturday 10-11 (调休) worked.
    expect(defaultDueOn('2025-09-30', 3)).toBe('2025-10-11');
    expect(escalationWords({ level: 'none', yellowCardOn: null, redCardOn: null })).toBeNull();
    expect(escalationWords({ level: 'red_card', yellowCardOn: '2025-09-27', redCardOn: '2025-10-10' })).toBe('红牌（2025-09-27 黄牌，2025-10-10 升级红牌，追责）');
  });

  it('puts the one who held the case longest first in 倒查, and says durations in words', () => {
    const rows = holdRows([{ key: 'a', minutes: 60, workingDays: 0 }, { key: 'b', minutes: 3000, workingDays: 2 }, { key: 'c', minutes: 500, workingDays: 2 }]);
    expect(rows.map((r) => r.key)).toEqual(['b', 'c', 'a']);
    expect(rows[0]!.share).toBeCloseTo(3000 / 3560);
    expect([duration(13), duration(125), duration(60 * 50), duration(null)]).toEqual(['13 分钟', '2 小时 5 分', '2 天 2 小时', '—']);
  });
});

describe('the small map', () => {
  it('fits every district into the box and colours by red cases', () => {
    const geo = {
      type: 'FeatureCollection' as const,
      features: [
        { type: 'Feature' as const, properties: { adcode: 'A', name: '甲', label: [106, 29] as [number, number] }, geometry: { type: 'MultiPolygon' as const, coordinates: [[[[105, 28], [107, 28], [107, 30], [105, 28]] as [number, number][]]] } },
      ],
    };
    const [s] = mapShapes(geo, 100, 100, 0);
    const xs = [...s!.d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    for (const [x, y] of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(100);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(100);
    }
    expect(districtFill(undefined, 3)).toBe(districtFill(row('A', '甲'), 3));
    expect(districtFill(row('A', '甲', { open: 4, red: 3 }), 3)).not.toBe(districtFill(row('A', '甲', { open: 4, red: 1 }), 3));
  });
});
