import committedCalendar from '../data/holidays.json' with { type: 'json' };
import { createWorkingCalendar, loadCalendarData, type CalendarData, type WorkingCalendar } from './working-calendar.ts';

// Kept apart from working-calendar.ts so that the generator (scripts/build-holidays.ts) can validate a new
// file even when the committed one is missing or broken.

/** The calendar data committed with this release (see `source` and `coveredYears`). */
export const defaultCalendarData: CalendarData = loadCalendarData(committedCalendar);

/** The calendar over the committed data. The server builds its own when HOLIDAYS_FILE names a newer file. */
export const defaultWorkingCalendar: WorkingCalendar = createWorkingCalendar(defaultCalendarData);
