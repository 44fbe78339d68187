import type { FastifyInstance } from 'fastify';
import { CalendarDataError } from '@tongban/shared';
import type { CalendarHolder } from '../calendar/calendar-holder.ts';
import type { AuditLog } from '../auth/audit.store.ts';
import { actorOf } from '../auth/principal.ts';
import { AppError } from '../errors.ts';

/** The working-day calendar in force; an admin uploads the next year's data (open deadlines are recomputed). */
export function calendarRoutes(app: FastifyInstance, deps: { calendar: CalendarHolder; audit: AuditLog }) {
  app.get('/api/v1/calendar', async () => ({ source: deps.calendar.calendar.source, coveredYears: deps.calendar.coveredYears }));
  app.put('/api/v1/calendar', async (req) => {
    try {
      await deps.calendar.replace(req.body);
    } catch (e) {
      if (e instanceof CalendarDataError) throw new AppError(400, 'invalid_calendar', 'the calendar data is not valid', e.issues);
      throw e;
    }
    await deps.audit.record({ ...actorOf(req.principal), action: 'calendar_changed', target: deps.calendar.calendar.source, outcome: 'success', ip: req.ip });
    return { source: deps.calendar.calendar.source, coveredYears: deps.calendar.coveredYears };
  });
}
