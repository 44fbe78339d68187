import { chromium } from 'playwright-core';
import type { ReportDocument } from '@tongban/shared';
import { REPORT_FONT, reportHtml } from './report-html.ts';

/** Debian's Chromium (scripts/install.sh installs it); no browser is downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The report page printed to PDF by headless Chromium: A4, the report's title in the header, page numbers
 * (第 n 页 / 共 m 页) in the footer. The page has no external resources (charts are inline SVG, fonts are
 * the system's CJK fonts), so it prints on a machine without internet.
 */
export async function reportPdf(doc: ReportDocument, executablePath = CHROMIUM_PATH): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    await page.setContent(reportHtml(doc), { waitUntil: 'load' });
    const small = `font-family:${REPORT_FONT.replace(/"/g, "'")};font-size:8px;color:#666;width:100%;padding:0 14mm;`;
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="${small}display:flex;justify-content:space-between;">${doc.simulated ? '<span style="color:#c00000;font-weight:bold;">演示数据 · 模拟生成，不作考核依据</span>' : '<span></span>'}<span>${esc(doc.issue?.docNumber ?? '')} ${esc(doc.title)}</span></div>`,
      footerTemplate: `<div style="${small}text-align:center;">${doc.simulated ? '<b style="color:#c00000;">演示数据</b> · ' : ''}第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页 · 数据截止 ${esc(doc.cutoff.slice(0, 16).replace('T', ' '))}</div>`,
      margin: { top: '18mm', bottom: '18mm', left: '14mm', right: '14mm' },
    });
  } finally {
    await browser.close();
  }
}
