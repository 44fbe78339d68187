import { useMemo } from 'react';
import type { AreaRow } from '@tongban/shared';
import { superviseHash } from '../data/page-links.ts';
import { DISTRICT_GEO } from '../map/district-geo.ts';
import { districtFill, mapShapes } from './mini-map.ts';

const W = 420;
const H = 380;

/** A small map of the districts coloured by red cases; a click (or Enter) opens the district's page. */
export function DistrictMiniMap(props: { rows: readonly AreaRow[]; selected: string | null }) {
  const shapes = useMemo(() => mapShapes(DISTRICT_GEO, W, H), []);
  const byCode = new Map(props.rows.map((r) => [r.code, r]));
  const maxRed = Math.max(0, ...props.rows.map((r) => r.red));
  const go = (code: string) => {
    window.location.hash = superviseHash(code);
  };
  return (
    <svg className="sv-map" viewBox={`0 0 ${W} ${H}`} role="group" aria-label="区县地图（点击下钻）" data-testid="mini-map">
      {shapes.map((s) => {
        const row = byCode.get(s.code);
        return (
          <path
            key={s.code}
            d={s.d}
            data-code={s.code}
            className={s.code === props.selected ? 'selected' : undefined}
            fill={districtFill(row, maxRed)}
            tabIndex={0}
            role="link"
            aria-label={`${s.name}：在办 ${row?.open ?? 0}，超期 ${row?.red ?? 0}`}
            onClick={() => go(s.code)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                go(s.code);
              }
            }}
          >
            <title>{`${s.name}：在办 ${row?.open ?? 0}，超期 ${row?.red ?? 0}`}</title>
          </path>
        );
      })}
    </svg>
  );
}
