import { isUtf8 } from 'node:buffer';
import { promisify } from 'node:util';
import { gunzip, inflate, inflateRaw } from 'node:zlib';
import { AppError } from '../errors.ts';

/** One element of a request body with its bytes exactly as received: a parsed value, or why it cannot be read. */
export type BodyItem = { value: unknown; raw: Buffer } | { unreadable: string; raw: Buffer; eventId?: string };

export type BodyFormat = 'json' | 'ndjson';

/** An event is a flat object with one nested object (applicant): anything deeper is not an event. */
export const MAX_DEPTH = 16;
/** Keys that mean prototype tampering, never a field of an event. */
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);

/** Which body format a Content-Type names; 415 for anything else (text/plain, form data, another charset). */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const [type = '', ...params] = (contentType ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AppError(415, 'unsupported_media_type', `charset ${charset} is not supported: send UTF-8`);
  }
  if (type === 'application/json') return 'json';
  if (type === 'application/x-ndjson' || type === 'application/ndjson') return 'ndjson';
  throw new AppError(415, 'unsupported_media_type', `Content-Type ${type || '(none)'} is not accepted: send application/json or application/x-ndjson`);
}

/**
 * Undoes Content-Encoding (gzip, deflate, identity). The size limit applies to the decompressed body:
 * decompression stops at `maxBytes` (a zip bomb is a 413, not a gigabyte in memory).
 */
export async function decodeBody(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  const opts = { maxOutputLength: maxBytes };
  try {
    if (encoding === 'identity' || encoding === '') return body;
    if (encoding === 'gzip' || encoding === 'x-gzip') return await gunzipAsync(body, opts);
    if (encoding === 'deflate') {
      // HTTP's "deflate" is the zlib format, but some senders send raw deflate: accept both.
      try {
        return await inflateAsync(body, opts);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw err;
        return await inflateRawAsync(body, opts);
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new AppError(413, 'payload_too_large', `the decompressed body is larger than ${maxBytes} bytes`);
    }
    throw new AppError(400, 'unreadable_body', `the body is not valid ${encoding}: ${(err as Error).message}`);
  }
  throw new AppError(415, 'unsupported_media_type', `Content-Encoding ${encoding} is not supported: send gzip, deflate or identity`);
}

/**
 * Turns a request body into items, one per event: a JSON object, a JSON array, or NDJSON.
 * In NDJSON, blank lines are skipped and `index` counts the non-blank lines, so index i is the i-th event.
 * An element that cannot be read (not JSON, not UTF-8, nested too deep, a prototype key) becomes an
 * unreadable item, reported by index and kept with its bytes; only a body that cannot be split into
 * elements at all is a 400.
 */
export function bodyItems(body: Buffer, format: BodyFormat, maxEvents: number): BodyItem[] {
  const slices = format === 'ndjson' ? ndjsonLines(body, maxEvents) : jsonElements(body, maxEvents);
  if (slices.length === 0) throw new AppError(400, 'unreadable_body', 'the body holds no events: send an event, an array of events, or NDJSON');
  const items = slices.map(readElement);
  // A lone object that is not JSON at all is an unreadable body (nothing to index).
  if (format === 'json' && !isArrayBody(body) && 'unreadable' in items[0]! && items[0].unreadable.startsWith('not JSON')) {
    throw new AppError(400, 'unreadable_body', `the body is not JSON: ${items[0].unreadable}`);
  }
  return items;
}

function tooMany(n: number, maxEvents: number): AppError {
  return new AppError(413, 'too_many_events', `${n} or more events in one request; at most ${maxEvents}`);
}

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

function trim(buf: Buffer, start: number, end: number): Buffer {
  while (start < end && isSpace(buf[start]!)) start++;
  while (end > start && isSpace(buf[end - 1]!)) end--;
  return buf.subarray(start, end);
}

function ndjsonLines(body: Buffer, maxEvents: number): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start <= body.length) {
    let nl = body.indexOf(0x0a, start);
    if (nl === -1) nl = body.length;
    const line = trim(body, start, nl);
    if (line.length) {
      if (lines.length === maxEvents) throw tooMany(maxEvents + 1, maxEvents);
      lines.push(line);
    }
    start = nl + 1;
  }
  return lines;
}

