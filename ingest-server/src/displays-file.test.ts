import { describe, expect, it } from 'vitest';
import { DisplayConfigSchema } from '@tongban/shared';
import { DEFAULT_DISPLAY, parseDisplays } from './displays-file.ts';

describe('DISPLAYS_FILE', () => {
  it('fills what a display leaves out with the defaults, and every display parses as the wire answer', () => {
    const r = parseDisplays({
      displays: {
        'hall-1': { screens: [{ kind: 'city', seconds: 20 }, { kind: 'district', districtCode: '500118' }], alarms: { sound: true, volume: 0.3 } },
        yongchuan: { districtCode: '500118', reloadAt: null },
        lobby: { screens: [{ kind: 'halls', seconds: 40 }], halls: [{ name: '永川区政务服务中心', url: 'http://127.0.0.1:8080/yc/index.m3u8' }], hallSeconds: 15 },
      },
    });
    if (!('displays' in r)) throw new Error(r.problems.join('; '));
    const hall = r.displays.get('hall-1')!;
    expect(hall.screens).toEqual([
      { kind: 'city', districtCode: null, seconds: 20 },
      { kind: 'district', districtCode: '500118', seconds: 60 },
    ]);
    expect(hall.alarms).toEqual({ ...DEFAULT_DISPLAY.alarms, sound: true, volume: 0.3 });
    expect(r.displays.get('yongchuan')!.reloadAt).toBeNull();
    expect(r.displays.get('yongchuan')!.halls).toEqual([]);
    expect(r.displays.get('lobby')).toMatchObject({ halls: [{ name: '永川区政务服务中心', url: 'http://127.0.0.1:8080/yc/index.m3u8' }], hallSeconds: 15 });
    for (const d of r.displays.values()) expect(DisplayConfigSchema.safeParse(d).success).toBe(true);
    expect(DisplayConfigSchema.safeParse(DEFAULT_DISPLAY).success).toBe(true);
  });

  it('names every problem: an unknown field, a district screen without its district, a bad hour', () => {
    const r = parseDisplays({ displays: { a: { screens: [{ kind: 'district' }], reloadAt: '25:00' }, b: { colour: 'red' } } });
    expect('problems' in r && r.problems.join('\n')).toMatch(/colour|Unrecognized/);
    const r2 = parseDisplays({ displays: { a: { screens: [{ kind: 'district' }], reloadAt: '25:00' } } });
    expect('problems' in r2 && r2.problems).toEqual([expect.stringMatching(/districtCode/), expect.stringMatching(/reloadAt/)]);
    const r3 = parseDisplays({ displays: { a: { screens: [{ kind: 'halls' }] }, b: { halls: [{ name: 'x' }] } } });
    expect('problems' in r3 && r3.problems.join('\n')).toMatch(/url/);
    const r4 = parseDisplays({ displays: { a: { screens: [{ kind: 'halls' }] } } });
    expect('problems' in r4 && r4.problems).toEqual([expect.stringMatching(/halls screen needs halls/)]);
  });
});
