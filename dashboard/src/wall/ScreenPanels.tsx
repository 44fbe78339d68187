import { memo, useEffect, useState } from 'react';
import { districtShortName, type LiveEvent, type SupervisionOverview, type TodayRates } from '@tongban/shared';
import type { SubscribeArrivals } from '../live/arrival-bus.ts';
import type { Remote } from '../data/remote.ts';
import { EmptyState, Panel } from './Panel.tsx';
import { formatShanghaiTime } from './wall-format.ts';

const RATING_NAMES: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
const BAD_KEPT = 30;

/** Bad ratings (1–2) as they arrive, newest first, kept for the 好差评 screen. */
export function useBadRatings(subscribe: SubscribeArrivals): LiveEvent[] {
  const [bad, setBad] = useState<LiveEvent[]>([]);
  useEffect(
    () =>
      subscribe((events) => {
        const fresh = events.filter((e) => e.type === 'rated' && (e.rating ?? 5) <= 2);
        if (fresh.length) setBad((prev) => [...fresh.reverse(), ...prev].slice(0, BAD_KEPT));
      }),
    [subscribe],
  );
  return bad;
}

const percent = (n: number, d: number) => `${((n / d) * 100).toFixed(1)}%`;

/** 好差评 screen: today's good-rating rate, the bad-rating clocks waiting, bad ratings as they come. */
export const RatingsScreen = memo(function RatingsScreen(props: { rates: Remote<TodayRates>; supervision: SupervisionOverview | undefined; bad: LiveEvent[]; itemNames: Record<string, string>; onOpen: (caseId: string) => void }) {
  const good = props.rates.state === 'ok' ? props.rates.data.goodRating : null;
  return (
    <div className="screen-grid" data-testid="screen-ratings">
      <Panel title="今日好差评" className="screen-figures" testId="ratings-today">
        <div className="big-figures">
          <div>
            <span>好评率</span>
            <b>{good ? percent(good.good, good.rated) : '暂无数据'}</b>
          </div>
          <div>
            <span>今日评价</span>
            <b>{good ? good.rated.toLocaleString('zh-CN') : '暂无数据'}</b>
          </div>
          <div>
            <span>差评待回访/整改</span>
            <b>{props.supervision?.ratingClocks ? props.supervision.ratingClocks.active.toLocaleString('zh-CN') : '无数据'}</b>
          </div>
        </div>
        <p className="muted">差评须 1 个工作日内回访、15 个工作日内整改（GB/T 39734-2020）</p>
      </Panel>
      <Panel title="实时差评" className="screen-list" testId="bad-ratings">
        {props.bad.length ? (
          <ol className="screen-rows">
            {props.bad.map((e) => (
              <li key={e.eventId} data-case-id={e.caseId} role="button" onClick={() => props.onOpen(e.caseId)}>
                <span className="feed-time">{formatShanghaiTime(e.occurredAt)}</span>
                <span>{districtShortName(e.districtCode)}</span>
                <span className="bad">{RATING_NAMES[e.rating ?? 1]}</span>
                <span>{(e.itemCode && props.itemNames[e.itemCode]) ?? e.caseId}</span>
              </li>
            ))}
          </ol>
        ) : (
          <EmptyState note="本屏打开以来尚无差评" />
        )}
      </Panel>
    </div>
  );
});

/** 督办 screen: orders open and past due, overdue and stage-overdue counts (the red list sits beside it). */
export const SupervisionFigures = memo(function SupervisionFigures({ supervision }: { supervision: SupervisionOverview | undefined }) {
  if (!supervision) return <EmptyState note="等待实时数据" />;
  // Null where the engine keeps the figure city-wide only and this wall is one district's: 无数据, not 0.
  const f = (n: number | null | undefined) => (n === null || n === undefined ? '无数据' : n.toLocaleString('zh-CN'));
  return (
    <div className="big-figures" data-testid="supervision-figures">
      <div>
        <span>督办在办</span>
        <b>{f(supervision.orders?.open)}</b>
      </div>
      <div className={supervision.orders?.overdue ? 'alert' : undefined}>
        <span>督办逾期</span>
        <b>{f(supervision.orders?.overdue)}</b>
      </div>
      <div>
        <span>超期办件</span>
        <b>{f(supervision.counts.red)}</b>
      </div>
      <div>
        <span>环节超时</span>
        <b>{f(supervision.stageOverdue?.total)}</b>
      </div>
    </div>
  );
});
