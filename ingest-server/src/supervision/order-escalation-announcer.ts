import type { FeatureContext } from '../feature.ts';
import type { OpenCaseIndex } from './open-case-index.ts';
import { escalationMessage, type Escalation } from './order-escalations.ts';
import { placesOfCases } from './supervise.query.ts';
import type { SupervisionOrder } from './supervision-orders.store.ts';

/**
 * Announces a recorded 黄牌/红牌 step as `supervision:overdue`, to the city-wide feed and the room of its case's
 * district (the open-case index, else `case_state` by primary key for a closed case).
 */
export function escalationAnnouncer(ctx: FeatureContext, index: OpenCaseIndex, districtName: (code: string) => string, log: FeatureContext['logger']) {
  return (order: SupervisionOrder, step: Escalation): void =>
    void placesOfCases(ctx.clickhouse, ctx.db, index, [order.caseId]).then(
      (places) => {
        const code = places.get(order.caseId)?.districtCode || null;
        ctx.live.emit('supervision:overdue', escalationMessage(order, step, code ? { code, name: districtName(code) } : null), code ?? undefined);
        ctx.live.statsChanged();
      },
      (err: unknown) => log.warn({ err }, 'announcing a 督办 escalation failed'),
    );
}
