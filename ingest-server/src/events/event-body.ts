import { AppError } from '../errors.ts';
import type { BodyItem } from './ingest-service.ts';

/**
 * Turns a request body into items, one per event: a JSON object, a JSON array, or NDJSON text.
 * In NDJSON, blank lines are skipped and `index` counts the non-blank lines, so index i is the i-th event.
 * A line that is not JSON becomes an unreadable item (reported by index and kept), not a 400.
 */
export function bodyItems(body: unknown, isNdjson: boolean, maxEvents: number): BodyItem[] {
  let items: BodyItem[];
  if (isNdjson) {
    if (typeof body !== 'string') throw new AppError(400, 'unreadable_body', 'NDJSON body must be text');
    items = body
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .map((line) => {
        try {
          return { value: JSON.parse(line) as unknown };
        } catch (e) {
          return { unreadable: `not JSON: ${(e as Error).message}`, raw: line.slice(0, 100_000) };
        }
      });
  } else if (Array.isArray(body)) {
    items = body.map((value: unknown) => ({ value }));
  } else if (body === undefined || body === null) {
    throw new AppError(400, 'unreadable_body', 'the body is empty: send an event, an array of events, or NDJSON');
  } else {
    items = [{ value: body }];
  }
  if (items.length === 0) throw new AppError(400, 'unreadable_body', 'the body holds no events');
  if (items.length > maxEvents) {
    throw new AppError(413, 'too_many_events', `${items.length} events in one request; at most ${maxEvents}`);
  }
  return items;
}
