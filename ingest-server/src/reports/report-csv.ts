import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { DEFAULT_CSV_TABLE, formatCell, neutralizeFormula, reportTables, type Cell, type ReportDocument, type ReportTable } from '@tongban/shared';
import type { ListSource } from './report.store.ts';
import { tableRows } from './report-xlsx.ts';

const BOM = '\uFEFF';

/** A CSV field: text neutralised against formulas (numbers we format ourselves are left as they are), quoted when needed. */
function field(cell: Cell, format: ReportTable['columns'][number]['format']): string {
  const raw = formatCell(cell, format);
  const isText = typeof cell === 'string' || format === 'text' || format === 'datetime';
  const safe = isText ? neutralizeFormula(raw) : raw;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const line = (table: ReportTable, row: Cell[]) => row.map((cell, i) => field(cell, table.columns[i]!.format)).join(',');

export function tableCsv(table: ReportTable): string {
  const lines = [table.columns.map((c) => field(c.header, 'text')).join(',')];
  for (const row of table.rows) lines.push(line(table, row));
  return BOM + lines.join('\r\n') + '\r\n';
}

/** The names of the tables a report can give as CSV. */
export const csvTables = (doc: ReportDocument): string[] => reportTables(doc).map((t) => t.key);

/**
 * One table of the report as CSV, written as a stream to `file`: UTF-8 with a byte-order mark so Excel reads
 * the Chinese, CRLF lines, values as displayed (ratios as percentages), every row of a list. False for a
 * table the report does not have.
 */
export async function reportCsv(doc: ReportDocument, file: string, lists: ListSource = () => undefined, tableKey: string = DEFAULT_CSV_TABLE[doc.kind]): Promise<boolean> {
  const table = reportTables(doc).find((t) => t.key === tableKey);
  if (!table) return false;
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  try {
    await write(BOM + table.columns.map((c) => field(c.header, 'text')).join(',') + '\r\n');
    for await (const rows of tableRows(table, lists)) {
      if (rows.length) await write(rows.map((r) => line(table, r)).join('\r\n') + '\r\n');
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return true;
}
