import ExcelJS from 'exceljs';
import {
  neutralizeFormula,
  overdueCells,
  reportTables,
  shanghaiMinute,
  type Cell,
  type CellFormat,
  type ReportDocument,
  type ReportTable,
} from '@tongban/shared';
import type { ListSource } from './report.store.ts';

/** Excel number formats of the table cell formats (values stay numbers; Excel shows them this way). */
const NUM_FMT: Partial<Record<CellFormat, string>> = {
  int: '#,##0',
  ratio: '0.0%',
  score: '0.0',
  index: '0.000',
  hours: '0.00',
  signed: '+0;-0;0',
  delta: '+0.0;-0.0;0.0',
};

export function cellValue(cell: Cell, format: CellFormat): { value: string | number | null; numFmt?: string } {
  let v: string | number | null = cell as string | number | null;
  let f = format;
  if (cell !== null && typeof cell === 'object') {
    v = cell.value;
    f = cell.format;
  }
  if (v === null || v === undefined) return { value: null };
  if (typeof v === 'string') return { value: neutralizeFormula(f === 'datetime' ? shanghaiMinute(v) : v) };
  const numFmt = NUM_FMT[f];
  return numFmt ? { value: v, numFmt } : { value: v };
}

/** The rows of a table: the complete list where the report stored one, else the document's rows. */
export async function* tableRows(table: ReportTable, lists: ListSource): AsyncGenerator<Cell[][]> {
  const complete = table.key === 'overdue' ? lists('overdue') : undefined;
  if (!complete) {
    yield table.rows;
    return;
  }
  for await (const page of complete) yield page.map(overdueCells);
}

const colName = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : colName(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));

/**
 * The report as an Excel workbook, written as a stream to `file` (exceljs's streaming writer: each row is
 * committed as it is written, so a list of 100,000 cases needs no more memory than one of 100): one sheet
 * per table (汇总, 排名, 五度明细, 超期办件, 堵点 … 说明), Chinese headers in a bold frozen first row with a
 * filter, numbers as numbers with their formats, text neutralised against formulas.
 */
export async function reportXlsx(doc: ReportDocument, file: string, lists: ListSource = () => undefined): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  wb.creator = 'tongban 效能监察指挥中心';
  wb.title = doc.title;
  wb.subject = `${doc.kindName} ${doc.period.key}`;
  wb.description = `数据截止 ${doc.cutoff}；指标定义版本 ${doc.definitionVersion}${doc.issue ? `；${doc.issue.docNumber}` : ''}${doc.simulated ? '；演示数据' : ''}`;
  wb.created = new Date(Date.parse(doc.generatedAt));
  for (const table of reportTables(doc)) {
    const ws = wb.addWorksheet(table.title, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
    ws.columns = table.columns.map((c) => ({ header: c.header, width: c.width }));
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    ws.autoFilter = `A1:${colName(table.columns.length)}1`;
    header.commit();
    for await (const rows of tableRows(table, lists)) {
      for (const row of rows) {
        const r = ws.addRow([]);
        row.forEach((cell, i) => {
          const { value, numFmt } = cellValue(cell, table.columns[i]!.format);
          const c = r.getCell(i + 1);
          c.value = value;
          if (numFmt) c.numFmt = numFmt;
        });
        r.commit();
      }
    }
    ws.commit();
  }
  await wb.commit();
}
