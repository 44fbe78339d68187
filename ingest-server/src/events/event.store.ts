import { createHash } from 'node:crypto';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { forEachLine, QUERY_SETTINGS, tabSeparatedBytes } from '../clickhouse/clickhouse-client.ts';
import { contentKeys, eventContent, fromEventRow, openEventRow, openRaw, type EventRow, type RejectedRow, type StoredEventRow } from './event-row.ts';
import { type Applicant, type CaseEvent, shanghaiIso } from '@tongban/shared';
import { decryptPii, tryDecryptPii, type PiiKeyring } from '@tongban/shared/pii-crypto';

/** The event log's tables, for the rooms whose queries read them (through this store, not by name). */
export const eventTables = (db: string) => ({ events: `${db}.events`, caseEvents: `${db}.case_events` });

const LOOKUP_CHUNK = 5_000;

/** A ClickHouse string literal. */
const sql = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const KEY_PAGE = 1_000_000;

/** The columns of `derivationPage`, in the order its parser reads them. */
// occurred_at as the ISO text shanghaiIso writes ('YYYY-MM-DDThh:mm:ss.sss+08:00'; the column is a Shanghai
// DateTime64(3), so toString prints its wall time with milliseconds): built by the engine, not a Date per event.
const DERIVATION_COLUMNS = `event_id, case_id, type, concat(replaceOne(toString(occurred_at), ' ', 'T'), '+08:00'), item_code, district_code, township_code, village_code,
  level, department_code, channel, actor_id, rating, visits, if(type = 'extended', note, ''), extension_days`;
const DERIVATION_FIELDS = 16;
const derivationQuery = (db: string, where: string, limit = '') =>
  `SELECT ${DERIVATION_COLUMNS} FROM ${db}.case_events WHERE ${where} ORDER BY case_id, occurred_at, event_id ${limit}`;

/** A page of the bulk derivation as read from the engine (EventStore.derivationPageBytes). */
export interface DerivationPageBytes {
  bytes: Buffer;
  rows: number;
  /** The last case the page holds whole, or null when the page is empty (the log ends). */
  lastCaseId: string | null;
}

/** A TabSeparated field as its string (ClickHouse escapes \\, tab, newline and a few more with a backslash). */
const TSV_ESCAPES: Record<string, string> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', "'": "'", '\\': '\\' };
function tsv(field: string): string {
  return field.includes('\\') ? field.replace(/\\(.)/g, (_, c: string) => TSV_ESCAPES[c] ?? c) : field;
}
const tsvOpt = (field: string): string | undefined => (field === '' ? undefined : tsv(field));
const tsvNumber = (field: string): number | undefined => (field === '\\N' ? undefined : Number(field));
const decryptedNote = (stored: string, pii: PiiKeyring | undefined) => tryDecryptPii(stored, pii) || undefined;

