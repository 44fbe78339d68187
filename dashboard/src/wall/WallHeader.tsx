import { useEffect, useState } from 'react';
import type { Connection } from '../live/feed-state.ts';
import { formatShanghaiClock, formatShanghaiTime } from './wall-format.ts';

const CONNECTION_LABEL: Record<Connection, string> = { connecting: '连接中', live: '实时', reconnecting: '重连中' };

export function WallHeader(props: { connection: Connection; lastEventAt: string | undefined; simulated: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return (
    <header className="wall-header">
      <h1>全渝通办 · 效能监察指挥中心</h1>
      {props.simulated && <span className="simulated">演示数据（模拟）</span>}
      <div className="wall-status">
        <span className={`connection connection-${props.connection}`} data-testid="connection">
          {CONNECTION_LABEL[props.connection]}
        </span>
        <span>最新事件 {props.lastEventAt ? formatShanghaiTime(props.lastEventAt) : '—'}</span>
        <span className="clock">{formatShanghaiClock(now)}</span>
      </div>
    </header>
  );
}
