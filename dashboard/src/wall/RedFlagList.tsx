import { memo, useEffect, useState } from 'react';
import type { WarningCounts } from '@tongban/shared';
import type { RedFlag } from '../live/red-flags.ts';
import { EmptyState, Panel } from './Panel.tsx';
import { SCROLL_START, nextScroll, settleScroll } from './step-scroll.ts';
import { eventTypeName, levelName } from './wall-format.ts';

/** Rows that fit without scrolling; beyond this the list scrolls by itself. */
const VISIBLE_ROWS = 8;
const ROW_HEIGHT = 42;
const STEP_MS = 3000;
const GLIDE_MS = 600;

function Row({ f, onOpen }: { f: RedFlag; onOpen: (caseId: string) => void }) {
  return (
    <li className={`flag flag-${f.warning}`} data-case-id={f.caseId} onClick={() => onOpen(f.caseId)}>
      <span className="flag-badge">{f.warning === 'red' ? `超期${f.daysOverdue}天` : '预警'}</span>
      <span className="flag-district">{f.districtName}</span>
      <span className="flag-item" title={f.itemName}>
        {f.itemName}
      </span>
      <span className="flag-stage">{eventTypeName(f.stage)}</span>
      <span className="flag-level">{levelName(f.level)}</span>
      <span className="flag-holder">{f.holder ?? '—'}</span>
    </li>
  );
}

/**
 * Overdue (red) then warned (yellow) cases by days overdue, each with district, item, stage, level and
 * holder. A long list steps up one row every few seconds (step-scroll.ts); a click opens the case.
 */
export const RedFlagList = memo(function RedFlagList(props: { flags: RedFlag[]; counts: WarningCounts | undefined; onOpen: (caseId: string) => void }) {
  const { flags } = props;
  const scrolling = flags.length > VISIBLE_ROWS;
  const [scroll, setScroll] = useState(SCROLL_START);
  const count = scrolling ? flags.length : 0;
  useEffect(() => {
    if (!count) {
      setScroll(SCROLL_START);
      return;
    }
    let settle: ReturnType<typeof setTimeout> | undefined;
    const step = setInterval(() => {
      setScroll((s) => nextScroll(s, count));
      clearTimeout(settle);
      settle = setTimeout(() => setScroll((s) => settleScroll(s, count)), GLIDE_MS + 50);
    }, STEP_MS);
    return () => {
      clearInterval(step);
      clearTimeout(settle);
    };
  }, [count]);
  return (
    <Panel
      title="超期标红"
      className="red-flags"
      testId="red-flags"
      extra={props.counts ? <span className="muted">超期 {props.counts.red.toLocaleString('zh-CN')} · 预警 {props.counts.yellow.toLocaleString('zh-CN')}</span> : undefined}
    >
      {!props.counts ? (
        <EmptyState note="等待实时数据" />
      ) : flags.length === 0 ? (
        <div className="all-clear">当前无超期、预警办件</div>
      ) : (
        <div className="flag-window">
          <div className="flag-head">
            <span>状态</span>
            <span>区县</span>
            <span>事项</span>
            <span>环节</span>
            <span>层级</span>
            <span>经办人</span>
          </div>
          <div className="flag-viewport">
            <div
              className="flag-scroll"
              style={{ transform: `translateY(${-scroll.offset * ROW_HEIGHT}px)`, transition: scroll.glide ? `transform ${GLIDE_MS}ms ease-in-out` : 'none' }}
            >
              <ol className="flag-list" data-testid="red-flag-list">
                {flags.map((f) => (
                  <Row key={f.caseId} f={f} onOpen={props.onOpen} />
                ))}
              </ol>
              {scrolling && (
                <ol className="flag-list" aria-hidden="true">
                  {flags.map((f) => (
                    <Row key={f.caseId} f={f} onOpen={props.onOpen} />
                  ))}
                </ol>
              )}
            </div>
          </div>
        </div>
      )}
    </Panel>
  );
});
