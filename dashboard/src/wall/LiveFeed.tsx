import { CHANNEL_NAMES, EVENT_TYPE_NAMES } from '@tongban/shared';
import type { LiveEvent } from '../live/live-types.ts';
import { applicantLabel, formatShanghaiTime } from './wall-format.ts';

export function LiveFeed(props: { events: LiveEvent[] }) {
  return (
    <section className="panel feed" aria-label="实时办件">
      <h2>实时办件</h2>
      <ol data-testid="live-feed">
        {props.events.map((e) => (
          <li key={e.eventId} className={`feed-item type-${e.type}`} data-event-id={e.eventId}>
            <span className="feed-time">{formatShanghaiTime(e.occurredAt)}</span>
            <span className="feed-district">{e.districtName ?? e.districtCode}</span>
            <span className="feed-type">{EVENT_TYPE_NAMES[e.type]}</span>
            <span className="feed-item-code">{e.itemCode ?? e.caseId}</span>
            <span className="feed-channel">{e.channel ? CHANNEL_NAMES[e.channel] : ''}</span>
            <span className="feed-applicant">{applicantLabel(e.applicant)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