function firstByte(body: Buffer): number | undefined {
  let i = 0;
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) i = 3; // UTF-8 byte order mark
  while (i < body.length && isSpace(body[i]!)) i++;
  return i < body.length ? i : undefined;
}

function isArrayBody(body: Buffer): boolean {
  const i = firstByte(body);
  return i !== undefined && body[i] === 0x5b;
}

/**
 * Splits a JSON array into its elements' byte ranges without parsing them, so one bad element cannot
 * spoil the others. Tracks only strings and bracket depth; each element is parsed on its own later.
 */
function jsonElements(body: Buffer, maxEvents: number): Buffer[] {
  const first = firstByte(body);
  if (first === undefined) return [];
  if (body[first] !== 0x5b) return [trim(body, first, body.length)];
  const out: Buffer[] = [];
  let depth = 0;
  let inString = false;
  let start = first + 1;
  let i = first + 1;
  let sawComma = false;
  for (; i < body.length; i++) {
    const b = body[i]!;
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) {
      if (depth === 0 && b === 0x5d) break;
      depth--;
      if (depth < 0) throw new AppError(400, 'unreadable_body', `the array is not well formed at byte ${i}`);
    } else if (b === 0x2c && depth === 0) {
      if (out.length === maxEvents) throw tooMany(maxEvents + 1, maxEvents);
      out.push(trim(body, start, i));
      start = i + 1;
      sawComma = true;
    }
  }
  if (i >= body.length) throw new AppError(400, 'unreadable_body', 'the array is not closed (a "]" is missing or a string is unterminated)');
  const last = trim(body, start, i);
  if (last.length || sawComma) {
    if (out.length === maxEvents) throw tooMany(maxEvents + 1, maxEvents);
    out.push(last);
  }
  if (trim(body, i + 1, body.length).length) throw new AppError(400, 'unreadable_body', 'unexpected data after the closing "]"');
  return out;
}

/** The deepest bracket nesting of a JSON text, stopping as soon as it passes `limit`. */
function depthExceeds(raw: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > limit) return true;
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
  return false;
}

/** A forbidden key anywhere in a parsed value (depth is already bounded, so recursion is safe). */
function forbiddenKey(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  for (const k of Object.keys(v)) {
    if (FORBIDDEN_KEYS.includes(k)) return k;
    const inner = forbiddenKey((v as Record<string, unknown>)[k]);
    if (inner) return inner;
  }
  return undefined;
}

const EVENT_ID = /"eventId"\s*:\s*"([A-Za-z0-9._:-]{1,64})"/;

function readElement(raw: Buffer): BodyItem {
  if (raw.length === 0) return { unreadable: 'not JSON: empty element', raw };
  if (!isUtf8(raw)) return withId({ unreadable: 'not valid UTF-8', raw }, raw.toString('latin1'));
  if (depthExceeds(raw, MAX_DEPTH)) return withId({ unreadable: `nested deeper than ${MAX_DEPTH} levels`, raw }, raw.toString('utf8', 0, 4096));
  const text = raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return withId({ unreadable: `not JSON: ${(e as Error).message}`, raw }, text);
  }
  if (FORBIDDEN_KEYS.some((k) => text.includes(k))) {
    const key = forbiddenKey(value);
    if (key) return withId({ unreadable: `the key "${key}" is not allowed`, raw }, text);
  }
  return { value, raw };
}

function withId(item: { unreadable: string; raw: Buffer }, text: string): BodyItem {
  const id = EVENT_ID.exec(text)?.[1];
  return id ? { ...item, eventId: id } : item;
}
