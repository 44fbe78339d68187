import { memo, useEffect, useState } from 'react';
import type { Connection } from '../live/live-state.ts';
import { arrivalsPerSecond, type RateMeter } from '../live/feed-state.ts';
import { formatShanghaiClock, formatShanghaiTime, formatShanghaiWeekday } from './wall-format.ts';

const CONNECTION_LABEL: Record<Connection, string> = { connecting: '连接中', live: '实时', reconnecting: '重连中' };

/** Title, the simulated-data notice, arrival rate, connection state, time of the last event, and the clock. */
export const WallHeader = memo(function WallHeader(props: {
  connection: Connection;
  attempt: number;
  lastEventAt: string | undefined;
  simulated: boolean;
  rate: RateMeter;
  /** What this screen shows (全市, 永川区, 好差评, 督办), when the display rotates or is pinned. */
  screenTitle: string | undefined;
  /** While replaying: the replayed instant, shown by the clock, and 回放 instead of the connection. */
  replayAt?: number | undefined;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const perSecond = arrivalsPerSecond(props.rate, performance.now());
  return (
    <header className="wall-header">
      <div className="wall-title">
        <h1>全渝通办 · 效能监察指挥中心</h1>
        {props.screenTitle && (
          <span className="screen-title" data-testid="screen-title">
            {props.screenTitle}
          </span>
        )}
        {props.simulated && (
          <span className="simulated" data-testid="simulated">
            演示数据（模拟）
          </span>
        )}
      </div>
      <div className="wall-status">
        <span className="status-item">
          事件 <b>{perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)}</b> 条/秒
        </span>
        <span className="status-item">
          最新事件 <b data-testid="last-event">{props.lastEventAt ? formatShanghaiTime(props.lastEventAt) : '—'}</b>
        </span>
        {props.replayAt === undefined ? (
          <span className={`connection connection-${props.connection}`} data-testid="connection">
            <i className="dot" />
            {CONNECTION_LABEL[props.connection]}
            {props.connection === 'reconnecting' && props.attempt > 0 ? ` · 第${props.attempt}次` : ''}
          </span>
        ) : (
          <span className="connection connection-replay" data-testid="connection">
            回放
          </span>
        )}
        <span className="clock" data-testid="clock">
          {formatShanghaiClock(props.replayAt ?? now)} {formatShanghaiWeekday(props.replayAt ?? now)}
        </span>
      </div>
    </header>
  );
});
