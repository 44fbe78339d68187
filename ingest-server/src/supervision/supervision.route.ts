import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertInScope } from '../auth/access.ts';
import type { StoredCaseEvent } from '../events/event-row.ts';
import type { AuditAction } from '../auth/audit.store.ts';
import { actorOf } from '../auth/principal.ts';
import { applicantOfEvents, isIsoDate, maskApplicant, maskFreeText, shanghaiDate, type CaseDetail, type CaseList, type CaseTrace } from '@tongban/shared';
import { AppError } from '../errors.ts';
import type { FeatureContext } from '../feature.ts';
import { BOTTLENECK_DIMENSIONS, bottlenecks, type BottleneckDimension } from './bottlenecks.query.ts';
import { projectedTail, tailCheck } from './stage-dwells.ts';
import type { ProjectedVisits } from './projected-visits.ts';
import type { CaseState } from './case-state.ts';
import { CASE_FILTER_PROPERTIES, caseFilterOf, rejectUnknownParams, type CaseListQuery } from './case-list-params.ts';
import type { DeadlineChange } from './deadline-history.store.ts';
import { isDataQuality } from './overdue-rule.ts';
import { traceCase } from './case-trace.ts';
import { orderView } from './order-clock.ts';
import type { OpenCaseIndex } from './open-case-index.ts';
import type { RatingClockView } from './rating-clocks/rating-clock.ts';
import type { SupervisionOrders } from './supervision-orders.store.ts';

interface Deps {
  ctx: FeatureContext;
  index: OpenCaseIndex;
  orders: SupervisionOrders;
  itemName: (code: string) => string;
  districtName: (code: string) => string;
  caseState: (caseId: string) => Promise<CaseState | undefined>;
  ratingClocks: (s: CaseState) => Promise<RatingClockView[]>;
  deadlineHistory: (caseId: string) => Promise<DeadlineChange[]>;
  /** The stage visits the case projector writes (ProjectedVisits), when it does: the 堵点's tail from them. */
  projected?: ProjectedVisits;
}

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...CASE_FILTER_PROPERTIES,
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    cursor: { type: 'string', maxLength: 200 },
  },
} as const;

/** The list's query: the filters shared with the export, and paging. */
type ListQuery = CaseListQuery & { limit: number; cursor?: string };

