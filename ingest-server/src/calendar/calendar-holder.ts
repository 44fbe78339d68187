import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createWorkingCalendar, defaultCalendarData, loadCalendarData, type CalendarData, type WorkingCalendar } from '@tongban/shared';

/**
 * The working-day calendar in force. Starts from HOLIDAYS_FILE, else the last update saved in DATA_DIR,
 * else the bundled data; an admin can replace it at run time (when the State Council publishes next
 * year's notice) and listeners recompute what depends on it.
 */
export class CalendarHolder {
  private current: CalendarData;
  private cal: WorkingCalendar;
  private listeners: Array<(cal: WorkingCalendar) => void> = [];
  private readonly savedFile: string;

  constructor(dataDir: string, holidaysFile: string | undefined) {
    this.savedFile = path.join(dataDir, 'holidays.json');
    const file = holidaysFile ?? (existsSync(this.savedFile) ? this.savedFile : undefined);
    this.current = file ? loadCalendarData(JSON.parse(readFileSync(file, 'utf8'))) : defaultCalendarData;
    this.cal = createWorkingCalendar(this.current);
  }

  get calendar(): WorkingCalendar {
    return this.cal;
  }

  /** The calendar data in force (what `replace` installed, to hand to another node). */
  get data(): CalendarData {
    return this.current;
  }

  get coveredYears(): CalendarData['coveredYears'] {
    return this.current.coveredYears;
  }

  /** Validates and installs new calendar data (throws CalendarDataError listing every problem). */
  async replace(json: unknown): Promise<void> {
    const data = loadCalendarData(json);
    await writeFile(this.savedFile, JSON.stringify(data));
    this.current = data;
    this.cal = createWorkingCalendar(data);
    for (const l of this.listeners) l(this.cal);
  }

  onChange(listener: (cal: WorkingCalendar) => void): void {
    this.listeners.push(listener);
  }
}
