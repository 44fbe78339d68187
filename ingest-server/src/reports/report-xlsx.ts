import ExcelJS from 'exceljs';
import { reportTables, shanghaiMinute, type Cell, type CellFormat, type ReportDocument } from '@tongban/shared';

/** Excel number formats of the table cell formats (values stay numbers; Excel shows them this way). */
const NUM_FMT: Partial<Record<CellFormat, string>> = {
  int: '#,##0',
  ratio: '0.0%',
  score: '0.0',
  index: '0.000',
  hours: '0.00',
  signed: '+0;-0;0',
};

function cellValue(cell: Cell, format: CellFormat): { value: string | number | null; numFmt?: string } {
  let v: string | number | null = cell as string | number | null;
  let f = format;
  if (cell !== null && typeof cell === 'object') {
    v = cell.value;
    f = cell.format;
  }
  if (v === null || v === undefined) return { value: null };
  if (typeof v === 'string') return { value: f === 'datetime' ? shanghaiMinute(v) : v };
  const numFmt = NUM_FMT[f];
  return numFmt ? { value: v, numFmt } : { value: v };
}

/**
 * The report as an Excel workbook: one sheet per table (汇总, 排名, 五度明细, 超期办件, 堵点 …), Chinese
 * headers in a bold frozen first row with a filter, numbers as numbers with their formats.
 */
export async function reportXlsx(doc: ReportDocument): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tongban 效能监察指挥中心';
  wb.title = doc.title;
  wb.subject = `${doc.kindName} ${doc.period.key}`;
  wb.description = `数据截止 ${doc.cutoff}；指标定义版本 ${doc.definitionVersion}`;
  wb.created = new Date(Date.parse(doc.generatedAt));
  for (const table of reportTables(doc)) {
    const ws = wb.addWorksheet(table.title, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
    ws.columns = table.columns.map((c) => ({ header: c.header, width: c.width }));
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    for (const row of table.rows) {
      const r = ws.addRow([]);
      row.forEach((cell, i) => {
        const { value, numFmt } = cellValue(cell, table.columns[i]!.format);
        const c = r.getCell(i + 1);
        c.value = value;
        if (numFmt) c.numFmt = numFmt;
      });
    }
    if (table.rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
