import type { SupervisionOverview, TodayCounts } from '@tongban/shared';

/** Today's counters of one district: its own figures as the totals, no other district's. */
export function todayOfDistrict(today: TodayCounts, districtCode: string): TodayCounts {
  const own = today.districts[districtCode] ?? {};
  return { day: today.day, totals: { ...own }, districts: { [districtCode]: { ...own } } };
}

/**
 * The supervision overview as a person or display confined to one district may see it: that district's
 * counts and cases only. Figures the engine keeps city-wide only are null, never the city's numbers.
 */
export function supervisionOfDistrict(s: SupervisionOverview, districtCode: string): SupervisionOverview {
  const own = s.byDistrict[districtCode] ?? { open: 0, yellow: 0, red: 0 };
  const dq = s.dataQuality.byDistrict[districtCode] ?? 0;
  return {
    counts: { ...own, stageOverdue: null, pauseOverdue: null, atRisk: null },
    // The district's own 办件所在层级 where the engine keeps them (none open: all four are 0, as they are).
    byLevel: s.levelsByDistrict ? (s.levelsByDistrict[districtCode] ?? { city: 0, district: 0, township: 0, village: 0 }) : null,
    levelsByDistrict: s.levelsByDistrict ? { [districtCode]: s.levelsByDistrict[districtCode] ?? { city: 0, district: 0, township: 0, village: 0 } } : null,
    byDistrict: { [districtCode]: own },
    redList: s.redList.filter((c) => c.districtCode === districtCode),
    dataQuality: { total: dq, byDistrict: { [districtCode]: dq } },
    stageOverdue: null,
    orders: null,
    ratingClocks: null,
  };
}

/** Any message carrying `today` and `supervision` (snapshot, stats, overview), confined to a district. */
export function ofDistrict<T extends { today?: TodayCounts; supervision: SupervisionOverview | null }>(m: T, districtCode: string | null): T {
  if (!districtCode) return m;
  return {
    ...m,
    ...(m.today ? { today: todayOfDistrict(m.today, districtCode) } : {}),
    supervision: m.supervision ? supervisionOfDistrict(m.supervision, districtCode) : null,
    ...('dataQuality' in m && m.supervision ? { dataQuality: supervisionOfDistrict(m.supervision, districtCode).dataQuality } : {}),
  };
}
