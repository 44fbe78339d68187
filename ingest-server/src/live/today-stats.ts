import { shanghaiDate, type CaseEvent, type EventType } from '@tongban/shared';

export type Counts = Partial<Record<EventType, number>>;

export interface TodaySnapshot {
  day: string;
  totals: Counts;
  districts: Record<string, Counts>;
}

/**
 * Today's counters (Asia/Shanghai day) by event type, city-wide and per district, kept in memory,
 * seeded from ClickHouse at start-up and updated as events are accepted. Events of other days are ignored.
 */
export class TodayStats {
  private day: string;
  private totals: Counts = {};
  private districts = new Map<string, Counts>();

  constructor(private readonly now: () => number = Date.now) {
    this.day = shanghaiDate(now());
  }

  add(e: Pick<CaseEvent, 'type' | 'districtCode' | 'occurredAt'>, count = 1): boolean {
    this.rollOver();
    if (shanghaiDate(e.occurredAt) !== this.day) return false;
    bump(this.totals, e.type, count);
    let d = this.districts.get(e.districtCode);
    if (!d) this.districts.set(e.districtCode, (d = {}));
    bump(d, e.type, count);
    return true;
  }

  get currentDay(): string {
    this.rollOver();
    return this.day;
  }

  snapshot(): TodaySnapshot {
    this.rollOver();
    return { day: this.day, totals: { ...this.totals }, districts: Object.fromEntries([...this.districts].map(([k, v]) => [k, { ...v }])) };
  }

  private rollOver(): void {
    const today = shanghaiDate(this.now());
    if (today !== this.day) {
      this.day = today;
      this.totals = {};
      this.districts.clear();
    }
  }
}

function bump(c: Counts, type: EventType, n: number): void {
  c[type] = (c[type] ?? 0) + n;
}
