import type { Applicant, EventType } from '@tongban/shared';
import type { TodayCounts } from '../live/live-types.ts';

const SHANGHAI = 8 * 3600_000;

/** HH:mm:ss of an instant in Asia/Shanghai, whatever the browser's time zone. */
export function formatShanghaiTime(iso: string): string {
  return new Date(Date.parse(iso) + SHANGHAI).toISOString().slice(11, 19);
}

export function formatShanghaiClock(ms: number): string {
  const s = new Date(ms + SHANGHAI).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 19)}`;
}

const TILES: Array<{ key: EventType; label: string }> = [
  { key: 'submitted', label: '申办' },
  { key: 'accepted', label: '受理' },
  { key: 'completed', label: '办结' },
  { key: 'rated', label: '评价' },
];

export function todayCounterTiles(today: TodayCounts | undefined): Array<{ key: string; label: string; value: number }> {
  return TILES.map((t) => ({ ...t, value: today?.totals[t.key] ?? 0 }));
}

/** The applicant as the wall shows it: already masked by the server; enterprises by name. */
export function applicantLabel(a: Applicant | undefined): string {
  if (!a) return '';
  return a.name ?? (a.type === 'enterprise' ? '企业' : '个人');
}
