import { msOfShanghaiDateTime, shanghaiDateTime, shanghaiIso, type CaseEvent } from '@tongban/shared';
import { encryptPii, tryDecryptPii, type PiiKeyring } from '@tongban/shared/pii-crypto';
import { eventKey } from './event-key.ts';

/** One row of the `events` table, exactly as inserted (JSONEachRow). */
export interface EventRow {
  event_id: string;
  event_key: number;
  case_id: string;
  type: string;
  occurred_at: string;
  received_at: string;
  source: string;
  item_code: string;
  district_code: string;
  township_code: string;
  village_code: string;
  level: string;
  department_code: string;
  channel: string;
  actor_id: string;
  applicant_type: string;
  applicant_name: string;
  applicant_id_number: string;
  applicant_phone: string;
  rating: number | null;
  visits: number | null;
  note: string;
  /** 延期 working days on `extended` (column added by supervision migration 101). */
  extension_days: number | null;
  dq_flags: string[];
}

/**
 * One rejected or conflicting element as logged: its bytes exactly as received (base64, so invalid
 * UTF-8 survives JSON), with its errors. Stored in `rejected_events.raw` as those bytes.
 */
export interface RejectedRow {
  rejection_id: string;
  received_at: string;
  source: string;
  batch_index: number;
  event_id: string;
  raw_base64: string;
  errors: string[];
}

/** A rejected row from a log written before raw bytes were kept: `raw` was the text. */
export function normalizeRejectedRow(r: RejectedRow | (Omit<RejectedRow, 'raw_base64'> & { raw: string })): RejectedRow {
  if ('raw_base64' in r) return r;
  const { raw, ...rest } = r;
  return { ...rest, raw_base64: Buffer.from(raw, 'utf8').toString('base64') };
}

/** Fields that are not the event's content: the same eventId with equal content is a duplicate, else a conflict. */
const NOT_CONTENT = new Set(['event_key', 'occurred_at', 'received_at', 'source', 'dq_flags', 'occurred_ms']);

/**
 * A comparable form of an event's content. `occurredMs` stands for occurred_at so that one instant
 * written with two offsets is the same content. Works on a row as inserted and as read back.
 */
export function eventContent(row: object, occurredMs: number, keys: readonly string[] = contentKeys(row)): string {
  const r = row as Record<string, unknown>;
  return JSON.stringify([occurredMs, ...keys.map((k) => r[k] ?? null)]);
}
export function contentKeys(row: object): string[] {
  return Object.keys(row).filter((k) => !NOT_CONTENT.has(k));
}

/** A personal field as stored: encrypted when PII_KEY is set (config.piiKeys), as given otherwise. */
const sealed = (value: string | undefined, pii: PiiKeyring | undefined) => (value === undefined ? '' : pii ? encryptPii(value, pii) : value);

/**
 * The row stored for an event, in the ingest log and in ClickHouse alike. With `pii` the applicant's name,
 * ID number and phone, and the note (free text that may name them), are encrypted (`enc:v1:<keyId>:…`), so
 * neither store holds them in the clear.
 */
export function toEventRow(e: CaseEvent, source: string, receivedAt: number, dqFlags: string[], pii?: PiiKeyring): EventRow {
  return {
    event_id: e.eventId,
    event_key: eventKey(e.eventId),
    case_id: e.caseId,
    type: e.type,
    occurred_at: shanghaiDateTime(Date.parse(e.occurredAt)),
    received_at: shanghaiDateTime(receivedAt),
    source,
    item_code: e.itemCode ?? '',
    district_code: e.districtCode,
    township_code: e.townshipCode ?? '',
    village_code: e.villageCode ?? '',
    level: e.level,
    department_code: e.departmentCode ?? '',
    channel: e.channel ?? '',
    actor_id: e.actorId ?? '',
    applicant_type: e.applicant?.type ?? '',
    applicant_name: sealed(e.applicant?.name, pii),
    applicant_id_number: sealed(e.applicant?.idNumber, pii),
    applicant_phone: sealed(e.applicant?.phone, pii),
    rating: e.rating ?? null,
    visits: e.visits ?? null,
    note: sealed(e.note, pii),
    extension_days: e.extensionDays ?? null,
    dq_flags: dqFlags,
  };
}

