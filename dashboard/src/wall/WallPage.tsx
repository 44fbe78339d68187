import { useCallback, useMemo, useState } from 'react';
import { useLiveFeed } from '../live/useLiveFeed.ts';
import { useCityWudu, useDistrictRanking, useDistrictWudu, useHourlyTrend, useItemNames, usePlaceNames, useTodayRates } from '../data/wall-hooks.ts';
import type { MeasureKey, MeasureSources } from '../map/heat-measures.ts';
import { CaseDetailOverlay } from './CaseDetailOverlay.tsx';
import { CaseLevelPanel, DistrictRankingPanel, HourlyTrendPanel, WuduRadarPanel } from './ChartPanels.tsx';
import { DistrictMapPanel } from './DistrictMapPanel.tsx';
import { LiveFeed } from './LiveFeed.tsx';
import { RedFlagList } from './RedFlagList.tsx';
import { TodayCounters } from './TodayCounters.tsx';
import { WallHeader } from './WallHeader.tsx';
import { DESIGN_HEIGHT, DESIGN_WIDTH, todayCounterTiles } from './wall-format.ts';
import { useWallScale } from './useWallScale.ts';

const NO_NAMES: Record<string, string> = {};

/**
 * The wall screen, designed at 1920×1080 and scaled as a whole to the screen. Data comes from hooks (the
 * live socket, and polled HTTP for metrics, trend and names); every panel takes its data as props.
 */
export function WallPage() {
  const { live, subscribeArrivals } = useLiveFeed();
  const { scale, pixelRatio } = useWallScale();
  const [measure, setMeasure] = useState<MeasureKey>('today');
  const [selected, setSelected] = useState<string>();
  const [openCase, setOpenCase] = useState<string>();
  const closeCase = useCallback(() => setOpenCase(undefined), []);

  const ranking = useDistrictRanking();
  const cityWudu = useCityWudu();
  const districtWudu = useDistrictWudu(selected);
  const trend = useHourlyTrend();
  const rates = useTodayRates();
  const items = useItemNames();
  const itemNames = items.state === 'ok' ? items.data : NO_NAMES;
  const placeCodes = live.feed.cards.flatMap(({ event: e }) => [e.townshipCode, e.villageCode]).filter((c): c is string => !!c);
  const places = usePlaceNames(placeCodes);

  const rankingRows = ranking.state === 'ok' ? ranking.data : undefined;
  const sources: MeasureSources = useMemo(() => ({ today: live.today, supervision: live.supervision, ranking: rankingRows }), [live.today, live.supervision, rankingRows]);
  const rateData = rates.state === 'ok' ? rates.data : undefined;
  const tiles = useMemo(() => todayCounterTiles(live.today, live.supervision, rateData), [live.today, live.supervision, rateData]);

  return (
    <div className="wall-viewport">
      <div
        className="wall"
        data-testid="wall"
        style={{ width: DESIGN_WIDTH, height: DESIGN_HEIGHT, transform: `translate(-50%, -50%) scale(${scale})` }}
      >
        <WallHeader connection={live.connection} lastEventAt={live.feed.lastEventAt} simulated={live.simulated} rate={live.feed.rate} />
        <main className="wall-body">
          <div className="wall-column left">
            <TodayCounters day={live.today?.day} tiles={tiles} />
            <CaseLevelPanel byLevel={live.supervision?.byLevel ?? undefined} width={440} height={190} pixelRatio={pixelRatio} />
            <HourlyTrendPanel trend={trend} width={440} height={420} pixelRatio={pixelRatio} />
          </div>
          <div className="wall-column center">
            <DistrictMapPanel
              width={914}
              height={580}
              pixelRatio={pixelRatio}
              sources={sources}
              measure={measure}
              onMeasure={setMeasure}
              selected={selected}
              onSelect={setSelected}
              subscribeArrivals={subscribeArrivals}
            />
            <LiveFeed feed={live.feed} itemNames={itemNames} places={places} />
          </div>
          <div className="wall-column right">
            <RedFlagList flags={live.redFlags} counts={live.supervision?.counts} onOpen={setOpenCase} />
            <WuduRadarPanel city={cityWudu} district={districtWudu} districtCode={selected} width={440} height={228} pixelRatio={pixelRatio} />
            <DistrictRankingPanel ranking={ranking} selected={selected} width={440} height={214} pixelRatio={pixelRatio} />
          </div>
        </main>
        {openCase && <CaseDetailOverlay caseId={openCase} onClose={closeCase} />}
      </div>
    </div>
  );
}
