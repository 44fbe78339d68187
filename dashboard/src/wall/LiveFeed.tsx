import { memo } from 'react';
import { CHANNEL_NAMES, districtShortName } from '@tongban/shared';
import type { FeedState } from '../live/feed-state.ts';
import { Panel } from './Panel.tsx';
import { applicantLabel, eventTypeName, formatShanghaiTime, placeLabel } from './wall-format.ts';

interface Props {
  feed: FeedState;
  itemNames: Record<string, string>;
  places: Record<string, string>;
  /** Opens a case (the detail overlay): every card and ticker row is a way in. */
  onOpen: (caseId: string) => void;
  /** A district screen shows its district's events only. */
  districtCode?: string;
}

const itemLabel = (code: string | undefined, names: Record<string, string>) => (code ? (names[code] ?? code) : '');

/**
 * New submissions pop up as cards (time, place down to the village, item, channel, masked applicant); at
 * higher rates they coalesce (+N on the card) and the ticker below carries every other event.
 */
export const LiveFeed = memo(function LiveFeed({ feed, itemNames, places, onOpen, districtCode }: Props) {
  const cards = districtCode ? feed.cards.filter((c) => c.event.districtCode === districtCode) : feed.cards;
  const ticker = districtCode ? feed.ticker.filter((e) => e.districtCode === districtCode) : feed.ticker;
  return (
    <Panel title="实时办件" className="feed" testId="live-feed-panel" extra={feed.coalesced > 0 ? <span className="muted">高峰合并显示 · 其余见滚动播报</span> : undefined}>
      <ol className="feed-cards" data-testid="live-feed">
        {cards.map(({ event: e, coalesced }) => (
          <li key={e.eventId} className="feed-card" data-event-id={e.eventId} data-case-id={e.caseId} role="button" onClick={() => onOpen(e.caseId)}>
            <div className="feed-card-top">
              <span className="feed-time">{formatShanghaiTime(e.occurredAt)}</span>
              <span className="feed-channel">{e.channel ? CHANNEL_NAMES[e.channel] : ''}</span>
              {coalesced > 0 && <span className="feed-coalesced">+{coalesced} 件</span>}
            </div>
            <div className="feed-place">{placeLabel(e, places)}</div>
            <div className="feed-item">{itemLabel(e.itemCode, itemNames)}</div>
            <div className="feed-applicant">申请人 {applicantLabel(e.applicant) || '—'}</div>
          </li>
        ))}
        {cards.length === 0 && <li className="feed-waiting">等待新的申办…</li>}
      </ol>
      <ol className="ticker" data-testid="ticker" aria-label="滚动播报">
        {ticker.map((e) => (
          <li key={e.eventId} data-event-id={e.eventId} data-case-id={e.caseId} role="button" className={`ticker-row type-${e.type}`} onClick={() => onOpen(e.caseId)}>
            <span className="feed-time">{formatShanghaiTime(e.occurredAt)}</span>
            <span className="ticker-district">{districtShortName(e.districtCode)}</span>
            <span className="ticker-type">{eventTypeName(e.type)}</span>
            <span className="ticker-item">{itemLabel(e.itemCode, itemNames) || e.caseId}</span>
          </li>
        ))}
      </ol>
    </Panel>
  );
});
