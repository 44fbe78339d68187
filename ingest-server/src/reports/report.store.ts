import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { type CaseRow, type ReportDocument, type ReportFormat, type ReportKind, type ReportListEntry, shanghaiDateTime } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { METRIC_SETTINGS, runCommand, selectRows } from '../metrics/clickhouse-rows.ts';

/** The complete rows of a report's list tables (the overdue list), read back from the report's directory. */
export type ListSource = (key: string) => AsyncIterable<CaseRow[]> | undefined;

/** Renderers write the file themselves (the XLSX and CSV stream, so a long list never sits in memory). */
export interface Renderers {
  xlsx(doc: ReportDocument, file: string, lists: ListSource): Promise<void>;
  pdf(doc: ReportDocument): Promise<Buffer>;
  /** false: the report has no such table. */
  csv(doc: ReportDocument, file: string, lists: ListSource, table?: string): Promise<boolean>;
}

const LIST_FILE = (key: string) => `list-${key}.ndjson`;

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
};

const ID = /^[A-Za-z0-9_-]{1,200}$/;

type Row = { report_id: string; kind: ReportKind; period: string; scope: string; title: string; generated_s: string; cutoff_s: string; definition_version: string; trigger: 'schedule' | 'demand'; source: 'rollup' | 'raw' };

const isoOf = (s: string) => `${s.replace(' ', 'T')}+08:00`;
const toEntry = (r: Row): ReportListEntry => ({
  id: r.report_id,
  kind: r.kind,
  period: r.period,
  scope: r.scope,
  title: r.title,
  generatedAt: isoOf(r.generated_s),
  cutoff: isoOf(r.cutoff_s),
  definitionVersion: r.definition_version,
  trigger: r.trigger,
  source: r.source,
});

/**
 * Stored reports: one row per report in `reports` and a directory DATA_DIR/reports/<id>/ holding report.json
 * (the document every format is rendered from) and the rendered files, made on first request and kept.
 */
