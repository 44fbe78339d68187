import { type CaseEvent, shanghaiDateTime } from '@tongban/shared';
import type { StepRef } from '@tongban/fixtures';
import { insertTabSeparated, type Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { LineBuffer } from '../clickhouse/line-buffer.ts';
import { dataQualityFlags } from '../events/data-quality.ts';
import { eventKey } from '../events/event-key.ts';
import type { EventRow } from '../events/event-row.ts';
import { encryptPii, type PiiKeyring } from '@tongban/shared/pii-crypto';

/*
 * Bulk writes into the `events` table as TabSeparated lines: at backfill volume JSON rows cost about
 * three times as much to build and to parse. The values are those toEventRow (event-row.ts) gives.
 */

type Column = keyof EventRow;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
/** A string field of TabSeparated. */
const tsv = (s: string | undefined) => (s === undefined ? '' : NEEDS_ESCAPE.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : s);
const tsvArray = (xs: readonly string[]) => (xs.length ? `[${xs.map((f) => `'${f.replace(/[\\']/g, '\\$&')}'`).join(',')}]` : '[]');
const tsvNumber = (x: number | undefined) => (x === undefined ? '\\N' : String(x));

/** 'YYYY-MM-DD hh:mm:ss' Shanghai wall time; '+08:00' strings need no date arithmetic. */
function wallTime(iso: string): string {
  if (iso.length === 25 && iso.endsWith('+08:00')) return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return shanghaiDateTime(Date.parse(iso));
}

/** Columns of eventTsvLine, in EventRow's order. */
export const EVENT_COLUMNS: readonly Column[] = [
  'event_id', 'event_key', 'case_id', 'type', 'occurred_at', 'received_at', 'source', 'item_code', 'district_code',
  'township_code', 'village_code', 'level', 'department_code', 'channel', 'actor_id', 'applicant_type',
  'applicant_name', 'applicant_id_number', 'applicant_phone', 'rating', 'visits', 'note', 'dq_flags',
];

/** One line of the `events` table for an event (EVENT_COLUMNS). */
export function eventTsvLine(e: CaseEvent, source: string, receivedAt: string, flags: readonly string[]): string {
  const a = e.applicant;
  return [
    tsv(e.eventId), String(eventKey(e.eventId)), tsv(e.caseId), e.type, wallTime(e.occurredAt), receivedAt, tsv(source),
    tsv(e.itemCode), tsv(e.districtCode), tsv(e.townshipCode), tsv(e.villageCode), e.level, tsv(e.departmentCode),
    e.channel ?? '', tsv(e.actorId), a?.type ?? '', tsv(a?.name), tsv(a?.idNumber), tsv(a?.phone),
    tsvNumber(e.rating), tsvNumber(e.visits), tsv(e.note), tsvArray(flags),
  ].join('\t');
}

/** Columns of StepLines: what every event of a case shares first, so it is built once per case. */
export const STEP_COLUMNS: readonly Column[] = [
  'case_id', 'item_code', 'district_code', 'township_code', 'village_code', 'department_code', 'source', 'received_at', 'dq_flags',
  'event_id', 'event_key', 'type', 'occurred_at', 'level', 'channel', 'actor_id',
  'applicant_type', 'applicant_name', 'applicant_id_number', 'applicant_phone', 'rating', 'visits', 'note',
];

const NO_APPLICANT = '\t\t\t';
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Lines of the `events` table (STEP_COLUMNS) straight from the simulator's steps, without an event
 * object per step. Must give the same values as eventTsvLine(eventOf(case, step)): a test holds them equal.
 */
export class StepLines {
  /** Line prefix per open case (by arrival number), dropped with the case's last step. */
  private readonly prefixes = new Map<number, string>();
  private wallDay = NaN;
  private wallDate = '';
  /** occurredAt of the last step turned into a line. */
  lastAt = 0;

  constructor(
    private readonly source: string,
    private readonly receivedAt: string,
    private readonly isKnownItem: (itemCode: string) => boolean,
    /** PII_KEY: the applicant's fields are written encrypted, as toEventRow writes them. */
    private readonly piiKeys?: PiiKeyring,
  ) {}

