/** Links to the pages (the hash routes `app/hash-route.ts` reads): any page may link to any other. */

/** Pure: the hash of a page of the workspace. */
export function superviseHash(districtCode: string | null, townshipCode: string | null = null): string {
  if (townshipCode) return `#/supervise/district/${districtCode ?? townshipCode.slice(0, 6)}/township/${townshipCode}`;
  return districtCode ? `#/supervise/district/${districtCode}` : '#/supervise';
}

export const caseHash = (caseId: string): string => `#/cases/${encodeURIComponent(caseId)}`;
