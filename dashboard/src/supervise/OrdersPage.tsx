import { useEffect, useMemo, useState } from 'react';
import { DISTRICTS } from '@tongban/shared';
import { caseHash } from '../data/page-links.ts';
import { escalationWords, ORDER_CLOCK_WORDS } from './case-view.ts';
import { orderQueryString, parseOrderQuery, type OrderFilters } from './order-list-query.ts';
import { PageHeader, RemoteNote } from './PageHeader.tsx';
import { useOrders } from './useSupervise.ts';
import { useLiveVersion } from './useSuperviseLive.ts';
import './supervise.css';

const time = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

/** The 督办 list (#/supervise/orders?…): every order with its clock and escalation, by district, issuer and clock. */
export function OrdersPage(props: { query: string }) {
  const filters = useMemo(() => parseOrderQuery(props.query), [props.query]);
  const query = orderQueryString(filters);
  // An order escalated (recorded and announced as `supervision:overdue`) shows without a reload.
  const live = useLiveVersion(filters.districtCode, (m) => m.name === 'supervision:overdue' && (!filters.districtCode || m.message.districtCode === filters.districtCode));
  const orders = useOrders(query, live);
  const [issuer, setIssuer] = useState(filters.issuer ?? '');
  useEffect(() => setIssuer(filters.issuer ?? ''), [filters.issuer]);
  const set = (f: OrderFilters) => {
    const q = orderQueryString(f);
    window.location.hash = q ? `#/supervise/orders?${q}` : '#/supervise/orders';
  };
  return (
    <div className="sv-page" data-testid="orders-page">
      <PageHeader title="督办清单" crumbs={[{ label: '全市', href: '#/supervise' }, { label: '督办清单', href: null }]} />
      <main className="sv-main">
        <section className="sv-filters" aria-label="筛选">
          <label>
            区县
            <select name="districtCode" value={filters.districtCode ?? ''} onChange={(e) => set({ ...filters, districtCode: e.target.value || undefined })}>
              <option value="">全部</option>
              {DISTRICTS.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            时钟
            <select name="status" value={filters.status ?? ''} onChange={(e) => set({ ...filters, status: (e.target.value || undefined) as OrderFilters['status'] })}>
              <option value="">全部</option>
              {Object.entries(ORDER_CLOCK_WORDS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label>
            下达人
            <input name="issuer" value={issuer} onChange={(e) => setIssuer(e.target.value)} onBlur={() => set({ ...filters, issuer: issuer.trim() || undefined })} onKeyDown={(e) => e.key === 'Enter' && set({ ...filters, issuer: issuer.trim() || undefined })} />
          </label>
        </section>
        <section className="sv-panel">
          {orders.state !== 'ok' ? (
            <RemoteNote state={orders.state} reason={orders.state === 'error' ? orders.reason : undefined} />
          ) : (
            <>
              <div className="sv-list-bar">共 {orders.data.total} 件督办</div>
              <table className="sv-table sv-case-table" data-testid="orders-table">
                <thead>
                  <tr>
                    <th>办件编号</th>
                    <th>区县</th>
                    <th>时钟</th>
                    <th>升级</th>
                    <th>期限</th>
                    <th>下达</th>
                    <th>事由</th>
                    <th>办结</th>
                  </tr>
                </thead>
                <tbody>
                  {orders.data.orders.map((o) => (
                    <tr key={o.orderId} data-order-id={o.orderId} data-clock={o.clock}>
                      <td>
                        <a href={caseHash(o.caseId)}>{o.caseId}</a>
                      </td>
                      <td>{o.districtName ?? '—'}</td>
                      <td className={o.clock === 'overdue' ? 'sv-red' : o.clock === 'due_soon' ? 'sv-yellow' : undefined}>{ORDER_CLOCK_WORDS[o.clock]}</td>
                      <td className={o.escalation.level === 'red_card' ? 'sv-red' : o.escalation.level === 'yellow_card' ? 'sv-yellow' : undefined}>{escalationWords(o.escalation) ?? '—'}</td>
                      <td>{o.dueOn}</td>
                      <td>
                        {o.issuer} {time(o.issuedAt)}
                      </td>
                      <td>{o.reason}</td>
                      <td>{o.status === 'resolved' ? `${o.resolution}（${time(o.resolvedAt)}）` : '—'}</td>
                    </tr>
                  ))}
                  {orders.data.orders.length === 0 && (
                    <tr>
                      <td colSpan={8} className="sv-nodata">
                        没有符合条件的督办
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </>
          )}
        </section>
      </main>
    </div>
  );
}
