import { describe, expect, it } from 'vitest';
import type { CaseWarning, DisplayAlarms } from '@tongban/shared';
import { acknowledge, alarmsAfterWarnings, initialAlarms } from './alarms.ts';

const warning = (caseId: string, warning: CaseWarning['warning'], previous: CaseWarning['previous'], districtCode = '500118') =>
  ({ caseId, warning, previous, districtCode, districtName: '永川区', itemName: '个体工商户变更登记' }) as CaseWarning;
const config: DisplayAlarms = { sound: true, volume: 0.5, quietHours: { from: '22:00', to: '07:00' }, minIntervalSeconds: 60 };
const noon = Date.parse('2026-03-02T12:00:00+08:00');

describe('alarms', () => {
  it('fire once for a case turned red in scope, rate-limited, the rest listed', () => {
    let s = alarmsAfterWarnings(initialAlarms, [warning('A', 'red', 'yellow'), warning('B', 'yellow', 'none'), warning('X', 'red', 'yellow', '500101')], '500118', config, 1000, noon);
    expect(s.alarms.map((a) => a.caseId)).toEqual(['A']);
    expect(s.firing).toEqual({ caseId: 'A', sound: true, at: 1000 });
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
});
