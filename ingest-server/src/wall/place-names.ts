/** Township (9-digit) and village (12-digit) codes the wall may ask names for; anything else is ignored. */
const PLACE_CODE = /^\d{9}(\d{3})?$/;
export const MAX_PLACE_CODES = 200;

/** Pure: the distinct, well-formed place codes of a comma-separated query value, at most MAX_PLACE_CODES. */
export function parsePlaceCodes(spec: string | undefined): string[] {
  const codes = new Set<string>();
  for (const c of (spec ?? '').split(',')) {
    const code = c.trim();
    if (PLACE_CODE.test(code)) codes.add(code);
    if (codes.size === MAX_PLACE_CODES) break;
  }
  return [...codes];
}

type Lookup = (code: string) => { name: string } | undefined;

/** Names of the codes found in the administrative tree; unknown codes are left out. */
export function placeNames(codes: string[], township: Lookup, village: Lookup): Record<string, string> {
  const out: Record<string, string> = {};
  for (const code of codes) {
    const found = code.length === 9 ? township(code) : village(code);
    if (found) out[code] = found.name;
  }
  return out;
}
