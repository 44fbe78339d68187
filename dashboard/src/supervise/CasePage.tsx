import { useState } from 'react';
import { RATING_NAMES, STATUS_WORDS, WARNING_WORDS, atRiskWords, shanghaiDate, type CaseDetail, type CaseTrace } from '@tongban/shared';
import { superviseHash } from '../data/page-links.ts';
import { listHash } from './case-list-query.ts';
import { clockRows, duration, flagTexts, holdRows, levelName, stageName, timelineRows } from './case-view.ts';
import { OrdersPanel } from './OrdersPanel.tsx';
import { PageHeader, RemoteNote, type Crumb } from './PageHeader.tsx';
import { useCase, usePlaceNames, useSettings, useTrace } from './useSupervise.ts';
import { useLiveVersion } from './useSuperviseLive.ts';
import './supervise.css';

const time = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');
const FOLLOW_UP = { done: '已按时完成', due: '待办', breached: '已逾期' } as const;

function Clocks(props: { c: CaseDetail; today: string }) {
  return (
    <section className="sv-panel" aria-label="时限" data-testid="clocks">
      <h2>时限</h2>
      <table className="sv-table">
        <thead>
          <tr>
            <th>时钟</th>
            <th>时限（工作日）</th>
            <th>截止日期</th>
            <th>已用</th>
            <th>剩余</th>
          </tr>
        </thead>
        <tbody>
          {clockRows(props.c, props.today).map((r) => (
            <tr key={r.name} className={r.breached ? 'sv-red' : undefined}>
              <th scope="row">{r.name}</th>
              <td>{r.limitDays ?? '无数据'}</td>
              <td>{r.deadline ?? '无数据'}</td>
              <td>{r.used === null ? '无数据' : `${r.used} 个工作日`}</td>
              <td>{r.left === null ? '—' : r.left >= 0 ? `${r.left} 个工作日` : `已超 ${-r.left} 个工作日`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.c.provisional && <p className="sv-yellow">期限为暂定：该年度节假日安排尚未发布。</p>}
      {props.c.stageClock && (
        <p className={props.c.stageClock.overdue ? 'sv-red' : undefined}>
          环节时限：{stageName(props.c.stageClock.stage)} {props.c.stageClock.limitDays} 个工作日，截止 {props.c.stageClock.due ?? '暂停中'}
          {props.c.stageClock.overdue ? '（已超时）' : ''}
        </p>
      )}
      <h3>暂停与延期</h3>
      {props.c.pauses.length === 0 && !props.c.extension && <p className="sv-nodata">无暂停、无延期</p>}
      <ul>
        {props.c.pauses.map((p, i) => (
          <li key={i}>
            {p.kind === 'special' ? '特别程序' : '补正'}：{p.from} 至 {p.to ?? '（仍在暂停）'}
          </li>
        ))}
        {props.c.extension && (
          <li>
            延期 {props.c.extension.days} 个工作日，批准人 {props.c.extension.approvedBy ?? '（未记录）'}，{time(props.c.extension.at)}
            {props.c.extension.note ? `，理由：${props.c.extension.note}` : ''}
          </li>
        )}
      </ul>
      {props.c.deadlineHistory.length > 0 && (
        <>
          <h3>期限变更</h3>
          <ul>
            {props.c.deadlineHistory.map((h, i) => (
              <li key={i}>
                {time(h.at)} {h.clock === 'promised' ? '承诺' : '法定'}期限 {h.from ?? '无'} → {h.to ?? '无'}（{h.cause}）
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Trace(props: { trace: CaseTrace }) {
  const actors = holdRows(props.trace.byActor);
  const stages = holdRows(props.trace.byStage, stageName);
  const table = (title: string, rows: ReturnType<typeof holdRows>, testId: string) => (
    <table className="sv-table" data-testid={testId}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>{title === '按经办人' ? '经办人' : '环节'}</th>
          <th>工作日</th>
          <th>历时</th>
          <th>占比</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            <td>{r.workingDays}</td>
            <td>{duration(r.minutes)}</td>
            <td>{(r.share * 100).toFixed(0)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <section className="sv-panel" aria-label="倒查" data-testid="trace">
      <h2>倒查（持有时长，由长到短）</h2>
      <div className="sv-two">
        {table('按经办人', actors, 'trace-actors')}
        {table('按环节', stages, 'trace-stages')}
      </div>
    </section>
  );
}

/** The case page shown in a side panel (on the wall): a close button, and what the viewer may do. */
export interface CasePanelMode {
  onClose: () => void;
  /** A supervisor (signed in): 倒查 and the 督办 forms; a wall screen (display token) reads the case only. */
  canSupervise: boolean;
}

const notFoundText = (panel: boolean) => (panel ? '未找到该办件（编号不存在，或不在本屏辖区）' : '未找到该办件（编号不存在，或不在您的辖区）');

/**
 * One case (#/cases/<caseId>, or in the wall's side panel): what, where, both clocks, pauses, timeline, 倒查,
 * flags, rating clock, 督办 with its recorded escalation. It refreshes when a live message names the case
 * (it turns red, its 督办 escalates, its bad rating's follow-up is late).
 */
export function CasePage(props: { caseId: string; panel?: CasePanelMode }) {
  const panel = props.panel;
  const canSupervise = panel ? panel.canSupervise : true;
  const [version, setVersion] = useState(0);
  const [district, setDistrict] = useState<string | null>(null);
  const live = useLiveVersion(district, (m) => m.message.caseId === props.caseId);
  const detail = useCase(props.caseId, version + live);
  const trace = useTrace(props.caseId, version + live, canSupervise);
  const settings = useSettings(canSupervise);
  const c = detail.state === 'ok' ? detail.data : undefined;
  if (c && c.districtCode !== district) setDistrict(c.districtCode);
  const places = usePlaceNames(c ? [c.townshipCode, c.villageCode].filter((x): x is string => x !== null) : []);
  const names = places.state === 'ok' ? places.data.places : {};
  const today = shanghaiDate(Date.now());
  const crumbs: Crumb[] = [{ label: '全市', href: '#/supervise' }];
  if (c) {
    crumbs.push({ label: c.districtName, href: superviseHash(c.districtCode) });
    if (c.townshipCode) crumbs.push({ label: names[c.townshipCode] ?? c.townshipCode, href: superviseHash(c.districtCode, c.townshipCode) });
    crumbs.push({ label: '办件清单', href: listHash({ districtCode: c.districtCode, ...(c.townshipCode ? { townshipCode: c.townshipCode } : {}) }) });
  }
  crumbs.push({ label: props.caseId, href: null });
  return (
    <div className={panel ? 'sv-page sv-page-panel' : 'sv-page'} data-testid="case-page">
      {panel ? (
        <header className="sv-header sv-panel-header">
          <h1>办件 {props.caseId}</h1>
          <button type="button" className="sv-button" onClick={panel.onClose} data-testid="case-panel-close">
            关闭
          </button>
        </header>
      ) : (
        <PageHeader title={`办件 ${props.caseId}`} crumbs={crumbs} />
      )}
      <main className="sv-main">
        {detail.state === 'error' ? (
          <div className="sv-panel sv-notfound" data-testid="case-error">
            {detail.reason === '未找到'
              ? notFoundText(!!panel)
              : detail.reason === '无权查看'
                ? '此屏无权查看办件详情（显示屏的权限不含办件详情，请监察员登录后查看）'
                : `加载失败：${detail.reason}`}
          </div>
        ) : !c ? (
          <RemoteNote state="loading" />
        ) : (
          <>
            <section className="sv-panel sv-facts" aria-label="基本信息" data-testid="case-facts">
              <div>
                <span>事项</span>
                <b>{c.itemName ?? '无数据'}</b> {c.itemCode ?? ''}
              </div>
              <div>
                <span>地点</span>
                {c.districtName}
                {c.townshipCode ? ` · ${names[c.townshipCode] ?? c.townshipCode}` : ''}
                {c.villageCode ? ` · ${names[c.villageCode] ?? c.villageCode}` : ''}
              </div>
              <div>
                <span>所在层级</span>
                {levelName(c.level)}
              </div>
              <div>
                <span>状态</span>
                {STATUS_WORDS[c.status] ?? c.status} · {stageName(c.stage)} · 经办人 {c.holder ?? '（未记录）'}
              </div>
              <div>
                <span>预警</span>
                <b className={c.warning === 'red' ? 'sv-red' : c.warning === 'yellow' ? 'sv-yellow' : undefined} data-testid="case-warning">
                  {WARNING_WORDS[c.warning]}
                </b>
                {c.daysOverdue ? ` 超期 ${c.daysOverdue} 个工作日` : ''}
                {c.atRisk ? <span data-testid="case-at-risk"> · {atRiskWords(c.atRisk)}</span> : null}
              </div>
              <div>
                <span>申办 / 受理 / 办结</span>
                {time(c.submittedAt)} / {time(c.acceptedAt)} / {time(c.completedAt)}
              </div>
              <div>
                <span>申请人</span>
                {c.applicant ? `${c.applicant.name ?? ''} ${c.applicant.phone ?? ''}` : '—'}
              </div>
              {c.flags.length > 0 && (
                <div className="sv-flags">
                  <span>标记</span>
                  <ul>
                    {flagTexts(c.flags).map((f) => (
                      <li key={f.flag}>{f.text}</li>
                    ))}
                  </ul>
                </div>
              )}
            </section>
            <div className="sv-two">
              <Clocks c={c} today={today} />
              <OrdersPanel
                caseId={c.caseId}
                orders={c.supervision}
                today={today}
                changed={() => setVersion((v) => v + 1)}
                defaultDueDays={settings.state === 'ok' ? settings.data.defaultDueWorkingDays : null}
                readOnly={!canSupervise}
              />
            </div>
            <section className="sv-panel" aria-label="时间线" data-testid="timeline">
              <h2>时间线</h2>
              <table className="sv-table">
                <thead>
                  <tr>
                    <th>时间</th>
                    <th>环节</th>
                    <th>层级</th>
                    <th>经办人</th>
                    <th>部门</th>
                    <th>来源系统</th>
                    <th>距上一步</th>
                  </tr>
                </thead>
                <tbody>
                  {timelineRows(c).map((t) => (
                    <tr key={t.eventId}>
                      <td>{time(t.at)}</td>
                      <td>{t.stage}</td>
                      <td>{t.level}</td>
                      <td>{t.actor}</td>
                      <td>{t.department}</td>
                      <td>{t.source}</td>
                      <td>{t.sincePrevious}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            {!canSupervise ? (
              <section className="sv-panel" aria-label="倒查" data-testid="trace">
                <h2>倒查</h2>
                <p className="sv-nodata">此屏无权查看倒查（需监察员登录）</p>
              </section>
            ) : trace.state === 'ok' ? (
              <Trace trace={trace.data} />
            ) : (
              <RemoteNote state={trace.state === 'error' ? 'error' : 'loading'} reason={trace.state === 'error' ? trace.reason : undefined} />
            )}
            <section className="sv-panel" aria-label="好差评" data-testid="rating">
              <h2>好差评</h2>
              {c.rating === null && <p className="sv-nodata">尚未评价</p>}
              {c.rating !== null && <p>评价：{RATING_NAMES[c.rating] ?? c.rating}</p>}
              {c.ratingClocks.map((r) => (
                <p key={r.ratedAt} className={r.returnVisit === 'breached' || r.rectification === 'breached' ? 'sv-red' : undefined}>
                  {RATING_NAMES[r.rating]}（{time(r.ratedAt)}）：回访 {r.returnVisitDue} 前，{FOLLOW_UP[r.returnVisit]}；整改 {r.rectificationDue} 前，{FOLLOW_UP[r.rectification]}
                </p>
              ))}
            </section>
          </>
        )}
      </main>
    </div>
  );
}
