import { memo, useMemo } from 'react';
import type { AreaOverview } from '@tongban/shared';
import type { Remote } from '../data/remote.ts';
import { EmptyState, Panel } from './Panel.tsx';
import { tileGrid, townshipTiles } from './township-tiles.ts';

const LEGEND_HEIGHT = 40;
const n = (v: number) => v.toLocaleString('zh-CN');

interface Props {
  townships: Remote<AreaOverview>;
  /** A replaying wall: the townships' counts are the live engine's, not the replayed instant's. */
  replaying: boolean;
  width: number;
  height: number;
  /** A click on a township (a signed-in supervisor: its workspace page); none on a display. */
  onTownship?: ((code: string) => void) | undefined;
}

/**
 * 乡镇（街道）: the district screen's townships as a schematic grid (no township boundaries exist in the
 * reference data, so no map is drawn for them), each tile coloured by its overdue cases on the map's palette.
 */
export const TownshipPanel = memo(function TownshipPanel(props: Props) {
  const { townships } = props;
  const data = townships.state === 'ok' ? townships.data : undefined;
  const tiles = useMemo(() => data && townshipTiles(data), [data]);
  const grid = useMemo(() => tiles && tileGrid(tiles.tiles.length, props.width, props.height - LEGEND_HEIGHT), [tiles, props.width, props.height]);
  const note = props.replaying
    ? '乡镇分布为实时数据，回放时不显示'
    : townships.state === 'loading'
      ? '加载中'
      : townships.state === 'error'
        ? `监察引擎：${townships.reason}`
        : '该区县尚无乡镇（街道）资料';
  return (
    <Panel
      title="乡镇（街道）"
      className="townships"
      testId="townships"
      extra={data && !props.replaying ? <span className="muted">在办 {n(data.totals.open)} · 超期 {n(data.totals.red)}</span> : undefined}
    >
      <div style={{ width: props.width, height: props.height }} className="township-stage">
        {!props.replaying && tiles && grid && tiles.tiles.length > 0 ? (
          <>
            <ol className="township-grid" style={{ gridTemplateColumns: `repeat(${grid.columns}, ${grid.tileWidth}px)`, gridAutoRows: `${grid.tileHeight}px`, fontSize: grid.fontSize }}>
              {tiles.tiles.map((t) => {
                const opens = props.onTownship && t.code !== null ? props.onTownship : undefined;
                return (
                  <li
                    key={t.code ?? 'none'}
                    className={`township-tile${t.red > 0 ? ' has-red' : t.yellow > 0 ? ' has-yellow' : ''}${opens ? ' opens' : ''}`}
                    style={{ background: t.color }}
                    data-township-code={t.code ?? ''}
                    title={`${t.name}：在办 ${t.open}，预警 ${t.yellow}，超期 ${t.red}`}
                    {...(opens ? { role: 'button', onClick: () => opens(t.code!) } : {})}
                  >
                    <span className="township-name">{t.name}</span>
                    <span className="township-figures">
                      <span className="t-open">{n(t.open)}</span>
                      <span className="t-yellow">{n(t.yellow)}</span>
                      <span className="t-red">{n(t.red)}</span>
                    </span>
                  </li>
                );
              })}
            </ol>
            <div className="township-legend" data-testid="township-legend">
              <span className="legend-bar" style={{ background: tiles.gradient }} />
              <span className="legend-ticks">
                <span>超期 {n(tiles.domain[0])}</span>
                <span>数字：在办 · 预警 · 超期</span>
                <span>{n(tiles.domain[1])}</span>
              </span>
              <span className="township-source">按乡镇（街道）· 示意，非地理边界</span>
            </div>
          </>
        ) : (
          <EmptyState note={note} />
        )}
      </div>
    </Panel>
  );
});
