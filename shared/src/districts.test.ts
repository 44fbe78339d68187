import { describe, expect, it } from 'vitest';
import {
  CITY_CODE,
  DISTRICTS,
  districtByCode,
  districtName,
  districtShortName,
  isKnownDistrict,
  DISTRICT_REGION_NAMES,
  ZONE_CODE_PATTERN,
} from './districts.ts';
import { CaseEventSchema } from './event-schema.ts';

const byKind = (kind: string) => DISTRICTS.filter((x) => x.kind === kind);

describe('the district registry', () => {
  it('lists 38 districts and counties (26 区, 12 县) and the 3 development zones', () => {
    expect(DISTRICTS).toHaveLength(41);
    expect(byKind('district')).toHaveLength(26);
    expect(byKind('county')).toHaveLength(12);
    expect(byKind('zone').map((z) => z.name)).toEqual(['两江新区', '万盛经开区', '高新区']);
  });

  it('has unique codes, names and short names', () => {
    for (const key of ['code', 'name', 'shortName'] as const) {
      expect(new Set(DISTRICTS.map((x) => x[key])).size, key).toBe(DISTRICTS.length);
    }
  });

  it('gives districts 5001xx codes ending in 区 and counties 5002xx codes ending in 县', () => {
    for (const x of byKind('district')) expect(`${x.code} ${x.name}`).toMatch(/^5001\d\d \S+区$/);
    for (const x of byKind('county')) expect(`${x.code} ${x.name}`).toMatch(/^5002\d\d \S+县$/);
  });

  it('knows the codes of the domain brief and of the merged and renamed districts', () => {
    expect(districtByCode('500118')).toMatchObject({ name: '永川区', kind: 'district', shortName: '永川' });
    expect(districtByCode('500103')?.name).toBe('渝中区');
    expect(districtByCode('500110')?.name).toBe('綦江区'); // 綦, not 棋 or 其
    expect(districtByCode('500154')?.name).toBe('开州区'); // formerly 开县 500234
    expect(districtByCode('500156')?.name).toBe('武隆区');
    expect(districtByCode('500233')).toMatchObject({ name: '忠县', kind: 'county', shortName: '忠县' });
    expect(districtByCode('500240')).toMatchObject({ name: '石柱土家族自治县', shortName: '石柱' });
    expect(districtByCode('500243')?.name).toBe('彭水苗族土家族自治县');
  });

  it('gives the zones project codes the event schema accepts, and the districts they overlap', () => {
    expect(byKind('zone').map((z) => [z.code, z.overlaps])).toEqual([
      ['LJXQ', ['500105', '500112', '500109']],
      ['WSJK', ['500110']],
      ['GXQ', ['500106', '500107', '500120', '500116']],
    ]);
    for (const z of byKind('zone')) {
      expect(z.code).toMatch(ZONE_CODE_PATTERN);
      for (const code of z.overlaps ?? []) expect(districtByCode(code)?.kind, code).not.toBe('zone');
    }
  });

  it('has every code accepted as a districtCode by the event schema', () => {
    const shape = CaseEventSchema.shape.districtCode;
    for (const x of DISTRICTS) expect(shape.safeParse(x.code).success, x.code).toBe(true);
  });

  it('puts 9 central districts, 12 new-core, 11 north-east and 6 south-east (一区两群); zones in none', () => {
    const count = (region: string) => DISTRICTS.filter((x) => x.region === region).length;
    expect(Object.keys(DISTRICT_REGION_NAMES).map(count)).toEqual([9, 12, 11, 6]);
    expect(byKind('zone').every((z) => z.region === undefined)).toBe(true);
    expect(districtByCode('500118')?.region).toBe('new-core');
    expect(districtByCode('500101')?.region).toBe('northeast');
    expect(districtByCode('500114')?.region).toBe('southeast');
  });

  it('does not know the city itself, other provinces or former codes', () => {
    expect(isKnownDistrict('500118')).toBe(true);
    expect(isKnownDistrict('LJXQ')).toBe(true);
    expect(isKnownDistrict(CITY_CODE)).toBe(false);
    expect(isKnownDistrict('110101')).toBe(false);
    expect(isKnownDistrict('500234')).toBe(false);
    expect(isKnownDistrict('ljxq')).toBe(false);
    expect(isKnownDistrict('')).toBe(false);
    expect(districtByCode('999999')).toBeUndefined();
  });

  it('shows an unknown code as itself instead of hiding it', () => {
    expect(districtShortName('500118')).toBe('永川');
    expect(districtName('GXQ')).toBe('高新区');
    expect(districtShortName('500234')).toBe('500234');
    expect(districtName('X1')).toBe('X1');
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(DISTRICTS)).toBe(true);
    expect(Object.isFrozen(DISTRICTS[0])).toBe(true);
    expect(Object.isFrozen(districtByCode('LJXQ')?.overlaps)).toBe(true);
  });
});