export class ReportStore {
  /** PDF renders run one at a time (each is a Chromium process). */
  private pdfQueue: Promise<unknown> = Promise.resolve();
  private numberQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
    readonly dir: string,
    private readonly render: Renderers,
  ) {}

  async save(doc: ReportDocument): Promise<void> {
    const dir = path.join(this.dir, doc.id);
    await mkdir(dir, { recursive: true });
    await writeAtomic(path.join(dir, 'report.json'), JSON.stringify(doc));
    await this.ch.insert({
      table: `${this.db}.reports`,
      format: 'JSONEachRow',
      clickhouse_settings: METRIC_SETTINGS,
      values: [
        {
          report_id: doc.id,
          kind: doc.kind,
          period: doc.period.key,
          scope: doc.scope.key,
          title: doc.title,
          generated_at: shanghaiDateTime(Date.parse(doc.generatedAt)),
          cutoff: shanghaiDateTime(Date.parse(doc.cutoff)),
          definition_version: doc.definitionVersion,
          trigger: doc.trigger,
          source: doc.source,
          dir: doc.id,
        },
      ],
    });
  }

  async list(q: { kind?: ReportKind | undefined; period?: string | undefined; scope?: string | undefined; cutoff?: number | undefined; limit: number }): Promise<ReportListEntry[]> {
    const where = [
      q.kind ? 'kind = {kind:String}' : '',
      q.period ? 'period = {period:String}' : '',
      q.scope ? 'scope = {scope:String}' : '',
      q.cutoff !== undefined ? `cutoff = fromUnixTimestamp64Milli({cutoff:Int64}, 'Asia/Shanghai')` : '',
    ].filter(Boolean);
    const rows = await selectRows<Row>(
      this.ch,
      `SELECT report_id, kind, period, scope, title, toString(generated_at) AS generated_s, toString(cutoff) AS cutoff_s, definition_version, trigger, source
       FROM ${this.db}.reports FINAL ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY generated_at DESC, report_id DESC LIMIT {limit:UInt32}`,
      { kind: q.kind ?? '', period: q.period ?? '', scope: q.scope ?? '', cutoff: q.cutoff ?? 0, limit: q.limit },
    );
    return rows.map(toEntry);
  }

  async load(id: string): Promise<ReportDocument | undefined> {
    if (!ID.test(id)) return undefined;
    const file = path.join(this.dir, id, 'report.json');
    if (!existsSync(file)) return undefined;
    return JSON.parse(await readFile(file, 'utf8')) as ReportDocument;
  }

  /** Writes a list table's complete rows (pages of rows, in order) beside the report, as NDJSON. */
  async saveList(id: string, key: string, pages: AsyncIterable<CaseRow[]>): Promise<number> {
    const dir = path.join(this.dir, id);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, LIST_FILE(key));
    const tmp = `${file}.${process.pid}.tmp`;
    const out = createWriteStream(tmp);
    let n = 0;
    try {
      for await (const page of pages) {
        const chunk = page.map((r) => JSON.stringify(r)).join('\n');
        if (page.length && !out.write(`${chunk}\n`)) await once(out, 'drain');
        n += page.length;
      }
    } finally {
      out.end();
      await once(out, 'finish');
    }
    await rename(tmp, file);
    return n;
  }

  /** The complete rows of a list table, in pages (undefined: not stored, e.g. a report made before 1.1.0). */
  lists(doc: ReportDocument): ListSource {
    return (key) => {
      const file = path.join(this.dir, doc.id, LIST_FILE(key));
      if (!ID.test(doc.id) || !existsSync(file)) return undefined;
      return (async function* () {
        const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
        let page: CaseRow[] = [];
        for await (const line of lines) {
          if (!line) continue;
          page.push(JSON.parse(line) as CaseRow);
          if (page.length >= 2_000) {
            yield page;
            page = [];
          }
        }
        if (page.length) yield page;
      })();
    };
  }

  /**
   * The report in a format, rendered on first request and kept beside report.json: the path of the file,
   * or undefined for a CSV table the report does not have.
   */
  async file(doc: ReportDocument, format: Exclude<ReportFormat, 'json'>, table?: string): Promise<string | undefined> {
    const name = format === 'csv' ? `report-${table ?? 'default'}.csv` : `report.${format}`;
    const file = path.join(this.dir, doc.id, name);
    if (existsSync(file)) return file;
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      if (format === 'xlsx') await this.render.xlsx(doc, tmp, this.lists(doc));
      else if (format === 'csv') {
        if (!(await this.render.csv(doc, tmp, this.lists(doc), table))) return undefined;
      } else {
        const run = this.pdfQueue.then(() => this.render.pdf(doc));
        this.pdfQueue = run.catch(() => undefined);
        await writeFile(tmp, await run);
      }
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
    }
    return file;
  }

  /** The next 文号 sequence of a year (one sequence per year of issue), kept in DATA_DIR/reports/doc-numbers.json. */
  nextDocNumber(year: number): Promise<number> {
    const run = this.numberQueue.then(async () => {
      const file = path.join(this.dir, 'doc-numbers.json');
      await mkdir(this.dir, { recursive: true });
      const seq = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, number>) : {};
      const n = (seq[String(year)] ?? 0) + 1;
      seq[String(year)] = n;
      await writeAtomic(file, JSON.stringify(seq));
      return n;
    });
    this.numberQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Retention: removes stored reports older than their kind's retention, and reports superseded (a newer one
   * of the same kind, period and scope exists) for longer than `supersededDays`. Returns the ids removed.
   */
  async prune(policy: { retentionDays: Partial<Record<ReportKind, number>>; supersededDays: number }, nowMs: number): Promise<string[]> {
    const rows = await selectRows<{ report_id: string; kind: ReportKind; generated_ms: number; newer_ms: number }>(
      this.ch,
      `SELECT report_id, kind, toUnixTimestamp64Milli(generated_at) AS generated_ms,
              toUnixTimestamp64Milli(leadInFrame(generated_at, 1, toDateTime64(0, 3, 'Asia/Shanghai')) OVER (PARTITION BY kind, period, scope ORDER BY generated_at, report_id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)) AS newer_ms
       FROM ${this.db}.reports FINAL`,
    );
    const day = 86_400_000;
    const doomed = rows
      .filter((r) => {
        const keep = policy.retentionDays[r.kind];
        if (keep !== undefined && nowMs - Number(r.generated_ms) > keep * day) return true;
        return Number(r.newer_ms) > 0 && nowMs - Number(r.newer_ms) > policy.supersededDays * day;
      })
      .map((r) => r.report_id);
    if (!doomed.length) return [];
    await runCommand(this.ch, `DELETE FROM ${this.db}.reports WHERE report_id IN {ids:Array(String)}`, { ids: doomed });
    for (const id of doomed) if (ID.test(id)) await rm(path.join(this.dir, id), { recursive: true, force: true });
    return doomed;
  }
}

async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
