import type { CaseWarning } from '@tongban/shared';
import type { ListFilters } from './case-list-query.ts';

/** Pure: whether a case that changed rung may now belong to (or leave) a list with these filters. */
export function warningConcerns(f: ListFilters, w: CaseWarning): boolean {
  if (f.districtCode && w.districtCode !== f.districtCode) return false;
  if (f.townshipCode && w.townshipCode !== f.townshipCode) return false;
  if (f.villageCode && w.villageCode !== f.villageCode) return false;
  if (f.itemCode && w.itemCode !== f.itemCode) return false;
  if (f.warning && w.warning !== f.warning && w.previous !== f.warning) return false;
  return true;
}