/** A stored row read back (timestamps as epoch milliseconds) as the event it came from. */
export type StoredEventRow = Omit<EventRow, 'occurred_at' | 'received_at' | 'event_key'> & { occurred_ms: number };

/** An event as stored: the event, and the source system (token name) that sent it. */
export type StoredCaseEvent = CaseEvent & { source?: string };

/**
 * A stored row read back as its event, the applicant's fields and the note decrypted with `pii` (a value stored before
 * a key was set reads as it is; one no configured key opens is left out rather than failing the read).
 */
export function fromEventRow(r: StoredEventRow, pii?: PiiKeyring): StoredCaseEvent {
  const opt = <T>(v: T | '' | null): T | undefined => (v === '' || v === null ? undefined : v);
  return {
    ...(r.source ? { source: r.source } : {}),
    eventId: r.event_id,
    caseId: r.case_id,
    type: r.type as CaseEvent['type'],
    occurredAt: shanghaiIso(Number(r.occurred_ms)),
    itemCode: opt(r.item_code),
    districtCode: r.district_code,
    townshipCode: opt(r.township_code),
    villageCode: opt(r.village_code),
    level: r.level as CaseEvent['level'],
    departmentCode: opt(r.department_code),
    channel: opt(r.channel) as CaseEvent['channel'],
    actorId: opt(r.actor_id),
    applicant: r.applicant_type
      ? {
          type: r.applicant_type as 'person' | 'enterprise',
          name: opened(r.applicant_name, pii),
          idNumber: opened(r.applicant_id_number, pii),
          phone: opened(r.applicant_phone, pii),
        }
      : undefined,
    rating: opt(r.rating),
    visits: opt(r.visits),
    note: opened(r.note, pii),
    extensionDays: opt(r.extension_days ?? null),
  };
}

const opened = (stored: string, pii: PiiKeyring | undefined) => (stored === '' ? undefined : tryDecryptPii(stored, pii) || undefined);

/**
 * An accepted row not yet read back from ClickHouse, as its event. The row must be opened already
 * (IngestService.unflushedEvents gives them so): an encrypted field is left out.
 */
export function eventOfRow(r: EventRow): CaseEvent {
  return fromEventRow({ ...r, occurred_ms: msOfShanghaiDateTime(r.occurred_at) });
}

/** A row with its applicant's fields decrypted (for code that holds rows, not events, in memory). */
export function openEventRow<R extends EventRow | StoredEventRow>(r: R, pii: PiiKeyring | undefined): R {
  if (!pii) return r;
  const plain = (v: string) => opened(v, pii) ?? '';
  return { ...r, applicant_name: plain(r.applicant_name), applicant_id_number: plain(r.applicant_id_number), applicant_phone: plain(r.applicant_phone), note: plain(r.note) };
}

/**
 * A rejected event's bytes as stored (base64, which ClickHouse decodes into `raw`): with PII_KEY the bytes
 * stored are the text `enc:v1:…` of the encrypted base64, so `raw` holds no personal data either.
 */
export function sealRaw(raw: Buffer, pii: PiiKeyring | undefined): string {
  return pii ? Buffer.from(encryptPii(raw.toString('base64'), pii), 'utf8').toString('base64') : raw.toString('base64');
}

/** The base64 of a rejected event's bytes as received, from what `sealRaw` stored ('' when no configured key opens it). */
export function openRaw(stored: string, pii: PiiKeyring | undefined): string {
  const text = Buffer.from(stored, 'base64').toString('utf8');
  return text.startsWith('enc:v1:') ? (tryDecryptPii(text, pii) ?? '') : stored;
}

/** A row with its applicant's fields and note encrypted (`toEventRow(…, pii)` for a row built in the clear). */
export function sealEventRow(r: EventRow, pii: PiiKeyring | undefined): EventRow {
  if (!pii) return r;
  const seal = (v: string) => (v === '' ? '' : encryptPii(v, pii));
  return { ...r, applicant_name: seal(r.applicant_name), applicant_id_number: seal(r.applicant_id_number), applicant_phone: seal(r.applicant_phone), note: seal(r.note) };
}
