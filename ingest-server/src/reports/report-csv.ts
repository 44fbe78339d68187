import { DEFAULT_CSV_TABLE, formatCell, reportTables, type ReportDocument, type ReportTable } from '@tongban/shared';

const BOM = '\uFEFF';

function quote(s: string): string {
  // A leading = + - @ would be read by Excel as a formula (CSV injection): prefix it with a quote mark.
  const safe = /^[=@\t\r]/.test(s) || /^[+-](?!\d)/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function tableCsv(table: ReportTable): string {
  const lines = [table.columns.map((c) => quote(c.header)).join(',')];
  for (const row of table.rows) lines.push(row.map((cell, i) => quote(formatCell(cell, table.columns[i]!.format))).join(','));
  return BOM + lines.join('\r\n') + '\r\n';
}

/** The names of the tables a report can give as CSV. */
export const csvTables = (doc: ReportDocument): string[] => reportTables(doc).map((t) => t.key);

/**
 * One table of the report as CSV: UTF-8 with a byte-order mark so Excel reads the Chinese, CRLF lines,
 * values as displayed (ratios as percentages). Undefined for a table the report does not have.
 */
export function reportCsv(doc: ReportDocument, tableKey: string = DEFAULT_CSV_TABLE[doc.kind]): string | undefined {
  const table = reportTables(doc).find((t) => t.key === tableKey);
  return table ? tableCsv(table) : undefined;
}
