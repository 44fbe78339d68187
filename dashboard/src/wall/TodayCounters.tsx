import type { TodayCounts } from '../live/live-types.ts';
import { todayCounterTiles } from './wall-format.ts';

export function TodayCounters(props: { today: TodayCounts | undefined }) {
  return (
    <section className="panel counters" aria-label="今日办件">
      <h2>今日办件 {props.today?.day ?? ''}</h2>
      <div className="tiles">
        {todayCounterTiles(props.today).map((t) => (
          <div className="tile" key={t.key} data-testid={`counter-${t.key}`}>
            <div className="tile-value">{t.value.toLocaleString('zh-CN')}</div>
            <div className="tile-label">{t.label}</div>
          </div>
        ))}
      </div>
    </section>
  );
}
