import { memo, useMemo } from 'react';
import { LEVELS, WUDU_DIMENSIONS, districtName, districtShortName, type HourlyTrend, type Level } from '@tongban/shared';
import { EChart } from '../charts/EChart.tsx';
import { caseLevelOption } from '../charts/case-level-option.ts';
import { districtRankingOption, rankedRows } from '../charts/district-ranking-option.ts';
import { hourlyTrendOption } from '../charts/hourly-trend-option.ts';
import { wuduRadarOption } from '../charts/wudu-radar-option.ts';
import type { Remote } from '../data/remote.ts';
import type { Ranking, Wudu } from '../data/wall-api.ts';
import { EmptyState, Panel } from './Panel.tsx';

interface Size {
  width: number;
  height: number;
  pixelRatio: number;
}

const remoteNote = (r: Remote<unknown>, source: string) => (r.state === 'loading' ? '加载中' : r.state === 'error' ? `${source}：${r.reason}` : '暂无数据');

/** Open cases by the level holding them now (市/区县/乡镇/村), from the supervision engine. */
export const CaseLevelPanel = memo(function CaseLevelPanel(props: Size & { byLevel: Record<Level, number> | undefined; supervisionKnown?: boolean }) {
  const option = useMemo(() => props.byLevel && caseLevelOption(props.byLevel), [props.byLevel]);
  return (
    <Panel title="办件所在层级" className="case-levels" testId="case-levels">
      {option && props.byLevel ? (
        // The figures drawn, also as attributes: the canvas holds them as pixels only.
        <div className="case-level-chart" data-testid="case-level-chart" {...Object.fromEntries(LEVELS.map((l) => [`data-${l}`, props.byLevel![l]]))}>
          <EChart option={option} width={props.width} height={props.height} pixelRatio={props.pixelRatio} />
        </div>
      ) : (
        // The engine reported, without levels: it keeps them city-wide only, and this wall is one district's.
        <EmptyState note={props.supervisionKnown ? '层级分布仅有全市统计，区县屏不显示' : '等待实时数据'} />
      )}
    </Panel>
  );
});

/** 五度 of the city, and of the selected district beside it. */
export const WuduRadarPanel = memo(function WuduRadarPanel(props: Size & { city: Remote<Wudu>; district: Remote<Wudu>; districtCode: string | undefined }) {
  const { city, district, districtCode } = props;
  const option = useMemo(() => {
    // A series without any score is no data: not drawn (a radar of zeros would read as a failing city).
    const some = (w: Wudu) => WUDU_DIMENSIONS.some((k) => w.scores[k] !== null);
    const c = city.state === 'ok' && some(city.data) ? { name: '全市', scores: city.data.scores, total: city.data.total } : undefined;
    const d = district.state === 'ok' && districtCode && some(district.data) ? { name: districtName(districtCode), scores: district.data.scores, total: district.data.total } : undefined;
    return c || d ? wuduRadarOption(c, d) : undefined;
  }, [city, district, districtCode]);
  const period = city.state === 'ok' ? city.data.periodLabel : '';
  const index = city.state === 'ok' && city.data.index !== null ? ` · 指数 ${city.data.index.toFixed(2)}` : '';
  return (
    <Panel title="五度监察" className="wudu" testId="wudu" extra={<span className="muted">{districtCode ? `全市 / ${districtShortName(districtCode)}` : '全市'} {period}{index}</span>}>
      {option ? <EChart option={option} width={props.width} height={props.height} pixelRatio={props.pixelRatio} /> : <EmptyState note={city.state === 'ok' ? `${period}尚无五度数据` : remoteNote(city, '效能指标')} />}
    </Panel>
  );
});

/**
 * Districts by efficiency index (1.0 = on target) for the period it names (this month so far), with the
 * change in rank against the month before. Districts without activity in the period are unranked: left out
 * and counted apart (无数据), never shown as 0.
 */
export const DistrictRankingPanel = memo(function DistrictRankingPanel(props: Size & { ranking: Remote<Ranking>; selected: string | undefined }) {
  const { ranking, selected } = props;
  const rows = ranking.state === 'ok' ? ranking.data.rows : undefined;
  const ranked = rows ? rankedRows(rows).length : 0;
  const unranked = rows ? rows.length - ranked : 0;
  const option = useMemo(() => (rows && ranked > 0 ? districtRankingOption(rows, selected, districtShortName) : undefined), [rows, ranked, selected]);
  const period = ranking.state === 'ok' ? ranking.data.periodLabel : '';
  return (
    <Panel
      title="效能指数排名"
      className="ranking"
      testId="ranking"
      extra={
        ranking.state === 'ok' ? (
          <span className="muted" data-testid="ranking-period">
            {period}
            {ranked > 0 ? ` · 较上期 · 前10 · 共${ranked}` : ''}
            {unranked > 0 ? ` · ${unranked}个无数据` : ''}
          </span>
        ) : undefined
      }
    >
      {option ? (
        <EChart option={option} width={props.width} height={props.height} pixelRatio={props.pixelRatio} />
      ) : (
        <EmptyState note={ranking.state === 'ok' ? `${period}尚无有办件的区县` : remoteNote(ranking, '效能指标')} />
      )}
    </Panel>
  );
});

/** Today's submissions per hour against the same weekday last week. */
export const HourlyTrendPanel = memo(function HourlyTrendPanel(props: Size & { trend: Remote<HourlyTrend> }) {
  const { trend } = props;
  const option = useMemo(() => (trend.state === 'ok' ? hourlyTrendOption(trend.data) : undefined), [trend]);
  return (
    <Panel title="今日分时申办" className="trend" testId="hourly-trend">
      {option ? <EChart option={option} width={props.width} height={props.height} pixelRatio={props.pixelRatio} /> : <EmptyState note={remoteNote(trend, '分时统计')} />}
    </Panel>
  );
});