/** Reading and supervision endpoints of SPEC.md: cases, 督办, 倒查, 堵点, bad-rating follow-ups. */
export function supervisionRoutes(app: FastifyInstance, d: Deps) {
  /** A case the caller may see: another district's case is, for a district-confined caller, no case at all. */
  const load = async (req: FastifyRequest, caseId: string) => {
    const s = await d.caseState(caseId);
    if (!s) throw new AppError(404, 'not_found', `no case ${caseId}`);
    assertInScope(req, s.districtCode, `case ${caseId}`);
    return s;
  };
  const audit = (req: FastifyRequest, action: AuditAction, target: string) => d.ctx.audit.record({ ...actorOf(req.principal), action, target, outcome: 'success', ip: req.ip });

  app.get<{ Querystring: ListQuery }>('/api/v1/cases', { preValidation: rejectUnknownParams(Object.keys(listQuery.properties)), schema: { querystring: listQuery } }, async (req): Promise<CaseList> => {
    const { limit, cursor, ...query } = req.query;
    const now = d.ctx.now();
    const page = d.index.list(caseFilterOf(query, d.orders, now), now, limit, cursor, query.sort);
    return {
      cases: page.cases.map((c) => ({ ...c, itemName: d.itemName(c.itemCode), districtName: d.districtName(c.districtCode) })),
      nextCursor: page.nextCursor,
      total: page.total,
    };
  });

  app.get<{ Params: { caseId: string } }>('/api/v1/cases/:caseId', async (req): Promise<CaseDetail> => {
    const s = await load(req, req.params.caseId);
    await audit(req, 'case_read', s.caseId);
    const submitted = s.events.find((e) => e.type === 'submitted');
    const [ratingClocks, deadlineHistory, supervision] = await Promise.all([d.ratingClocks(s), d.deadlineHistory(s.caseId), d.orders.ofCase(s.caseId)]);
    const applicant = applicantOfEvents(s.events);
    let previous: number | undefined;
    return {
      caseId: s.caseId,
      itemCode: s.itemCode || null,
      itemName: s.itemName || null,
      districtCode: s.districtCode,
      districtName: d.districtName(s.districtCode),
      townshipCode: s.townshipCode || null,
      villageCode: s.villageCode || null,
      departmentCode: s.departmentCode || null,
      status: s.status,
      stage: s.stage,
      level: s.level,
      holder: s.holder || null,
      submittedAt: s.submittedAt,
      acceptedAt: s.acceptedAt,
      completedAt: s.completedAt,
      promisedLimitDays: s.promisedLimitDays,
      statutoryLimitDays: s.statutoryLimitDays,
      promisedDeadline: s.promised?.deadline ?? null,
      statutoryDeadline: s.statutory?.deadline ?? null,
      provisional: s.flags.includes('provisional_deadline'),
      pauses: s.pauses.map((p) => ({ from: p.from, to: p.to ?? null, kind: p.kind ?? null })),
      workingDaysUsed: s.workingDaysUsed,
      warning: s.warning,
      daysOverdue: s.daysOverdue,
      statutoryBreached: s.statutoryBreached,
      completedOnTime: s.completedOnTime,
      handlingMinutes: s.handlingMinutes,
      visits: s.visits,
      rating: s.rating,
      flags: s.flags,
      // Predicted lateness is judged for open cases only (the index's model); null for a closed case.
      atRisk: d.index.summary(s.caseId, d.ctx.now())?.atRisk ?? null,
      applicant: submitted?.applicant ? maskApplicant(submitted.applicant) : null,
      extension: s.extension,
      stageClock: s.stageClock,
      deadlineHistory,
      supervision: supervision.map((o) => orderView({ ...o, reason: maskFreeText(o.reason, { applicant }), resolution: maskFreeText(o.resolution, { applicant }) }, d.ctx.calendar.calendar, shanghaiDate(d.ctx.now()))),
      // The latest bad rating's clock (SPEC.md); every one of them when the case was rated badly more than once.
      ratingClock: ratingClocks.at(-1) ?? null,
      ratingClocks,
      timeline: s.events.map((e) => {
        const at = Date.parse(e.occurredAt);
        const minutesSincePrevious = previous === undefined ? null : Math.round((at - previous) / 60_000);
        previous = at;
        return { eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, level: e.level, actorId: e.actorId ?? null, departmentCode: e.departmentCode ?? null, source: (e as StoredCaseEvent).source ?? null, minutesSincePrevious };
      }),
    };
  });

  app.get<{ Params: { caseId: string } }>('/api/v1/cases/:caseId/trace', async (req): Promise<CaseTrace> => {
    const s = await load(req, req.params.caseId);
    return { caseId: s.caseId, ...traceCase(s.events, d.ctx.calendar.calendar, d.ctx.now(), isDataQuality(s.flags)) };
  });

  app.post<{ Params: { caseId: string }; Body: { reason: string; dueOn: string; issuer?: string } }>(
    '/api/v1/cases/:caseId/supervision',
    {

      schema: {
        body: {
          type: 'object',
          required: ['reason', 'dueOn'],
          additionalProperties: false,
          properties: { reason: { type: 'string', minLength: 1, maxLength: 500 }, dueOn: { type: 'string' }, issuer: { type: 'string', minLength: 1, maxLength: 64 } },
        },
      },
    },
    async (req, reply) => {
      const { reason, dueOn, issuer } = req.body;
      if (!isIsoDate(dueOn)) throw new AppError(400, 'invalid_request', 'dueOn must be a date YYYY-MM-DD (Asia/Shanghai)');
      if (dueOn < shanghaiDate(d.ctx.now())) throw new AppError(400, 'invalid_request', 'dueOn is in the past');
      const s = await load(req, req.params.caseId);
      const order = await d.orders.issue(req.params.caseId, { reason: maskFreeText(reason, { applicant: applicantOfEvents(s.events) }), dueOn, issuer: issuer ?? req.source }, d.ctx.now());
      await audit(req, 'supervision_issued', `${req.params.caseId} ${order.orderId} due ${dueOn}`);
      return reply.status(201).send(orderView(order, d.ctx.calendar.calendar, shanghaiDate(d.ctx.now())));
    },
  );

  app.post<{ Params: { caseId: string; orderId: string }; Body: { resolution: string } }>(
    '/api/v1/cases/:caseId/supervision/:orderId/resolve',
    {

      schema: { body: { type: 'object', required: ['resolution'], properties: { resolution: { type: 'string', minLength: 1, maxLength: 500 } } } },
    },
    async (req) => {
      const applicant = applicantOfEvents((await load(req, req.params.caseId)).events);
      const order = await d.orders.resolve(req.params.caseId, req.params.orderId, maskFreeText(req.body.resolution, { applicant }), d.ctx.now());
      if (!order) throw new AppError(404, 'not_found', `no supervision order ${req.params.orderId} on case ${req.params.caseId}`);
      await audit(req, 'supervision_resolved', `${req.params.caseId} ${req.params.orderId}`);
      return orderView(order, d.ctx.calendar.calendar, shanghaiDate(d.ctx.now()));
    },
  );

  // Embedded (not a bulk load, whose writer inserts past the store), every event is stored by this process's store.
  const { clickhouseUrl, scale } = d.ctx.config;
  const tailOf = tailCheck(clickhouseUrl || scale.bulkLoad ? undefined : () => d.ctx.store.insertGeneration(), d.projected && projectedTail(d.projected));
  app.get<{ Querystring: { from: string; to: string; by?: string; districtCode?: string; limit: number } }>(
    '/api/v1/bottlenecks',
    {
      schema: {
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          properties: {
            from: { type: 'string' },
            to: { type: 'string' },
            by: { type: 'string', default: 'stage,department' },
            districtCode: { type: 'string', maxLength: 32 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 20 },
          },
        },
      },
    },
    async (req) => {
      const { from, to, districtCode, limit } = req.query;
      if (!isIsoDate(from) || !isIsoDate(to) || to < from || from < '2000-01-01') throw new AppError(400, 'invalid_request', 'from and to must be dates YYYY-MM-DD from 2000 on with from ≤ to');
      const by = (req.query.by ?? 'stage,department').split(',').map((s) => s.trim());
      const bad = by.filter((b) => !(BOTTLENECK_DIMENSIONS as readonly string[]).includes(b));
      if (bad.length || !by.length) throw new AppError(400, 'invalid_request', `by takes ${BOTTLENECK_DIMENSIONS.join(', ')}; got ${bad.join(', ')}`);
      const rows = await bottlenecks(d.ctx.clickhouse, d.ctx.db, { from, to, by: by as BottleneckDimension[], districtCode, limit }, tailOf, Boolean(d.projected));
      // 环节超时 now: open cases past their current stage's own limit (list them with /api/v1/cases?flag=stage_overdue).
      const stageOverdue = d.index.counts(d.ctx.now()).stageOverdue;
      return { from, to, by, stageOverdue, rows: rows.map((r) => ({ ...r, ...(r.item !== undefined ? { itemName: d.itemName(r.item) } : {}), ...(r.district !== undefined ? { districtName: d.districtName(r.district) } : {}) })) };
    },
  );
}
