export * from './event-schema.ts';
