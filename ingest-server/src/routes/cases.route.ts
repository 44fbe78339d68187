import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import type { EventStore } from '../events/event-store.ts';
import { toLiveEvent } from '../live/live-event.ts';

/** A case's stored timeline (applicant masked). The supervision engine adds state, clocks and warnings. */
export function casesRoute(app: FastifyInstance, deps: { store: EventStore }) {
  app.get<{ Params: { caseId: string } }>('/api/v1/cases/:caseId', async (req) => {
    const events = await deps.store.caseEvents(req.params.caseId);
    if (!events.length) throw new AppError(404, 'not_found', `no case ${req.params.caseId}`);
    let previous: number | undefined;
    const timeline = events.map((e) => {
      const at = Date.parse(e.occurredAt);
      const minutesSincePrevious = previous === undefined ? null : Math.round((at - previous) / 60_000);
      previous = at;
      const { eventId, type, occurredAt, level, actorId } = toLiveEvent(e);
      return { eventId, type, occurredAt, level, actorId: actorId ?? null, minutesSincePrevious };
    });
    const first = toLiveEvent(events[0]!);
    const submitted = events.find((e) => e.type === 'submitted');
    return {
      caseId: req.params.caseId,
      itemCode: submitted?.itemCode ?? first.itemCode ?? null,
      districtCode: first.districtCode,
      applicant: submitted?.applicant ? toLiveEvent(submitted).applicant : null,
      timeline,
    };
  });
}
