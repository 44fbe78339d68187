import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ReportDocument, type ReportFormat, type ReportKind, type ReportListEntry, shanghaiDateTime } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { METRIC_SETTINGS, selectRows } from '../metrics/clickhouse-rows.ts';

export interface Renderers {
  xlsx(doc: ReportDocument): Promise<Buffer>;
  pdf(doc: ReportDocument): Promise<Buffer>;
  csv(doc: ReportDocument, table?: string): string | undefined;
}

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

  /** The report in a format, rendered on first request and kept beside report.json. */
  async file(doc: ReportDocument, format: Exclude<ReportFormat, 'json'>, table?: string): Promise<Buffer | undefined> {
    const name = format === 'csv' ? `report-${table ?? 'default'}.csv` : `report.${format}`;
    const file = path.join(this.dir, doc.id, name);
    if (existsSync(file)) return readFile(file);
    let body: Buffer | undefined;
    if (format === 'xlsx') body = await this.render.xlsx(doc);
    else if (format === 'csv') {
      const csv = this.render.csv(doc, table);
      body = csv === undefined ? undefined : Buffer.from(csv, 'utf8');
    } else {
      const run = this.pdfQueue.then(() => this.render.pdf(doc));
      this.pdfQueue = run.catch(() => undefined);
      body = await run;
    }
    if (body === undefined) return undefined;
    await mkdir(path.dirname(file), { recursive: true });
    await writeAtomic(file, body);
    return body;
  }
}

async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
