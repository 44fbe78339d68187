import { useState } from 'react';
import type { SupervisionOrder } from '@tongban/shared';
import { defaultDueOn, escalationWords, ORDER_CLOCK_WORDS } from './case-view.ts';
import { issueOrder, resolveOrder, type Posted } from './supervise-api.ts';

/** One open order's resolve form. */
function ResolveForm(props: { caseId: string; orderId: string; done: () => void }) {
  const [note, setNote] = useState('');
  const [state, setState] = useState<Posted | 'sending' | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setState('sending');
    const r = await resolveOrder(props.caseId, props.orderId, note.trim());
    setState(r);
    if (r.ok) props.done();
  };
  return (
    <form className="sv-form sv-resolve" onSubmit={(e) => void submit(e)} aria-label="办结督办">
      <label>
        办结说明
        <input name="resolution" value={note} onChange={(e) => setNote(e.target.value)} required maxLength={500} size={40} />
      </label>
      <button type="submit" disabled={state === 'sending' || !note.trim()}>
        办结督办
      </button>
      {state && state !== 'sending' && !state.ok && <span className="sv-error">{state.reason}</span>}
    </form>
  );
}

/**
 * Every 督办 order of the case with its own clock and recorded escalation; for a supervisor, the form to issue
 * one (due date defaulting to the configured working days) and to resolve each open one. `readOnly` (a wall
 * screen) shows the orders only.
 */
export function OrdersPanel(props: { caseId: string; orders: SupervisionOrder[]; today: string; changed: () => void; defaultDueDays: number | null; readOnly?: boolean }) {
  const [reason, setReason] = useState('');
  // Untouched (null), the due date is the configured default, once the settings are read.
  const [picked, setDueOn] = useState<string | null>(null);
  const dueOn = picked ?? (props.defaultDueDays === null ? '' : defaultDueOn(props.today, props.defaultDueDays));
  const [state, setState] = useState<Posted | 'sending' | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setState('sending');
    const r = await issueOrder(props.caseId, reason.trim(), dueOn);
    setState(r);
    if (r.ok) {
      setReason('');
      props.changed();
    }
  };
  return (
    <section className="sv-panel" aria-label="督办" data-testid="orders">
      <h2>督办</h2>
      {props.orders.length === 0 && <p className="sv-nodata">尚无督办</p>}
      <ul className="sv-orders">
        {props.orders.map((o) => {
          const clock = o.clock;
          const escalation = escalationWords(o.escalation);
          return (
            <li key={o.orderId} data-order-id={o.orderId} data-clock={clock} className={`sv-order sv-order-${clock}`}>
              <div>
                <b>{ORDER_CLOCK_WORDS[clock]}</b>
                {escalation && <b className={o.escalation.level === 'red_card' ? 'sv-red' : 'sv-yellow'}> · {escalation}</b>} · 期限 {o.dueOn} · {o.issuer} 于{' '}
                {o.issuedAt.slice(0, 16).replace('T', ' ')} 下达
              </div>
              <div className="sv-order-reason">事由：{o.reason}</div>
              {o.status === 'resolved' ? (
                <div>
                  办结：{o.resolution}（{o.resolvedAt?.slice(0, 16).replace('T', ' ')}）
                </div>
              ) : props.readOnly ? null : (
                <ResolveForm caseId={props.caseId} orderId={o.orderId} done={props.changed} />
              )}
            </li>
          );
        })}
      </ul>
      {!props.readOnly && (
      <form className="sv-form" onSubmit={(e) => void submit(e)} aria-label="下达督办">
        <label>
          督办事由
          <textarea name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} rows={2} cols={48} />
        </label>
        <label>
          办理期限
          <input type="date" name="dueOn" value={dueOn} min={props.today} onChange={(e) => setDueOn(e.target.value)} required />
        </label>
        <button type="submit" disabled={state === 'sending' || !reason.trim() || !dueOn}>
          下达督办
        </button>
        {state && state !== 'sending' && (state.ok ? <span className="sv-ok">已下达</span> : <span className="sv-error">{state.reason}</span>)}
      </form>
      )}
    </section>
  );
}
