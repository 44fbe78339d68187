import { isKnownDistrict, type CaseEvent } from '@tongban/shared';

/**
 * Data-quality flags known at ingest. They are stored with the event, kept apart from lateness,
 * and never a reason to drop it (SPEC.md: an unknown item or district is stored and flagged).
 */
export function dataQualityFlags(e: CaseEvent, isKnownItem: (itemCode: string) => boolean): string[] {
  const flags: string[] = [];
  if (!isKnownDistrict(e.districtCode)) flags.push('unknown_district');
  if (e.itemCode !== undefined && !isKnownItem(e.itemCode)) flags.push('unknown_item');
  return flags;
}
