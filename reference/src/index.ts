// Reference data of Chongqing. Heavy JSON: the dashboard imports `@tongban/reference/geo` instead.
export * from './admin-tree.ts';
export * from './catalogue.ts';
export * from './districts-geo.ts';
export { ZONE_CODES, VILLAGE_KINDS } from './reference-files.ts';
export type { ZoneCode, VillageKind, ServiceItem, ServiceGuide, Department, PowerType, OnlineDepth } from './reference-files.ts';
