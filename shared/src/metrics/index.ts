export * from './period.ts';
export * from './definitions.ts';
export * from './facts.ts';
export * from './compute.ts';
export * from './report-model.ts';
export * from './report-tables.ts';
export * from './report-charts.ts';
