import { describe, expect, it } from 'vitest';
import type { CaseWarning, DisplayAlarms } from '@tongban/shared';
import type { SupervisionOverdue } from '@tongban/shared';
import { acknowledge, alarmsAfterOverdue, alarmsAfterWarnings, initialAlarms } from './alarms.ts';

const warning = (caseId: string, warning: CaseWarning['warning'], previous: CaseWarning['previous'], districtCode = '500118') =>
  ({ caseId, warning, previous, districtCode, districtName: '永川区', itemName: '个体工商户变更登记' }) as CaseWarning;
const config: DisplayAlarms = { sound: true, volume: 0.5, quietHours: { from: '22:00', to: '07:00' }, minIntervalSeconds: 60 };
const noon = Date.parse('2026-03-02T12:00:00+08:00');

describe('alarms', () => {
  it('fire once for a case turned red in scope, rate-limited, the rest listed', () => {
    let s = alarmsAfterWarnings(initialAlarms, [warning('A', 'red', 'yellow'), warning('B', 'yellow', 'none'), warning('X', 'red', 'yellow', '500101')], '500118', config, 1000, noon);
    expect(s.alarms.map((a) => a.caseId)).toEqual(['A']);
    expect(s.firing).toEqual({ key: 'A', caseId: 'A', sound: true, at: 1000 });
    const again = alarmsAfterWarnings(s, [warning('A', 'red', 'yellow')], '500118', config, 2000, noon);
    expect(again).toBe(s);
    s = alarmsAfterWarnings(s, [warning('C', 'red', 'yellow')], '500118', config, 30_000, noon);
    expect(s.alarms.map((a) => a.caseId)).toEqual(['C', 'A']);
    expect(s.firing?.caseId).toBe('A');
    s = alarmsAfterWarnings(s, [warning('D', 'red', null)], '500118', config, 61_001, noon);
    expect(s.firing?.caseId).toBe('D');
  });

  it('stay silent in quiet hours and when the sound is off; acknowledging keeps them listed', () => {
    const night = Date.parse('2026-03-02T23:00:00+08:00');
    expect(alarmsAfterWarnings(initialAlarms, [warning('A', 'red', 'yellow')], null, config, 0, night).firing?.sound).toBe(false);
    const off = alarmsAfterWarnings(initialAlarms, [warning('A', 'red', 'yellow')], null, { ...config, sound: false }, 0, noon);
    expect(off.firing?.sound).toBe(false);
    expect(acknowledge(off, 'A').alarms[0]!.acknowledged).toBe(true);
  });

  it('fire for a 督办 escalated past its due date in scope, once per order and step (黄牌, then 红牌)', () => {
    const order = (orderId: string, level: SupervisionOverdue['level'], districtCode: string | null = '500118') =>
      ({ orderId, caseId: `C-${orderId}`, districtCode, districtName: districtCode ? '永川区' : null, level, escalatedOn: '2026-03-02', dueOn: '2026-02-27', issuedAt: '2026-02-20T10:00:00.000+08:00', issuer: 'supervisor', reason: '催办', at: '2026-03-02T00:00:01.000+08:00' }) as SupervisionOverdue;
    let s = alarmsAfterOverdue(initialAlarms, [order('1', 'yellow_card'), order('2', 'yellow_card', '500101'), order('3', 'yellow_card', null)], '500118', config, 1000, noon);
    expect(s.alarms.map((a) => [a.caseId, a.kind, a.itemName])).toEqual([['C-1', 'supervision', '督办逾期 · 黄牌']]);
    expect(s.firing).toEqual({ key: 'order:1:yellow_card', caseId: 'C-1', sound: true, at: 1000 });
    expect(alarmsAfterOverdue(s, [order('1', 'yellow_card')], '500118', config, 2000, noon)).toBe(s);
    s = alarmsAfterOverdue(s, [order('1', 'red_card')], '500118', config, 62_000, noon);
    expect(s.alarms.map((a) => a.itemName)).toEqual(['督办逾期 · 红牌', '督办逾期 · 黄牌']);
    expect(s.firing?.key).toBe('order:1:red_card');
    // A red case and an order of the same case are two alarms; acknowledging one leaves the other.
    s = alarmsAfterWarnings(s, [warning('C-1', 'red', 'yellow')], '500118', config, 63_000, noon);
    expect(s.alarms).toHaveLength(3);
    expect(acknowledge(s, 'C-1').alarms.filter((a) => !a.acknowledged).map((a) => a.key)).toEqual(['order:1:red_card', 'order:1:yellow_card']);
    // A city-wide display takes an order whose district is unknown.
    expect(alarmsAfterOverdue(initialAlarms, [order('3', 'yellow_card', null)], null, config, 0, noon).alarms[0]!.districtName).toBe('全市');
  });
});
