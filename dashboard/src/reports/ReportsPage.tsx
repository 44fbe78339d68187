import { useMemo, useState } from 'react';
import { REPORT_PERIOD_KIND, type ReportAnswer, type ReportKind } from '@tongban/shared';
import { ReportChart } from './ReportChart.tsx';
import {
  DISTRICT_OPTIONS,
  KIND_OPTIONS,
  PERIOD_HINT,
  choiceOf,
  cutoffLine,
  departmentOptions,
  downloadUrl,
  headlineTiles,
  periodChoices,
  periodFits,
  previewTables,
  provenance,
  reportCharts,
  reportUrl,
  staleNotice,
  type PreviewTable,
  type ReportChoice,
  type ScopeChoice,
} from './report-page-model.ts';
import { useCatalogue, useReport, useReportList } from './useReport.ts';
import './reports.css';

/**
 * The analysts' page (#/reports): pick a kind of report, a period and a scope; preview it; download it as
 * Excel, PDF or CSV; see the stored reports and open any of them again (same cut-off, same numbers).
 */
export function ReportsPage() {
  const [kind, setKind] = useState<ReportKind>('monthly');
  const periods = useMemo(() => periodChoices(kind, Date.now()), [kind]);
  const [period, setPeriod] = useState<string>(() => periods[0]!.key);
  const [scope, setScope] = useState<ScopeChoice>({ kind: 'city' });
  const [request, setRequest] = useState<{ url: string; n: number } | null>(null);
  const catalogue = useCatalogue();
  const departments = useMemo(() => (catalogue.state === 'ok' ? departmentOptions(catalogue.data.items) : []), [catalogue]);
  const report = useReport(request ? `${request.url}${request.url.includes('?') ? '&' : '?'}_=${request.n}` : null);
  // Listed again whenever a report has been generated or opened.
  const list = useReportList(`/api/v1/reports?kind=${kind}&limit=20&after=${report.state === 'ok' ? report.data.id : ''}`);

  const choice: ReportChoice = { kind, period, scope };
  const periodOk = periodFits(kind, period);
  const open = (url: string) => setRequest((r) => ({ url, n: (r?.n ?? 0) + 1 }));
  const pickKind = (k: ReportKind) => {
    setKind(k);
    setPeriod(periodChoices(k, Date.now())[0]!.key);
  };

  return (
    <div className="reports-page">
      <header className="reports-header">
        <h1>效能报告 · 日扫描 · 周调度 · 月通报 · 季分析 · 年考评</h1>
        <a href="#/" className="reports-back">返回大屏</a>
      </header>
      <section className="reports-controls" aria-label="报告选择">
        <label>
          类型
          <select value={kind} onChange={(e) => pickKind(e.target.value as ReportKind)}>
            {KIND_OPTIONS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          期间（{PERIOD_HINT[REPORT_PERIOD_KIND[kind]]}）
          <input className={periodOk ? undefined : 'invalid'} list="report-periods" value={period} onChange={(e) => setPeriod(e.target.value.trim())} size={12} />
          <datalist id="report-periods">
            {periods.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          范围
          <select
            value={scope.kind === 'city' ? 'city' : `${scope.kind}:${scope.code}`}
            onChange={(e) => {
              const [k, code] = e.target.value.split(':') as [string, string | undefined];
              setScope(k === 'district' || k === 'department' ? { kind: k, code: code! } : { kind: 'city' });
            }}
          >
            <option value="city">全市</option>
            <optgroup label="区县">
              {DISTRICT_OPTIONS.map((d) => (
                <option key={d.value} value={`district:${d.value}`}>
                  {d.label}
                </option>
              ))}
            </optgroup>
            <optgroup label="部门">
              {departments.map((d) => (
                <option key={d.value} value={`department:${d.value}`}>
                  {d.label}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <button type="button" disabled={!periodOk} onClick={() => open(reportUrl(choice))}>
          预览
        </button>
        <button type="button" disabled={!periodOk} className="secondary" onClick={() => open(reportUrl(choice, { fresh: true }))} title="按当前数据重新计算（新的数据截止时间）">
          重新生成
        </button>
      </section>

      <div className="reports-body">
        <main className="reports-preview">
          {report.state === 'idle' && <p className="reports-hint">选择报告类型、期间和范围后点击“预览”。</p>}
          {report.state === 'loading' && <p className="reports-hint">正在生成报告…</p>}
          {report.state === 'error' && <p className="reports-error">无法生成报告：{report.reason}</p>}
          {report.state === 'ok' && <ReportPreview doc={report.data} regenerate={() => open(reportUrl(choiceOf(report.data), { fresh: true }))} />}
        </main>
        <aside className="reports-list" aria-label="已生成的报告">
          <h2>已生成的{KIND_OPTIONS.find((k) => k.value === kind)!.label}</h2>
          {list.state === 'ok' && list.data.reports.length === 0 && <p className="reports-hint">暂无</p>}
          {list.state === 'ok' && (
            <ul>
              {list.data.reports.map((r) => (
                <li key={r.id}>
                  <button type="button" className="link" onClick={() => open(`/api/v1/reports/${r.kind}?id=${encodeURIComponent(r.id)}`)}>
                    {r.title}
                  </button>
                  <small>
                    截止 {r.cutoff.slice(0, 16).replace('T', ' ')} · {r.trigger === 'schedule' ? '定时' : '按需'}
                  </small>
                </li>
              ))}
            </ul>
          )}
        </aside>
      </div>
    </div>
  );
}

function ReportPreview({ doc, regenerate }: { doc: ReportAnswer; regenerate: () => void }) {
  const stale = staleNotice(doc);
  const tables = useMemo(() => previewTables(doc), [doc]);
  const charts = useMemo(() => reportCharts(doc), [doc]);
  const [tab, setTab] = useState(0);
  const table = tables[Math.min(tab, tables.length - 1)]!;
  return (
    <article>
      <h2 className="report-title">{doc.title}</h2>
      <p className="report-cutoff">{cutoffLine(doc)}</p>
      {stale && (
        <div className="report-stale" role="status">
          <span>{stale}</span>
          <button type="button" onClick={regenerate}>
            按最新数据重新生成
          </button>
        </div>
      )}
      <p className="report-provenance">{provenance(doc)}</p>
      <div className="report-downloads">
        <a href={downloadUrl(doc, 'xlsx')} download>
          下载 Excel
        </a>
        <a href={downloadUrl(doc, 'pdf')} download>
          下载 PDF
        </a>
        <a href={downloadUrl(doc, 'csv', table.key)} download>
          下载 CSV（{table.title}）
        </a>
      </div>
      <div className="report-tiles">
        {headlineTiles(doc).map((t) => (
          <div key={t.label} className="report-tile">
            <b>{t.value}</b>
            <span>{t.label}</span>
          </div>
        ))}
      </div>
      <div className="report-charts">
        {charts.map((c) => (
          <figure key={c.key}>
            <figcaption>{c.title}</figcaption>
            <ReportChart option={c.option} height={c.height} />
          </figure>
        ))}
      </div>
      <nav className="report-tabs">
        {tables.map((t, i) => (
          <button key={t.key} type="button" className={i === tab ? 'active' : ''} onClick={() => setTab(i)}>
            {t.title}
          </button>
        ))}
      </nav>
      <TablePreview table={table} />
    </article>
  );
}

function TablePreview({ table }: { table: PreviewTable }) {
  return (
    <div className="report-table-wrap">
      <table className="report-table">
        <thead>
          <tr>
            {table.headers.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j} className={table.numeric[j] ? 'n' : undefined}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {table.more > 0 && <p className="reports-hint">另有 {table.more} 行，见下载文件。</p>}
    </div>
  );
}
