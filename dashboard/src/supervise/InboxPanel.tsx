import type { SuperviseInbox } from '@tongban/shared';
import { caseHash } from '../data/page-links.ts';
import { listHash } from './case-list-query.ts';

const KIND_WORDS = { returnVisit: '回访', rectification: '整改' } as const;

/** Today's 日扫描: what a supervisor deals with first. Each group's count opens its whole list where one exists. */
export function InboxPanel(props: { inbox: SuperviseInbox; districtCode: string | null }) {
  const { inbox } = props;
  const scope = props.districtCode ? { districtCode: props.districtCode } : {};
  return (
    <section className="sv-inbox" aria-label="日扫描" data-testid="inbox">
      <h2>日扫描 · {inbox.day}</h2>
      <div className="sv-inbox-groups">
        <div className="sv-inbox-group">
          <h3>
            <a href={listHash({ ...scope, redSince: inbox.newRed.since })}>
              昨日以来新增超期 <b className="sv-red">{inbox.newRed.count}</b>
            </a>
          </h3>
          <ul>
            {inbox.newRed.cases.slice(0, 5).map((c) => (
              <li key={c.caseId}>
                <a href={caseHash(c.caseId)}>{c.caseId}</a> {c.districtName} · {c.itemName || c.itemCode} · 超期 {c.daysOverdue} 个工作日
              </li>
            ))}
          </ul>
        </div>
        <div className="sv-inbox-group">
          <h3>
            <a href={listHash({ ...scope, supervision: 'overdue' })}>
              督办今日到期或已超期 <b className={inbox.ordersDue.orders.some((o) => o.clock === 'overdue') ? 'sv-red' : 'sv-yellow'}>{inbox.ordersDue.count}</b>
            </a>
          </h3>
          <ul>
            {inbox.ordersDue.orders.slice(0, 5).map((o) => (
              <li key={o.orderId}>
                <a href={caseHash(o.caseId)}>{o.caseId}</a> {o.districtName ?? ''} · {o.clock === 'overdue' ? '已超期' : '今日到期'}（{o.dueOn}）
              </li>
            ))}
          </ul>
        </div>
        <div className="sv-inbox-group">
          <h3>
            差评回访/整改到期 <b className={inbox.ratingsDue.ratings.some((r) => r.overdue) ? 'sv-red' : 'sv-yellow'}>{inbox.ratingsDue.count}</b>
          </h3>
          <ul>
            {inbox.ratingsDue.ratings.slice(0, 5).map((r) => (
              <li key={`${r.caseId}-${r.ratedAt}-${r.kind}`}>
                <a href={caseHash(r.caseId)}>{r.caseId}</a> {r.districtName} · {KIND_WORDS[r.kind]}
                {r.overdue ? '已逾期' : '今日到期'}（{r.due}）
              </li>
            ))}
          </ul>
        </div>
        <div className="sv-inbox-group">
          <h3>
            <a href={listHash({ ...scope, flag: 'pause_overdue' })}>
              补正暂停过久 <b className="sv-yellow">{inbox.pausedTooLong.count}</b>
            </a>
          </h3>
          <ul>
            {inbox.pausedTooLong.cases.slice(0, 5).map((c) => (
              <li key={c.caseId}>
                <a href={caseHash(c.caseId)}>{c.caseId}</a> {c.districtName} · {c.itemName || c.itemCode}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
