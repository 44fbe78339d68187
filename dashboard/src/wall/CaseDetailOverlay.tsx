import { useEffect } from 'react';
import { districtName, type CaseDetail } from '@tongban/shared';
import { caseHash } from '../data/page-links.ts';
import { useCaseDetail } from '../data/wall-hooks.ts';
import { EmptyState } from './Panel.tsx';
import { applicantLabel, eventTypeName, formatShanghaiClock, levelName } from './wall-format.ts';

/** An unattended wall returns to its overview by itself. */
const AUTO_CLOSE_MS = 60_000;

const minutes = (m: number | null) => (m === null ? '' : m < 60 ? `${m} 分钟` : m < 1440 ? `${(m / 60).toFixed(1)} 小时` : `${(m / 1440).toFixed(1)} 天`);
const applicantOf = (a: CaseDetail['applicant']) =>
  a ? applicantLabel({ type: a.type === 'enterprise' ? 'enterprise' : 'person', name: a.name, phone: a.phone }) : '—';
const at = (iso: string | null) => (iso ? formatShanghaiClock(Date.parse(iso)).slice(5, 16) : '—');

/** One case drilled into from the red list: its state, deadlines and timeline (who held it, how long). */
export function CaseDetailOverlay(props: { caseId: string; onClose: () => void }) {
  const detail = useCaseDetail(props.caseId);
  const { onClose } = props;
  useEffect(() => {
    const t = setTimeout(onClose, AUTO_CLOSE_MS);
    return () => clearTimeout(t);
  }, [props.caseId, onClose]);
  return (
    <div className="overlay" role="dialog" aria-label={`办件 ${props.caseId}`} data-testid="case-detail" onClick={onClose}>
      <div className="overlay-card" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>办件 {props.caseId}</h2>
          <a className="overlay-link" href={caseHash(props.caseId)}>
            详情与督办
          </a>
          <button onClick={onClose}>关闭</button>
        </header>
        {detail.state !== 'ok' ? (
          <EmptyState note={detail.state === 'loading' ? '加载中' : detail.reason} />
        ) : (
          <>
            <dl className="case-facts">
              <div>
                <dt>事项</dt>
                <dd>{detail.data.itemName ?? detail.data.itemCode ?? '—'}</dd>
              </div>
              <div>
                <dt>区县</dt>
                <dd>{districtName(detail.data.districtCode)}</dd>
              </div>
              <div>
                <dt>环节 / 层级</dt>
                <dd>
                  {detail.data.stage ? eventTypeName(detail.data.stage) : '—'} / {levelName(detail.data.level)}
                </dd>
              </div>
              <div>
                <dt>承诺 / 法定时限</dt>
                <dd>
                  {detail.data.promisedDeadline ?? '—'} / {detail.data.statutoryDeadline ?? '—'}
                </dd>
              </div>
              <div>
                <dt>已用工作日</dt>
                <dd>{detail.data.workingDaysUsed ?? '—'}</dd>
              </div>
              <div>
                <dt>申请人</dt>
                <dd>{applicantOf(detail.data.applicant)}</dd>
              </div>
            </dl>
            <ol className="timeline">
              {detail.data.timeline.map((t) => (
                <li key={t.eventId}>
                  <span className="timeline-at">{at(t.occurredAt)}</span>
                  <span className="timeline-type">{eventTypeName(t.type)}</span>
                  <span>{levelName(t.level)}</span>
                  <span>{t.actorId ?? ''}</span>
                  <span className="muted">{t.minutesSincePrevious === null ? '' : `+${minutes(t.minutesSincePrevious)}`}</span>
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}
