import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { EVENT_TYPE_NAMES, LEVEL_NAMES, STATUS_WORDS, WARNING_WORDS, flagWords, neutralizeFormula, shanghaiMinute, type CaseSummary, type EventType, type Level } from '@tongban/shared';

export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Names = { township: (code: string) => string | undefined; village: (code: string) => string | undefined };
type Value = string | number | null;

/** The export's columns, with each row's values: what the list shows, in words, every cell of text neutralised. */
const COLUMNS: Array<{ header: string; width: number; value: (c: CaseSummary, n: Names) => Value }> = [
  { header: '办件编号', width: 22, value: (c) => c.caseId },
  { header: '事项编码', width: 18, value: (c) => c.itemCode },
  { header: '事项名称', width: 28, value: (c) => c.itemName || null },
  { header: '区县', width: 10, value: (c) => c.districtName },
  { header: '乡镇/街道', width: 14, value: (c, n) => (c.townshipCode ? (n.township(c.townshipCode) ?? c.townshipCode) : null) },
  { header: '村/社区', width: 14, value: (c, n) => (c.villageCode ? (n.village(c.villageCode) ?? c.villageCode) : null) },
  { header: '部门', width: 10, value: (c) => c.departmentCode },
  { header: '状态', width: 8, value: (c) => STATUS_WORDS[c.status] ?? c.status },
  { header: '当前环节', width: 10, value: (c) => EVENT_TYPE_NAMES[c.stage as EventType] ?? c.stage },
  { header: '所在层级', width: 8, value: (c) => LEVEL_NAMES[c.level as Level] ?? c.level },
  { header: '经办人', width: 14, value: (c) => c.holder },
  { header: '申办时间', width: 17, value: (c) => (c.submittedAt ? shanghaiMinute(c.submittedAt) : null) },
  { header: '受理时间', width: 17, value: (c) => (c.acceptedAt ? shanghaiMinute(c.acceptedAt) : null) },
  { header: '承诺期限', width: 12, value: (c) => c.promisedDeadline },
  { header: '法定期限', width: 12, value: (c) => c.statutoryDeadline },
  { header: '预警', width: 10, value: (c) => WARNING_WORDS[c.warning] ?? c.warning },
  { header: '超期工作日', width: 10, value: (c) => c.daysOverdue },
  { header: '标记', width: 40, value: (c) => (c.flags.length ? c.flags.map(flagWords).join('；') : null) },
];

const cell = (v: Value): Value => (typeof v === 'string' ? neutralizeFormula(v) : v);

function csvField(v: Value): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : neutralizeFormula(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const nextTick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Writes every row of the list to `out` as it goes (never the whole file in memory): CSV in UTF-8 with a
 * byte-order mark (Excel reads the Chinese) and CRLF lines, or an XLSX through exceljs's streaming writer.
 * Returns the number of rows written.
 */
export async function writeCaseExport(format: ExportFormat, pages: Iterable<CaseSummary[]>, names: Names, out: Writable, title: string): Promise<number> {
  let n = 0;
  if (format === 'csv') {
    const write = async (s: string) => {
      if (!out.write(s)) await once(out, 'drain');
    };
    await write('\uFEFF' + COLUMNS.map((c) => csvField(c.header)).join(',') + '\r\n');
    for (const page of pages) {
      if (page.length) await write(page.map((c) => COLUMNS.map((col) => csvField(col.value(c, names))).join(',')).join('\r\n') + '\r\n');
      n += page.length;
    }
    out.end();
    return n;
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'tongban 效能监察指挥中心';
  wb.title = title;
  const ws = wb.addWorksheet('办件清单', { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.commit();
  for (const page of pages) {
    for (const c of page) ws.addRow(COLUMNS.map((col) => cell(col.value(c, names)))).commit();
    n += page.length;
    // Let the response drain between pages.
    await nextTick();
  }
  ws.commit();
  await wb.commit();
  return n;
}
