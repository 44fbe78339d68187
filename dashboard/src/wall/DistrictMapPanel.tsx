import { memo, useMemo, useState } from 'react';
import { districtShortName } from '@tongban/shared';
import { superviseHash } from '../data/page-links.ts';
import type { SubscribeArrivals } from '../live/arrival-bus.ts';
import { DISTRICT_GEO } from '../map/district-geo.ts';
import { districtFigures } from '../map/district-figures.ts';
import { DistrictHeatMap, type MapHover } from '../map/DistrictHeatMap.tsx';
import { MEASURES, MEASURE_ORDER, heatColoring, type MeasureKey, type MeasureSources } from '../map/heat-measures.ts';
import { Panel } from './Panel.tsx';

const CODES = DISTRICT_GEO.features.map((f) => f.properties.adcode);

interface Props {
  width: number;
  height: number;
  pixelRatio: number;
  sources: MeasureSources;
  measure: MeasureKey;
  onMeasure: (m: MeasureKey) => void;
  selected: string | undefined;
  /** A district screen's district: the map is zoomed to it. */
  focus?: string | undefined;
  onSelect: (code: string | undefined) => void;
  subscribeArrivals: SubscribeArrivals;
  /** A click on a district opens its workspace page (a signed-in supervisor) rather than selecting it. */
  opensWorkspace?: boolean;
}

function Legend({ measure, coloring }: { measure: MeasureKey; coloring: ReturnType<typeof heatColoring> }) {
  const m = MEASURES[measure];
  if (!coloring.available || !coloring.scale) {
    return (
      <div className="map-legend" data-testid="map-legend">
        <span className="legend-title">{m.label}</span>
        <span className="legend-empty">暂无数据（{m.source}）</span>
      </div>
    );
  }
  const [lo, hi] = coloring.scale.domain;
  return (
    <div className="map-legend" data-testid="map-legend">
      <span className="legend-title">{m.label}</span>
      <span className="legend-bar" style={{ background: coloring.scale.gradient }} />
      <span className="legend-ticks">
        <span>{m.format(lo)}</span>
        {measure === 'index' && <span>1.00 达标</span>}
        <span>{m.format(hi)}</span>
      </span>
    </div>
  );
}

function FiguresCard({ code, sources, className, style }: { code: string; sources: MeasureSources; className: string; style?: React.CSSProperties }) {
  const { name, figures } = districtFigures(code, sources);
  return (
    <div className={className} style={style} data-testid={className}>
      <div className="figures-name">{name}</div>
      {figures.length === 0 ? (
        <div className="muted">暂无数据</div>
      ) : (
        <dl>
          {figures.map((f) => (
            <div key={f.label}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** 行政效能监管热力图: the map with its measure switch, legend, hover figures and the selected district. */
export const DistrictMapPanel = memo(function DistrictMapPanel(props: Props) {
  const [hover, setHover] = useState<MapHover>();
  const { sources, measure } = props;
  const coloring = useMemo(() => heatColoring(measure, CODES, sources), [measure, sources]);
  return (
    <Panel
      title="行政效能监管热力图"
      className="map-panel"
      testId="map-panel"
      extra={
        <div className="measure-switch" role="tablist">
          {MEASURE_ORDER.map((k) => (
            <button key={k} role="tab" aria-selected={k === measure} className={k === measure ? 'active' : ''} onClick={() => props.onMeasure(k)}>
              {MEASURES[k].label}
            </button>
          ))}
        </div>
      }
    >
      <div className="map-stage" style={{ width: props.width, height: props.height }}>
        <DistrictHeatMap
          width={props.width}
          height={props.height}
          pixelRatio={props.pixelRatio}
          coloring={coloring}
          selected={props.selected}
          focus={props.focus}
          onSelect={props.onSelect}
          onHover={setHover}
          subscribeArrivals={props.subscribeArrivals}
        />
        <Legend measure={measure} coloring={coloring} />
        {props.selected && (
          <div className="map-selected">
            <FiguresCard code={props.selected} sources={sources} className="district-figures" />
            <a className="clear-selection supervise-link" href={superviseHash(props.selected)}>
              督办工作台
            </a>
            <button className="clear-selection" onClick={() => props.onSelect(undefined)}>
              返回全市
            </button>
          </div>
        )}
        {hover && hover.code !== props.selected && (
          <FiguresCard
            code={hover.code}
            sources={sources}
            className="map-tooltip"
            style={{ left: Math.min(hover.x + 14, props.width - 220), top: Math.min(hover.y + 14, props.height - 220) }}
          />
        )}
        <div className="map-hint">{props.selected ? `已选 ${districtShortName(props.selected)} · 点击地图空白处返回全市` : props.opensWorkspace ? '点击区县进入督办工作台' : '点击区县查看五度与排名'}</div>
      </div>
    </Panel>
  );
});
