import type { FastifyInstance } from 'fastify';
import { isIsoDate, maskApplicant, shanghaiDate } from '@tongban/shared';
import { AppError } from '../errors.ts';
import type { FeatureContext } from '../feature.ts';
import { requireSource } from '../routes/auth.ts';
import { BOTTLENECK_DIMENSIONS, bottlenecks, type BottleneckDimension } from './bottlenecks.query.ts';
import type { CaseState } from './case-state.ts';
import { traceCase } from './case-trace.ts';
import type { CaseFilter, OpenCaseIndex } from './open-case-index.ts';
import type { RatingClockStatus } from './rating-clocks.ts';
import type { SupervisionOrders } from './supervision-orders.ts';

interface Deps {
  ctx: FeatureContext;
  index: OpenCaseIndex;
  orders: SupervisionOrders;
  itemName: (code: string) => string;
  districtName: (code: string) => string;
  caseState: (caseId: string) => Promise<CaseState | undefined>;
  ratingClock: (caseId: string) => RatingClockStatus | undefined;
  addFollowUp: (caseId: string, kind: 'return_visit' | 'rectified', at: string, by: string, note: string) => Promise<void>;
}

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    warning: { type: 'string', enum: ['none', 'yellow', 'red', 'any'] },
    districtCode: { type: 'string', maxLength: 32 },
    townshipCode: { type: 'string', maxLength: 32 },
    itemCode: { type: 'string', maxLength: 32 },
    departmentCode: { type: 'string', maxLength: 32 },
    stage: { type: 'string', maxLength: 32 },
    level: { type: 'string', enum: ['city', 'district', 'township', 'village'] },
    minDaysOverdue: { type: 'integer', minimum: 0 },
    daysOverdue: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    cursor: { type: 'string', maxLength: 200 },
  },
} as const;

/** The list's query: the index's filter, `daysOverdue` as an alias of `minDaysOverdue`, and paging. */
type ListQuery = CaseFilter & { daysOverdue?: number; limit: number; cursor?: string };

/** Reading and supervision endpoints of SPEC.md: cases, 督办, 倒查, 堵点, bad-rating follow-ups. */
export function supervisionRoutes(app: FastifyInstance, d: Deps) {
  const admin = requireSource(d.ctx.config.adminTokens);
  const sourceOrAdmin = requireSource(new Map([...d.ctx.config.sourceTokens, ...d.ctx.config.adminTokens]));
  const load = async (caseId: string) => {
    const s = await d.caseState(caseId);
    if (!s) throw new AppError(404, 'not_found', `no case ${caseId}`);
    return s;
  };

  app.get<{ Querystring: ListQuery }>('/api/v1/cases', { schema: { querystring: listQuery } }, async (req) => {
    const { limit, cursor, daysOverdue, minDaysOverdue, ...filter } = req.query;
    const page = d.index.list({ ...filter, minDaysOverdue: minDaysOverdue ?? daysOverdue }, d.ctx.now(), limit, cursor);
    return {
      cases: page.cases.map((c) => ({ ...c, itemName: d.itemName(c.itemCode), districtName: d.districtName(c.districtCode) })),
      nextCursor: page.nextCursor,
    };
  });

  app.get<{ Params: { caseId: string } }>('/api/v1/cases/:caseId', async (req) => {
    const s = await load(req.params.caseId);
    const submitted = s.events.find((e) => e.type === 'submitted');
    let previous: number | undefined;
    return {
      caseId: s.caseId,
      itemCode: s.itemCode || null,
      itemName: s.itemName || null,
      districtCode: s.districtCode,
      districtName: d.districtName(s.districtCode),
      townshipCode: s.townshipCode || null,
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
      pauses: s.pauses,
      workingDaysUsed: s.workingDaysUsed,
      warning: s.warning,
      daysOverdue: s.daysOverdue,
      statutoryBreached: s.statutoryBreached,
      completedOnTime: s.completedOnTime,
      handlingMinutes: s.handlingMinutes,
      visits: s.visits,
      rating: s.rating,
      flags: s.flags,
      applicant: submitted?.applicant ? maskApplicant(submitted.applicant) : null,
      supervision: await d.orders.ofCase(s.caseId),
      ratingClock: d.ratingClock(s.caseId) ?? null,
      timeline: s.events.map((e) => {
        const at = Date.parse(e.occurredAt);
        const minutesSincePrevious = previous === undefined ? null : Math.round((at - previous) / 60_000);
        previous = at;
        return { eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, level: e.level, actorId: e.actorId ?? null, departmentCode: e.departmentCode ?? null, minutesSincePrevious };
      }),
    };
  });

  app.get<{ Params: { caseId: string } }>('/api/v1/cases/:caseId/trace', async (req) => {
    const s = await load(req.params.caseId);
    return { caseId: s.caseId, ...traceCase(s.events, d.ctx.calendar.calendar, d.ctx.now()) };
  });

  app.post<{ Params: { caseId: string }; Body: { reason: string; dueOn: string; issuer?: string } }>(
    '/api/v1/cases/:caseId/supervision',
    {
      preHandler: admin,
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
      await load(req.params.caseId);
      const order = await d.orders.issue(req.params.caseId, { reason, dueOn, issuer: issuer ?? req.source }, d.ctx.now());
      return reply.status(201).send(order);
    },
  );

  app.post<{ Params: { caseId: string; orderId: string }; Body: { resolution: string } }>(
    '/api/v1/cases/:caseId/supervision/:orderId/resolve',
    {
      preHandler: admin,
      schema: { body: { type: 'object', required: ['resolution'], properties: { resolution: { type: 'string', minLength: 1, maxLength: 500 } } } },
    },
    async (req) => {
      const order = await d.orders.resolve(req.params.caseId, req.params.orderId, req.body.resolution, d.ctx.now());
      if (!order) throw new AppError(404, 'not_found', `no supervision order ${req.params.orderId} on case ${req.params.caseId}`);
      return order;
    },
  );

  app.post<{ Params: { caseId: string }; Body: { kind: 'return_visit' | 'rectified'; at?: string; note?: string } }>(
    '/api/v1/cases/:caseId/rating-followups',
    {
      preHandler: sourceOrAdmin,
      schema: {
        body: {
          type: 'object',
          required: ['kind'],
          properties: { kind: { type: 'string', enum: ['return_visit', 'rectified'] }, at: { type: 'string' }, note: { type: 'string', maxLength: 500 } },
        },
      },
    },
    async (req, reply) => {
      const s = await load(req.params.caseId);
      if (s.rating === null || s.rating > 2) throw new AppError(409, 'no_bad_rating', 'the case has no bad rating to follow up');
      const at = req.body.at ?? new Date(d.ctx.now()).toISOString();
      if (Number.isNaN(Date.parse(at))) throw new AppError(400, 'invalid_request', 'at must be an ISO 8601 date-time');
      const shanghai = new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(0, 23) + '+08:00';
      await d.addFollowUp(s.caseId, req.body.kind, shanghai, req.source, req.body.note ?? '');
      return reply.status(201).send({ caseId: s.caseId, kind: req.body.kind, at: shanghai });
    },
  );

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
      const rows = await bottlenecks(d.ctx.clickhouse, d.ctx.db, { from, to, by: by as BottleneckDimension[], districtCode, limit });
      return { from, to, by, rows: rows.map((r) => ({ ...r, ...(r.item !== undefined ? { itemName: d.itemName(r.item) } : {}), ...(r.district !== undefined ? { districtName: d.districtName(r.district) } : {}) })) };
    },
  );
}
