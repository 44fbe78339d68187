import { useLiveFeed } from '../live/useLiveFeed.ts';
import { LiveFeed } from './LiveFeed.tsx';
import { TodayCounters } from './TodayCounters.tsx';
import { WallHeader } from './WallHeader.tsx';

/** The wall screen (designed at 1920×1080). Data comes from hooks; panels take it as props. */
export function WallPage() {
  const live = useLiveFeed();
  return (
    <div className="wall">
      <WallHeader connection={live.connection} lastEventAt={live.lastEventAt} simulated={live.simulated} />
      <main className="wall-body">
        <TodayCounters today={live.today} />
        <LiveFeed events={live.feed} />
      </main>
    </div>
  );
}