/** Reads and writes of the event log tables (STYLE.md habit 4: data access through a named store). */
export class EventStore {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
    /** PII_KEY: decrypts the applicant's fields of the events read back. */
    private readonly piiKeys?: PiiKeyring,
  ) {}

  private readonly fromRow = (r: StoredEventRow): CaseEvent => fromEventRow(r, this.piiKeys);

  /** When each insert into `events` still in flight began (ms, this machine's clock), by a counter. */
  private readonly inFlight = new Map<number, number>();
  private inserts = 0;
  /** Inserts into `events` begun and ended by this process (each counts twice). */
  private insertSteps = 0;

  /**
   * A number that changes whenever an insert into `events` begins or ends here, or undefined while one is in
   * flight. With an embedded engine every insert is this process's (but a bulk load's, cli/bulk-writer.ts): a
   * reader's answer about the stored events holds while this stays the same.
   */
  insertGeneration(): number | undefined {
    return this.inFlight.size ? undefined : this.insertSteps;
  }

  /**
   * When the oldest insert into `events` still in flight from this process began (ms, this machine's clock),
   * or undefined when none is. An embedded engine stamps its rows' arrival (`event_arrivals.inserted_at`) with
   * the same clock during the insert, so every event that arrived before this instant (or before now, when
   * none is in flight) is visible: a reader of the arrivals needs no margin for inserts in flight.
   */
  oldestInsertInFlight(): number | undefined {
    let oldest: number | undefined;
    for (const at of this.inFlight.values()) if (oldest === undefined || at < oldest) oldest = at;
    return oldest;
  }

  /**
   * One block, with a deduplication token derived from its event ids: if the answer to an insert is lost
   * and the same block is sent again, ClickHouse drops the copy (the tables have a deduplication window,
   * migration 3). The complete settings go with every call, the token included (ENGINE-NOTES: chdb keeps
   * per-query settings for the session).
   */
  async insertEvents(rows: EventRow[]): Promise<void> {
    if (!rows.length) return;
    const hash = createHash('sha256');
    for (const r of rows) hash.update(r.event_id).update('\n');
    const id = ++this.inserts;
    this.inFlight.set(id, Date.now());
    this.insertSteps++;
    try {
      await this.ch.insert({
        table: `${this.db}.events`,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: {
          ...QUERY_SETTINGS,
          insert_deduplicate: 1,
          insert_deduplication_token: `events-${hash.digest('hex')}`,
          deduplicate_blocks_in_dependent_materialized_views: 1,
        },
      });
    } finally {
      this.inFlight.delete(id);
      this.insertSteps++;
    }
  }

  /**
   * Rejected elements with their bytes exactly as received. JSON (and chdb's string body) cannot carry
   * invalid UTF-8, so the bytes travel as base64 and `base64Decode` in a VALUES insert stores them
   * (VALUES data is stream-parsed, not bound by max_query_size).
   */
  async insertRejected(rows: RejectedRow[]): Promise<void> {
    let chunk: string[] = [];
    let bytes = 0;
    const send = async () => {
      if (!chunk.length) return;
      await this.ch.command({
        query: `INSERT INTO ${this.db}.rejected_events (rejection_id, received_at, source, batch_index, event_id, raw, errors) VALUES ${chunk.join(',')}`,
        clickhouse_settings: QUERY_SETTINGS,
      });
      chunk = [];
      bytes = 0;
    };
    for (const r of rows) {
      const tuple = `(${sql(r.rejection_id)}, ${sql(r.received_at)}, ${sql(r.source)}, ${Number(r.batch_index)}, ${sql(r.event_id)}, base64Decode(${sql(r.raw_base64)}), [${r.errors.map(sql).join(',')}])`;
      chunk.push(tuple);
      bytes += tuple.length;
      if (bytes > 16 * 1024 * 1024) await send();
    }
    await send();
  }

  /**
   * For events whose id is already stored: the stored copy's content (to tell a duplicate from a
   * conflict), or null when the stored copy has another case (so it differs). Reads case_events by
   * case id, a primary-key range.
   */
  async storedContents(rows: EventRow[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const stored = await this.existingEventIds(rows);
    const wanted = rows.filter((r) => stored.has(r.event_id));
    if (!wanted.length) return out;
    const keys = contentKeys(wanted[0]!);
    for (const r of wanted) out.set(r.event_id, null);
    for (let i = 0; i < wanted.length; i += LOOKUP_CHUNK) {
      const chunk = wanted.slice(i, i + LOOKUP_CHUNK);
      const rs = await this.ch.query({
        query: `SELECT *, toUnixTimestamp64Milli(occurred_at) AS occurred_ms FROM ${this.db}.case_events
                WHERE case_id IN {cases:Array(String)} AND event_id IN {ids:Array(String)}`,
        query_params: { cases: [...new Set(chunk.map((r) => r.case_id))], ids: chunk.map((r) => r.event_id) },
        format: 'JSONEachRow',
        clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
      });
      for (const row of await rs.json<StoredEventRow>()) if (!out.get(row.event_id)) out.set(row.event_id, eventContent(openEventRow(row, this.piiKeys), Number(row.occurred_ms), keys));
    }
    return out;
  }

  /** Which of these event ids are already stored. A primary-key range read on event_ids per key. */
  async existingEventIds(rows: Array<{ event_id: string; event_key: number }>): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < rows.length; i += LOOKUP_CHUNK) {
      const chunk = rows.slice(i, i + LOOKUP_CHUNK);
      const rs = await this.ch.query({
        query: `SELECT DISTINCT event_id FROM ${this.db}.event_ids
                WHERE event_key IN {keys:Array(UInt64)} AND event_id IN {ids:Array(String)}`,
        query_params: { keys: chunk.map((r) => r.event_key), ids: chunk.map((r) => r.event_id) },
        format: 'JSONCompactEachRow',
        clickhouse_settings: QUERY_SETTINGS,
      });
      for (const [id] of await rs.json<[string]>()) found.add(id);
    }
    return found;
  }

  async existingRejections(ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rs = await this.ch.query({
        query: `SELECT toString(rejection_id) FROM ${this.db}.rejected_events WHERE rejection_id IN {ids:Array(UUID)}`,
        query_params: { ids: ids.slice(i, i + LOOKUP_CHUNK) },
        format: 'JSONCompactEachRow',
        clickhouse_settings: QUERY_SETTINGS,
      });
      for (const [id] of await rs.json<[string]>()) found.add(id);
    }
    return found;
  }

  /** Streams every stored event key, a page at a time in key order (for the dedup Bloom filter). */
  async forEachEventKey(visit: (key: number) => void): Promise<number> {
    let after = -1;
    let total = 0;
    for (;;) {
      const rs = await this.ch.query({
        query: `SELECT DISTINCT event_key FROM ${this.db}.event_ids WHERE event_key > {after:Int64} ORDER BY event_key LIMIT ${KEY_PAGE}`,
        query_params: { after },
        format: 'JSONCompactEachRow',
        clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
      });
      const keys = await rs.json<[number]>();
      for (const [k] of keys) visit(Number(k));
      total += keys.length;
      if (keys.length < KEY_PAGE) return total;
      after = Number(keys.at(-1)![0]);
    }
  }

  /** The latest events by occurrence, newest first (to seed the wall's feed after a restart). */
  async recentEvents(limit: number, sinceDay: string): Promise<CaseEvent[]> {
    const rs = await this.ch.query({
      query: `SELECT *, toUnixTimestamp64Milli(occurred_at) AS occurred_ms FROM ${this.db}.events
              WHERE occurred_at >= toDateTime64({day:String}, 3, 'Asia/Shanghai') AND occurred_at <= now64(3) + INTERVAL 5 MINUTE
              ORDER BY occurred_at DESC LIMIT {limit:UInt32}`,
      query_params: { limit, day: sinceDay },
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    return (await rs.json<StoredEventRow>()).map(this.fromRow);
  }

  /** Count of events of one Asia/Shanghai day by district and type. */
  async dayCounts(day: string): Promise<Array<{ district_code: string; type: CaseEvent['type']; n: number }>> {
    const rs = await this.ch.query({
      query: `SELECT district_code, type, count() AS n FROM ${this.db}.events
              WHERE toDate(occurred_at, 'Asia/Shanghai') = toDate({day:String}) GROUP BY district_code, type`,
      query_params: { day },
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    return rs.json();
  }

  /** One case's events in occurrence order (out-of-order arrival tolerated), from the per-case table. */
  async caseEvents(caseId: string): Promise<CaseEvent[]> {
    const rs = await this.ch.query({
      query: `SELECT *, toUnixTimestamp64Milli(occurred_at) AS occurred_ms FROM ${this.db}.case_events
              WHERE case_id = {caseId:String} ORDER BY occurred_at, event_id`,
      query_params: { caseId },
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    return (await rs.json<StoredEventRow>()).map(this.fromRow);
  }

  /**
   * A case's applicant as recorded, decrypted and NOT masked: only for the admin endpoint that shows it (and
   * audits the read). From the case's 申办 event, else its first event with an applicant; null for an unknown
   * case or one without an applicant. Throws a PiiKeyError when no configured key opens a field.
   */
  async applicantOfCase(caseId: string): Promise<Applicant | null> {
    const rs = await this.ch.query({
      query: `SELECT applicant_type, applicant_name, applicant_id_number, applicant_phone FROM ${this.db}.case_events
              WHERE case_id = {caseId:String} AND applicant_type != '' ORDER BY type = 'submitted' DESC, occurred_at, event_id LIMIT 1`,
      query_params: { caseId },
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
    });
    const [row] = await rs.json<{ applicant_type: string; applicant_name: string; applicant_id_number: string; applicant_phone: string }>();
    if (!row) return null;
    const out: Applicant = { type: row.applicant_type === 'enterprise' ? 'enterprise' : 'person' };
    if (row.applicant_name) out.name = decryptPii(row.applicant_name, this.piiKeys);
    if (row.applicant_id_number) out.idNumber = decryptPii(row.applicant_id_number, this.piiKeys);
    if (row.applicant_phone) out.phone = decryptPii(row.applicant_phone, this.piiKeys);
    return out;
  }

  /** The stored base64 of a rejected event's bytes, decrypted when it was stored encrypted (PII_KEY). */
  private readonly rawBase64 = (stored: string): string => openRaw(stored, this.piiKeys);

  /** `raw` as text (invalid UTF-8 shown as U+FFFD), `rawBase64` the exact bytes received. */
  async rejectedEvents(limit: number): Promise<Array<{ receivedAt: string; source: string; index: number; eventId: string; raw: string; rawBase64: string; errors: string[] }>> {
    const rs = await this.ch.query({
      query: `SELECT toUnixTimestamp64Milli(received_at) AS ms, source, batch_index, event_id, base64Encode(raw) AS raw_base64, errors
              FROM ${this.db}.rejected_events FINAL ORDER BY received_at DESC LIMIT {limit:UInt32}`,
      query_params: { limit },
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    const rows = await rs.json<{ ms: number; source: string; batch_index: number; event_id: string; raw_base64: string; errors: string[] }>();
    return rows.map((r) => ({
      receivedAt: shanghaiIso(Number(r.ms)),
      source: r.source,
      index: r.batch_index,
      eventId: r.event_id,
      raw: Buffer.from(this.rawBase64(r.raw_base64), 'base64').toString('utf8'),
      rawBase64: this.rawBase64(r.raw_base64),
      errors: r.errors,
    }));
  }

  /** The events of many cases at once (one primary-key read per case on case_events). */
  async eventsOfCases(caseIds: string[]): Promise<Map<string, CaseEvent[]>> {
    const out = new Map<string, CaseEvent[]>();
    for (let i = 0; i < caseIds.length; i += LOOKUP_CHUNK) {
      const rs = await this.ch.query({
        query: `SELECT *, toUnixTimestamp64Milli(occurred_at) AS occurred_ms FROM ${this.db}.case_events
                WHERE case_id IN {ids:Array(String)} ORDER BY case_id, occurred_at, event_id`,
        query_params: { ids: caseIds.slice(i, i + LOOKUP_CHUNK) },
        format: 'JSONEachRow',
        clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
      });
      for (const row of await rs.json<StoredEventRow>()) {
        const e = this.fromRow(row);
        let list = out.get(e.caseId);
        if (!list) out.set(e.caseId, (list = []));
        list.push(e);
      }
    }
    return out;
  }

  /** Cases in case_id order, a page at a time, with all their events (bulk projection after a backfill). */
  async casesPage(afterCaseId: string, maxRows: number): Promise<{ cases: Map<string, CaseEvent[]>; lastCaseId: string | null }> {
    const rs = await this.ch.query({
      query: `SELECT *, toUnixTimestamp64Milli(occurred_at) AS occurred_ms FROM ${this.db}.case_events
              WHERE case_id > {after:String} ORDER BY case_id, occurred_at, event_id LIMIT {n:UInt32}`,
      query_params: { after: afterCaseId, n: maxRows },
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    const rows = await rs.json<StoredEventRow>();
    const cases = new Map<string, CaseEvent[]>();
    for (const row of rows) {
      const e = this.fromRow(row);
      let list = cases.get(e.caseId);
      if (!list) cases.set(e.caseId, (list = []));
      list.push(e);
    }
    // The last case may be cut by the LIMIT: leave it for the next page, unless it is the only one.
    if (rows.length === maxRows && cases.size > 1) cases.delete(rows.at(-1)!.case_id);
    const ids = [...cases.keys()];
    return { cases, lastCaseId: ids.length ? ids.at(-1)! : null };
  }

  /**
   * `casesPage` for the bulk derivation (issue 16): only the columns a case's derivation reads, as TabSeparated
   * parsed by hand (no JSON, no `SELECT *`), in case order so that each case is derived once. The events lack
   * what derivation never reads (applicant, source); the note is read for `extended` only (the 延期's note).
   */
  async derivationPage(afterCaseId: string, maxRows: number): Promise<{ cases: Map<string, CaseEvent[]>; lastCaseId: string | null; rows: number }> {
    const page = await this.derivationPageBytes(afterCaseId, maxRows);
    const cases = new Map<string, CaseEvent[]>();
    this.eachDerivationCase(page, (caseId, events) => cases.set(caseId, events));
    return { cases, lastCaseId: page.lastCaseId, rows: page.rows };
  }

  /**
   * A page of `derivationPage` as the engine's bytes, not parsed yet, and the last case it holds whole
   * (`lastCaseId`, null for an empty page): the bulk derivation asks for the next page while it parses this one.
   * The last case may be cut by the LIMIT: it is left for the next page, unless it is the only one.
   */
  async derivationPageBytes(afterCaseId: string, maxRows: number): Promise<DerivationPageBytes> {
    const bytes = await tabSeparatedBytes(this.ch, { query: derivationQuery(this.db, `case_id > {after:String}`, 'LIMIT {n:UInt32}'), query_params: { after: afterCaseId, n: maxRows } });
    let rows = 0;
    for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) rows++;
    if (!rows) return { bytes, rows, lastCaseId: null };
    const caseIdAt = (lineEnd: number) => {
      const start = bytes.lastIndexOf(10, lineEnd - 1) + 1;
      const idStart = bytes.indexOf(9, start) + 1;
      return { start, id: tsv(bytes.toString('utf8', idStart, bytes.indexOf(9, idStart))) };
    };
    let line = caseIdAt(bytes.length - 1);
    const last = line.id;
    if (rows === maxRows) {
      while (line.start > 0 && line.id === last) line = caseIdAt(line.start - 1);
    }
    return { bytes, rows, lastCaseId: line.id };
  }

  /**
   * Calls `onCase` with each case of a page up to its `lastCaseId`, in case order, as soon as the case's last
   * event is parsed: the bulk derivation derives it then, so a page's events die young instead of living (and
   * being copied by the collector) until the whole page is parsed.
   */
  eachDerivationCase(page: DerivationPageBytes, onCase: (caseId: string, events: CaseEvent[]) => void): void {
    if (page.lastCaseId === null) return;
    let list: CaseEvent[] = [];
    let current: string | undefined;
    let pastLast = false;
    forEachLine(page.bytes, (text) => {
      const e = this.derivationEvent(text);
      if (e.caseId !== current) {
        if (current !== undefined) onCase(current, list);
        // The rest of the page is the case cut by the LIMIT.
        if (current === page.lastCaseId) return !(pastLast = true);
        current = e.caseId;
        list = [];
      }
      list.push(e);
    });
    if (!pastLast && current !== undefined) onCase(current, list);
  }

  /**
   * The stored events of these cases with what deriving them reads (as `derivationPage`): the live projector's
   * lookup. A case's events lie in the granules of its id in `case_events`, and live cases are spread over the
   * days they were submitted, so `SELECT *` decoded every column of every granule touched (JSON, parsed in
   * JavaScript); these columns as TabSeparated cost a fraction of that (README, "Scale").
   */
  async derivationEventsOfCases(caseIds: readonly string[]): Promise<Map<string, CaseEvent[]>> {
    const out = new Map<string, CaseEvent[]>();
    for (let i = 0; i < caseIds.length; i += LOOKUP_CHUNK) {
      const bytes = await tabSeparatedBytes(this.ch, { query: derivationQuery(this.db, `case_id IN {ids:Array(String)}`), query_params: { ids: caseIds.slice(i, i + LOOKUP_CHUNK) } });
      forEachLine(bytes, (text) => {
        const e = this.derivationEvent(text);
        let list = out.get(e.caseId);
        if (!list) out.set(e.caseId, (list = []));
        list.push(e);
      });
    }
    return out;
  }

  /**
   * One line of DERIVATION_COLUMNS as an event. Each line is a string of its own (forEachLine), never a slice of
   * a whole page's text: every field sliced from a page decoded at once would keep the whole page alive for as
   * long as anything holds that field. The open-case index keeps the first of every code and holder it sees, so
   * a pass kept nearly every page of history (22.7 GB resident at 100M events, issue 16). A field sliced from a
   * line keeps at most that line.
   */
  private derivationEvent(text: string): CaseEvent {
    const f = text.split('\t');
    if (f.length !== DERIVATION_FIELDS) throw new Error(`derivation page: a row of ${f.length} fields, expected ${DERIVATION_FIELDS}`);
    return {
      eventId: tsv(f[0]!),
      caseId: tsv(f[1]!),
      type: f[2] as CaseEvent['type'],
      occurredAt: f[3]!,
      itemCode: tsvOpt(f[4]!),
      districtCode: tsv(f[5]!),
      townshipCode: tsvOpt(f[6]!),
      villageCode: tsvOpt(f[7]!),
      level: f[8] as CaseEvent['level'],
      departmentCode: tsvOpt(f[9]!),
      channel: tsvOpt(f[10]!) as CaseEvent['channel'],
      actorId: tsvOpt(f[11]!),
      applicant: undefined,
      rating: tsvNumber(f[12]!),
      visits: tsvNumber(f[13]!),
      note: f[14] === '' ? undefined : decryptedNote(tsv(f[14]!), this.piiKeys),
      extensionDays: tsvNumber(f[15]!),
    };
  }

  /** Whether any event occurred before this Shanghai date (a report period with nothing before its end has nothing to report). */
  async anyEventBefore(date: string): Promise<boolean> {
    const rs = await this.ch.query({
      query: `SELECT count() AS n FROM (SELECT 1 FROM ${this.db}.events WHERE occurred_at < toDateTime64({to:String}, 3, 'Asia/Shanghai') LIMIT 1)`,
      query_params: { to: date },
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    const [row] = await rs.json<{ n: number }>();
    return Number(row?.n ?? 0) > 0;
  }
}
