import type { SupervisionOverview } from '@tongban/shared';

/** A supervision overview with nothing in it, for tests to override what they look at. */
export function overview(o: Partial<Omit<SupervisionOverview, 'counts'>> & { counts?: Partial<SupervisionOverview['counts']> } = {}): SupervisionOverview {
  return {
    byLevel: { city: 0, district: 0, township: 0, village: 0 },
    byDistrict: {},
    redList: [],
    dataQuality: { total: 0, byDistrict: {} },
    stageOverdue: { total: 0, byStage: {} },
    orders: { open: 0, overdue: 0 },
    ratingClocks: { active: 0 },
    levelsByDistrict: null,
    ...o,
    counts: { open: 0, yellow: 0, red: 0, stageOverdue: 0, pauseOverdue: 0, atRisk: null, ...o.counts },
  };
}
