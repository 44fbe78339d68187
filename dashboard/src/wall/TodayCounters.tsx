import { memo } from 'react';
import { AnimatedNumber } from './AnimatedNumber.tsx';
import { Panel } from './Panel.tsx';
import { formatCounter, type CounterTile } from './wall-format.ts';

/** Today's counters (Asia/Shanghai day), animated on change; a tile whose source is absent says so. */
export const TodayCounters = memo(function TodayCounters(props: { day: string | undefined; tiles: CounterTile[] }) {
  return (
    <Panel title="今日办件" className="counters" extra={<span className="muted">{props.day ?? ''}</span>} testId="today-counters">
      <div className="tiles">
        {props.tiles.map((t) => (
          <div className={`tile tone-${t.tone}`} key={t.key} data-testid={`counter-${t.key}`}>
            <div className="tile-value">{t.value === null ? '—' : <AnimatedNumber value={t.value} format={(v) => formatCounter(v, t.kind)} />}</div>
            <div className="tile-label">
              {t.label}
              {t.value === null && <small className="tile-absent">暂无数据</small>}
            </div>
          </div>
        ))}
      </div>
    </Panel>
  );
});
