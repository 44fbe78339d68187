import type { FastifyInstance } from 'fastify';
import { CalendarDataError } from '@tongban/shared';
import type { CalendarHolder } from '../calendar/calendar-holder.ts';
import { AppError } from '../errors.ts';
import { requireSource } from './auth.ts';

/** The working-day calendar in force; an admin uploads the next year's data (open deadlines are recomputed). */
export function calendarRoutes(app: FastifyInstance, deps: { calendar: CalendarHolder; adminTokens: Map<string, string> }) {
  app.get('/api/v1/calendar', async () => ({ source: deps.calendar.calendar.source, coveredYears: deps.calendar.coveredYears }));
  app.put('/api/v1/calendar', { preHandler: requireSource(deps.adminTokens) }, async (req) => {
    try {
      await deps.calendar.replace(req.body);
    } catch (e) {
      if (e instanceof CalendarDataError) throw new AppError(400, 'invalid_calendar', 'the calendar data is not valid', e.issues);
      throw e;
    }
    return { source: deps.calendar.calendar.source, coveredYears: deps.calendar.coveredYears };
  });
}
