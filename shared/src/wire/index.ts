/**
 * The wire contract: every HTTP answer and Socket.IO message a page reads, as a zod schema with its type
 * derived. The server builds these types; the pages `safeParse` what they receive (STYLE.md habit 13).
 *
 * The null rule: every field of an answer or message is present, and a value the data does not hold is
 * `null`: never omitted, never `''`, never 0. The one exception is `LiveEvent`, which is a case event as it
 * was ingested (SPEC.md event fields): its optional event fields are absent when the source did not send them.
 */
export * from './case-summary.ts';
export * from './live-messages.ts';
export * from './wall-api.ts';
export * from './case-detail.ts';
export * from './supervise.ts';
export * from './session.ts';
export * from './display.ts';
export * from './cluster.ts';

import type { z } from 'zod';
/** Any schema of the contract, for a page's generic `safeParse` helper (pages need no zod of their own). */
export type WireSchema<T> = z.ZodType<T>;
export * from './replay.ts';
