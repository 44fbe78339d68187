import { useCallback, useEffect, useMemo, useState } from 'react';
import { districtName, type DisplayConfig } from '@tongban/shared';
import { useCityWudu, useDisplayConfig, useDistrictRanking, useDistrictTownships, useDistrictWudu, useHourlyTrend, useItemNames, usePlaceNames, useTodayRates } from '../data/wall-hooks.ts';
import type { MeasureKey, MeasureSources } from '../map/heat-measures.ts';
import { AlarmPanel } from '../kiosk/AlarmPanel.tsx';
import { acknowledge, alarmsAfterOverdue, alarmsAfterWarnings, initialAlarms, type AlarmState } from '../kiosk/alarms.ts';
import { useKiosk, useRotation } from '../kiosk/useKiosk.ts';
import { CaseSidePanel } from './CaseSidePanel.tsx';
import { superviseHash } from '../data/page-links.ts';
import { useCanSupervise } from './useCanSupervise.ts';
import { CaseLevelPanel, DistrictRankingPanel, HourlyTrendPanel, WuduRadarPanel } from './ChartPanels.tsx';
import { DistrictMapPanel } from './DistrictMapPanel.tsx';
import { HallVideoPanel } from './HallVideoPanel.tsx';
import { LiveFeed } from './LiveFeed.tsx';
import { RedFlagList } from './RedFlagList.tsx';
import { RatingsScreen, SupervisionFigures, useBadRatings } from './ScreenPanels.tsx';
import { Panel } from './Panel.tsx';
import { TodayCounters } from './TodayCounters.tsx';
import { TownshipPanel } from './TownshipPanel.tsx';
import { WallHeader } from './WallHeader.tsx';
import { todayCounterTiles } from './wall-format.ts';
import { useWallScale } from './useWallScale.ts';
import { ReplayBar } from '../replay/ReplayBar.tsx';
import { useWallFeed } from '../replay/useWallFeed.ts';

const NO_NAMES: Record<string, string> = {};
/** The township panel's drawing width on a district screen (the map gives it up), and its frame. */
const TOWNSHIP_WIDTH = 380;
const PANEL_FRAME = 22;
const SCREEN_TITLES = { city: '全市', ratings: '好差评', supervision: '督办', halls: '大厅实况' } as const;

function screenTitle(config: DisplayConfig | undefined, index: number): string | undefined {
  const s = config?.screens[index];
  if (!s || (config.screens.length === 1 && s.kind === 'city')) return undefined;
  return s.kind === 'district' ? districtName(s.districtCode ?? '') : SCREEN_TITLES[s.kind];
}

/**
 * The wall screen: a design canvas of the screen's own ratio (1080 design pixels high on landscape
 * screens), scaled uniformly. It shows the screens of its display's configuration in rotation (全市, one
 * district, 好差评, 督办, 大厅实况), raises alarms for cases of its scope turned red and 督办 past due, and keeps itself alive as a kiosk
 * (daily reload, watchdog). Data comes from hooks; every panel takes its data as props.
 */
