import { useEffect, useMemo, useState } from 'react';
import { EVENT_TYPES, FLAG_WORDS, STATUS_WORDS, WARNING_WORDS, atRiskWords, districtName, type CaseSummary } from '@tongban/shared';
import { caseHash, superviseHash } from '../data/page-links.ts';
import { stageName } from './case-view.ts';
import { exportUrl, listHash, parseListQuery, type ListFilters } from './case-list-query.ts';
import { PageHeader, RemoteNote, type Crumb } from './PageHeader.tsx';
import { useCaseList, usePlaceNames } from './useSupervise.ts';
import { warningConcerns } from './useCaseWarnings.ts';
import { useLiveVersion } from './useSuperviseLive.ts';
import './supervise.css';

const PAGE = 50;

/** A select of the list's filters: '' is 全部. */
function Choice<K extends keyof ListFilters>(props: { label: string; name: K; filters: ListFilters; options: Array<[string, string]>; set: (f: ListFilters) => void }) {
  const value = props.filters[props.name];
  return (
    <label>
      {props.label}
      <select name={props.name} value={value === undefined ? '' : String(value)} onChange={(e) => props.set({ ...props.filters, [props.name]: e.target.value || undefined })}>
        <option value="">全部</option>
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A text filter, applied on Enter or when the field loses focus. */
function Text(props: { label: string; name: 'itemCode' | 'departmentCode' | 'townshipCode' | 'villageCode' | 'q' | 'minDaysOverdue'; filters: ListFilters; set: (f: ListFilters) => void; size?: number }) {
  const current = props.filters[props.name];
  const [text, setText] = useState(current === undefined ? '' : String(current));
  useEffect(() => setText(current === undefined ? '' : String(current)), [current]);
  const apply = () => {
    const v = text.trim();
    const value = props.name === 'minDaysOverdue' ? (/^\d+$/.test(v) ? Number(v) : undefined) : v || undefined;
    if (value !== current) props.set({ ...props.filters, [props.name]: value });
  };
  return (
    <label>
      {props.label}
      <input name={props.name} value={text} size={props.size ?? 12} onChange={(e) => setText(e.target.value)} onBlur={apply} onKeyDown={(e) => e.key === 'Enter' && apply()} />
    </label>
  );
}

/** The warning filter: the three warnings a case carries, and the open cases predicted to end late. */
const WARNING_FILTER_OPTIONS: Array<[string, string]> = [...Object.entries(WARNING_WORDS), ['at_risk', '预测风险']];

const warningClass = (w: string) => (w === 'red' ? 'sv-red' : w === 'yellow' ? 'sv-yellow' : undefined);

/** Pure: which rows of a refreshed page were not there before (a case turning red while the list is open). */
export function newRows(seen: ReadonlySet<string> | null, rows: readonly CaseSummary[]): Set<string> {
  return seen === null ? new Set() : new Set(rows.filter((r) => !seen.has(r.caseId)).map((r) => r.caseId));
}

/** The case list (#/cases?…): filters in the URL, search by case number, sort, cursor paging, export. */
export function CaseListPage(props: { query: string }) {
  const filters = useMemo(() => parseListQuery(props.query), [props.query]);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const key = props.query;
  const [pageKey, setPageKey] = useState(key);
  if (pageKey !== key) {
    setPageKey(key);
    setCursors([null]);
  }
  const cursor = cursors.at(-1) ?? null;
  // A case of the list's scope changing rung (live, over Socket.IO) reloads the page (throttled): it appears marked 新.
  const version = useLiveVersion(filters.districtCode, (m) => m.name === 'case:warning' && warningConcerns(filters, m.message));
  const list = useCaseList(filters, PAGE, cursor, version);
  const [seen, setSeen] = useState<{ key: string; ids: Set<string> | null; fresh: Set<string> }>({ key: '', ids: null, fresh: new Set() });
  const rows = list.state === 'ok' ? list.data.cases : [];
  const listKey = `${key}|${cursor ?? ''}`;
  useEffect(() => {
    if (list.state !== 'ok') return;
    setSeen((s) => {
      const before = s.key === listKey ? s.ids : null;
      const fresh = new Set([...(s.key === listKey ? s.fresh : []), ...newRows(before, list.data.cases)]);
      return { key: listKey, ids: new Set([...(before ?? []), ...list.data.cases.map((c) => c.caseId)]), fresh };
    });
  }, [list, listKey]);
  const placeCodes = [...new Set([filters.townshipCode, ...rows.map((r) => r.townshipCode)].filter((c): c is string => !!c))].sort();
  const places = usePlaceNames(placeCodes);
  const names = places.state === 'ok' ? places.data.places : {};
  const set = (f: ListFilters) => {
    window.location.hash = listHash(f);
  };
  const crumbs: Crumb[] = [{ label: '全市', href: '#/supervise' }];
  if (filters.districtCode) crumbs.push({ label: districtName(filters.districtCode), href: superviseHash(filters.districtCode) });
  if (filters.townshipCode) crumbs.push({ label: names[filters.townshipCode] ?? filters.townshipCode, href: superviseHash(filters.districtCode ?? null, filters.townshipCode) });
  crumbs.push({ label: '办件清单', href: null });
  return (
    <div className="sv-page" data-testid="case-list-page">
      <PageHeader title="办件清单" crumbs={crumbs} />
      <main className="sv-main">
        <section className="sv-filters" aria-label="筛选">
          <Text label="办件编号" name="q" filters={filters} set={set} size={18} />
          <Choice label="预警" name="warning" filters={filters} set={set} options={WARNING_FILTER_OPTIONS} />
          <Choice label="标记" name="flag" filters={filters} set={set} options={Object.entries(FLAG_WORDS).map(([k, v]) => [k, v.replace(/（.*）$/, '')])} />
          <Choice label="环节" name="stage" filters={filters} set={set} options={EVENT_TYPES.map((t) => [t, stageName(t)])} />
          <Choice label="层级" name="level" filters={filters} set={set} options={[['city', '市'], ['district', '区县'], ['township', '乡镇'], ['village', '村']]} />
          <Choice label="督办" name="supervision" filters={filters} set={set} options={[['open', '有未办结督办'], ['overdue', '督办已超期'], ['none', '无未办结督办']]} />
          <Text label="事项编码" name="itemCode" filters={filters} set={set} />
          <Text label="部门编码" name="departmentCode" filters={filters} set={set} size={8} />
          <Text label="乡镇编码" name="townshipCode" filters={filters} set={set} />
          <Text label="超期≥(工作日)" name="minDaysOverdue" filters={filters} set={set} size={4} />
          <Choice label="排序" name="sort" filters={filters} set={set} options={[['deadline', '按承诺期限'], ['submitted', '按申办时间（早→晚）'], ['submitted_desc', '按申办时间（晚→早）']]} />
          <a className="sv-button" href="#/cases">清除筛选</a>
        </section>
        <section className="sv-panel">
          <div className="sv-list-bar">
            <span data-testid="list-total">{list.state === 'ok' ? `共 ${list.data.total} 件在办` : ''}</span>
            <span className="sv-exports">
              导出此清单（全部 {list.state === 'ok' ? list.data.total : '…'} 行）：
              <a href={exportUrl(filters, 'xlsx')} download>
                Excel
              </a>
              <a href={exportUrl(filters, 'csv')} download>
                CSV
              </a>
            </span>
          </div>
          {list.state !== 'ok' ? (
            <RemoteNote state={list.state} reason={list.state === 'error' ? list.reason : undefined} />
          ) : (
            <table className="sv-table sv-case-table" data-testid="case-table">
              <thead>
                <tr>
                  <th>办件编号</th>
                  <th>事项</th>
                  <th>区县</th>
                  <th>乡镇/街道</th>
                  <th>状态</th>
                  <th>环节</th>
                  <th>经办人</th>
                  <th>承诺期限</th>
                  <th>预警</th>
                  <th>超期</th>
                  <th>标记</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.caseId} data-case-id={c.caseId} className={seen.fresh.has(c.caseId) ? 'sv-new' : undefined}>
                    <td>
                      <a href={caseHash(c.caseId)}>{c.caseId}</a>
                      {seen.fresh.has(c.caseId) && <span className="sv-badge">新</span>}
                    </td>
                    <td>{c.itemName || c.itemCode}</td>
                    <td>{c.districtName}</td>
                    <td>{c.townshipCode ? (names[c.townshipCode] ?? c.townshipCode) : '—'}</td>
                    <td>{STATUS_WORDS[c.status] ?? c.status}</td>
                    <td>{stageName(c.stage)}</td>
                    <td>{c.holder ?? '—'}</td>
                    <td>{c.promisedDeadline ?? '—'}</td>
                    <td className={warningClass(c.warning)}>
                      {WARNING_WORDS[c.warning]}
                      {c.atRisk?.since ? <small title={atRiskWords(c.atRisk)}> · 预测风险</small> : null}
                    </td>
                    <td>{c.daysOverdue ? `${c.daysOverdue} 个工作日` : '—'}</td>
                    <td>{c.flags.map((f) => FLAG_WORDS[f]?.replace(/（.*）$/, '') ?? f).join('、') || '—'}</td>
                  </tr>
                ))}
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={11} className="sv-nodata">
                      没有符合条件的在办件
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
          <div className="sv-pager">
            <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
              上一页
            </button>
            <span>第 {cursors.length} 页</span>
            <button type="button" disabled={list.state !== 'ok' || list.data.nextCursor === null} onClick={() => list.state === 'ok' && setCursors((c) => [...c, list.data.nextCursor])}>
              下一页
            </button>
          </div>
        </section>
      </main>
    </div>
  );
}