  line(ref: StepRef): string {
    const c = ref.c;
    const info = c.info;
    let prefix = this.prefixes.get(info.seq);
    if (prefix === undefined) {
      const flags = dataQualityFlags({ districtCode: info.districtCode, itemCode: info.item.itemCode } as CaseEvent, this.isKnownItem);
      prefix = [
        tsv(info.caseId), tsv(info.item.itemCode), tsv(info.districtCode), tsv(info.townshipCode), tsv(info.villageCode),
        tsv(info.item.departmentCode), tsv(this.source), this.receivedAt, tsvArray(flags), '',
      ].join('\t');
      this.prefixes.set(info.seq, prefix);
    }
    if (ref.i === c.steps.length - 1) this.prefixes.delete(info.seq);
    const step = c.steps[ref.i]!;
    const id = `${info.caseId}.${step.n}`;
    this.lastAt = step.at;
    let applicant = NO_APPLICANT;
    let channel = '';
    if (step.type === 'submitted') {
      const a = info.applicant;
      channel = info.channel;
      applicant = `${a.type}\t${tsv(this.seal(a.name))}\t${tsv(this.seal(a.idNumber))}\t${tsv(this.seal(a.phone))}`;
    }
    return `${prefix}${tsv(id)}\t${eventKey(id)}\t${step.type}\t${this.wallTime(step.at)}\t${step.level}\t${channel}\t${tsv(step.actorId)}\t${applicant}\t${tsvNumber(step.rating)}\t${tsvNumber(step.visits)}\t${tsv(this.seal(step.note))}`;
  }

  /** A personal field as stored: encrypted with PII_KEY when set. */
  private seal(v: string | undefined): string | undefined {
    return v === undefined || v === '' || !this.piiKeys ? v : encryptPii(v, this.piiKeys);
  }

  /** 'YYYY-MM-DD hh:mm:ss' in Asia/Shanghai of a whole-second instant, the date string kept per day. */
  private wallTime(ms: number): string {
    const local = ms + SHANGHAI_OFFSET_MS;
    const day = Math.floor(local / DAY_MS);
    if (day !== this.wallDay) {
      this.wallDay = day;
      this.wallDate = shanghaiDateTime(ms).slice(0, 10);
    }
    const secs = Math.floor((local - day * DAY_MS) / 1000);
    const h = Math.floor(secs / 3600);
    const m = Math.floor(secs / 60) % 60;
    const sec = secs % 60;
    return `${this.wallDate} ${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}`;
  }
}

export interface BulkWriteOptions {
  clickhouse: Clickhouse;
  db: string;
  columns: readonly Column[];
  lines: Iterable<string>;
  /** Rows per INSERT (ENGINE-NOTES: 10k–100k+ rows per insert for throughput and few parts). */
  batchRows: number;
  onBatch?: (written: number) => void;
}

/** Lines are built in slices; between slices the event loop runs (the insert in flight settles, progress is told). */
const SLICE = 5_000;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Writes lines into the `events` table (its materialized views fill `event_ids` and `case_events`), in
 * large inserts, building the next batch while ClickHouse stores the previous one.
 */
export async function writeBulk(o: BulkWriteOptions): Promise<number> {
  const it = o.lines[Symbol.iterator]();
  const insert = (lines: LineBuffer) => insertTabSeparated(o.clickhouse, { table: `${o.db}.events`, columns: o.columns, body: lines.bytes() });
  let written = 0;
  let inFlight: { promise: Promise<unknown>; rows: number } | undefined;
  let done = false;
  while (!done) {
    // A buffer of its own per batch: the one in flight is the engine's until its insert returns.
    const lines = new LineBuffer(o.batchRows * 256);
    while (lines.rows < o.batchRows && !done) {
      for (let i = 0; i < SLICE && lines.rows < o.batchRows; i++) {
        const next = it.next();
        if (next.done) {
          done = true;
          break;
        }
        lines.push(next.value);
      }
      await yieldToLoop();
    }
    if (inFlight) {
      await inFlight.promise;
      written += inFlight.rows;
      o.onBatch?.(written);
    }
    inFlight = lines.rows ? { promise: insert(lines), rows: lines.rows } : undefined;
  }
  if (inFlight) {
    await inFlight.promise;
    written += inFlight.rows;
    o.onBatch?.(written);
  }
  return written;
}
