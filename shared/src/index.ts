export * from './event-schema.ts';
export * from './working-calendar.ts';
export * from './default-calendar.ts';
export * from './districts.ts';
export * from './masking.ts';
export * from './service-item.ts';
export * from './metrics/index.ts';