export function WallPage() {
  // Live, or a replay of a past instant (`/?at=…`): the same panels either way.
  const { live, subscribeArrivals, subscribeWarnings, subscribeOverdue, lastMessageAt, replay } = useWallFeed();
  const { layout, pixelRatio } = useWallScale();
  const display = useDisplayConfig();
  const config = display.state === 'ok' ? display.data : undefined;
  useKiosk(config, lastMessageAt);
  const screenIndex = useRotation(config);
  const screen = config?.screens[screenIndex];
  const screenDistrict = screen?.kind === 'district' ? (screen.districtCode ?? undefined) : undefined;

  const [measure, setMeasure] = useState<MeasureKey>('today');
  const [picked, setPicked] = useState<string>();
  const selected = screenDistrict ?? picked;
  const [openCase, setOpenCase] = useState<string>();
  const closeCase = useCallback(() => setOpenCase(undefined), []);
  // A supervisor's click on a district opens its workspace page; a wall screen selects it (its figures card).
  const canSupervise = useCanSupervise();
  const onDistrict = useCallback((code: string | undefined) => (code && canSupervise ? (window.location.hash = superviseHash(code)) : setPicked(code)), [canSupervise]);

  const [alarms, setAlarms] = useState<AlarmState>(initialAlarms);
  const alarmConfig = config?.alarms;
  const scope = config?.districtCode ?? null;
  useEffect(() => {
    if (!alarmConfig) return;
    return subscribeWarnings((warnings) => setAlarms((s) => alarmsAfterWarnings(s, warnings, scope, alarmConfig, performance.now(), Date.now())));
  }, [subscribeWarnings, alarmConfig, scope]);
  useEffect(() => {
    if (!alarmConfig) return;
    return subscribeOverdue((orders) => setAlarms((s) => alarmsAfterOverdue(s, orders, scope, alarmConfig, performance.now(), Date.now())));
  }, [subscribeOverdue, alarmConfig, scope]);
  const onAcknowledge = useCallback((key?: string) => setAlarms((s) => acknowledge(s, key)), []);

  // A replay shows the metrics of its month (the month's figures, not as of the replayed instant).
  const ranking = useDistrictRanking(replay?.atMs);
  const cityWudu = useCityWudu(replay?.atMs);
  const districtWudu = useDistrictWudu(selected, replay?.atMs);
  const liveTrend = useHourlyTrend();
  const liveRates = useTodayRates();
  const trend = replay ? replay.trend : liveTrend;
  const rates = replay ? replay.rates : liveRates;
  const items = useItemNames();
  const itemNames = items.state === 'ok' ? items.data : NO_NAMES;
  const placeCodes = live.feed.cards.flatMap(({ event: e }) => [e.townshipCode, e.villageCode]).filter((c): c is string => !!c);
  const places = usePlaceNames(placeCodes);
  const badRatings = useBadRatings(subscribeArrivals);

  const rankingRows = ranking.state === 'ok' ? ranking.data.rows : undefined;
  const sources: MeasureSources = useMemo(() => ({ today: live.today, supervision: live.supervision, ranking: rankingRows }), [live.today, live.supervision, rankingRows]);
  const rateData = rates.state === 'ok' ? rates.data : undefined;
  const tiles = useMemo(() => todayCounterTiles(live.today, live.supervision, rateData), [live.today, live.supervision, rateData]);
  const redFlags = useMemo(() => (screenDistrict ? live.redFlags.filter((f) => f.districtCode === screenDistrict) : live.redFlags), [live.redFlags, screenDistrict]);

  // A district screen: its townships as tiles beside the map (live figures only; a replay does not fetch them).
  const townships = useDistrictTownships(replay ? undefined : screenDistrict);
  const onTownship = useCallback((code: string) => (window.location.hash = superviseHash(screenDistrict ?? null, code)), [screenDistrict]);

  const kind = screen?.kind ?? 'city';
  const feedPanel = <LiveFeed feed={live.feed} itemNames={itemNames} places={places} onOpen={setOpenCase} districtCode={screenDistrict} />;
  const mapWidth = screenDistrict ? layout.mapWidth - TOWNSHIP_WIDTH - PANEL_FRAME - 12 : layout.mapWidth;
  const districtMap = (
    <DistrictMapPanel
      width={mapWidth}
      height={layout.mapHeight}
      pixelRatio={pixelRatio}
      focus={screenDistrict}
      sources={sources}
      measure={measure}
      onMeasure={setMeasure}
      selected={selected}
      onSelect={onDistrict}
      opensWorkspace={canSupervise}
      subscribeArrivals={subscribeArrivals}
    />
  );
  const mapPanel = screenDistrict ? (
    <div className="district-row">
      {districtMap}
      <TownshipPanel townships={townships} replaying={!!replay} width={TOWNSHIP_WIDTH} height={layout.mapHeight} onTownship={canSupervise ? onTownship : undefined} />
    </div>
  ) : (
    districtMap
  );

  return (
    <div className="wall-viewport">
      <div
        className={`wall${layout.wide ? ' wall-wide' : ''}`}
        data-testid="wall"
        data-screen={kind}
        style={{ width: layout.width, height: layout.height, transform: `translate(-50%, -50%) scale(${layout.scale})` }}
      >
        <WallHeader
          connection={live.connection}
          attempt={live.attempt}
          lastEventAt={live.feed.lastEventAt}
          simulated={live.simulated}
          rate={live.feed.rate}
          screenTitle={screenTitle(config, screenIndex)}
          replayAt={replay?.atMs}
        />
        {kind === 'ratings' ? (
          <main className="wall-body screen-body">
            <RatingsScreen rates={rates} supervision={live.supervision} bad={badRatings} itemNames={itemNames} onOpen={setOpenCase} />
          </main>
        ) : kind === 'halls' ? (
          <main className="wall-body screen-body">
            <div className="screen-grid halls-grid" data-testid="screen-halls">
              <HallVideoPanel halls={config?.halls ?? []} seconds={config?.hallSeconds ?? 30} />
              <RedFlagList flags={redFlags} counts={live.supervision?.counts} onOpen={setOpenCase} />
            </div>
          </main>
        ) : kind === 'supervision' ? (
          <main className="wall-body screen-body">
            <div className="screen-grid" data-testid="screen-supervision">
              <Panel title="督办与超期" className="screen-figures" testId="supervision-panel">
                <SupervisionFigures supervision={live.supervision} />
              </Panel>
              <RedFlagList flags={redFlags} counts={live.supervision?.counts} onOpen={setOpenCase} />
            </div>
          </main>
        ) : (
          <main className="wall-body">
            <div className="wall-column left">
              <TodayCounters day={live.today?.day} tiles={tiles} />
              <CaseLevelPanel byLevel={live.supervision?.byLevel ?? undefined} supervisionKnown={!!live.supervision} width={440} height={190} pixelRatio={pixelRatio} />
              <HourlyTrendPanel trend={trend} width={440} height={420 + (layout.height - 1080)} pixelRatio={pixelRatio} />
            </div>
            {layout.wide ? (
              <div className="wall-column center wide">
                {mapPanel}
                {feedPanel}
              </div>
            ) : (
              <div className="wall-column center">
                {mapPanel}
                {feedPanel}
              </div>
            )}
            <div className="wall-column right">
              <RedFlagList flags={redFlags} counts={live.supervision?.counts} onOpen={setOpenCase} />
              <WuduRadarPanel city={cityWudu} district={districtWudu} districtCode={selected} width={440} height={228} pixelRatio={pixelRatio} />
              <DistrictRankingPanel ranking={ranking} selected={selected} width={440} height={214 + (layout.height - 1080)} pixelRatio={pixelRatio} />
            </div>
          </main>
        )}
        <ReplayBar replay={replay} />
        <AlarmPanel state={alarms} volume={alarmConfig?.volume ?? 0} onAcknowledge={onAcknowledge} onOpen={setOpenCase} />
      </div>
      {openCase && <CaseSidePanel caseId={openCase} canSupervise={canSupervise} onClose={closeCase} scale={layout.scale} />}
    </div>
  );
}
