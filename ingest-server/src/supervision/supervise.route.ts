import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ORDER_STATUS_FILTERS, shanghaiDate, type AreaOverview, type CaseSummary, type OrderList, type PlacedOrder, type SuperviseInbox, type SuperviseSettings } from '@tongban/shared';
import { actorOf } from '../auth/principal.ts';
import type { FeatureContext } from '../feature.ts';
import { CASE_FILTER_PROPERTIES, caseFilterOf, rejectUnknownParams, type CaseListQuery } from './case-list-params.ts';
import { EXPORT_FORMATS, writeCaseExport, type ExportFormat } from './case-export.ts';
import type { OpenCaseIndex, OpenCaseRow } from './open-case-index.ts';
import { adminTree, areaOverview, orderList, superviseInbox } from './supervise.query.ts';
import type { SupervisionOrders } from './supervision-orders.store.ts';

interface Deps {
  ctx: FeatureContext;
  index: OpenCaseIndex;
  orders: SupervisionOrders;
  itemName: (code: string) => string;
  districtName: (code: string) => string;
}

/**
 * The supervisors' workspace: area overviews (city → district → township), today's 日扫描, the 督办 list, the
 * list export; and a district's townships for the wall. Access (supervisors, district-scoped: a confined person's `districtCode` is forced) is declared
 * in auth/route-access.ts.
 */
export function superviseRoutes(app: FastifyInstance, d: Deps) {
  const named = (rows: OpenCaseRow[]): CaseSummary[] => rows.map((c) => ({ ...c, itemName: d.itemName(c.itemCode), districtName: d.districtName(c.districtCode) }));
  const sources = () => ({ ch: d.ctx.clickhouse, db: d.ctx.db, index: d.index, orders: d.orders, districtName: d.districtName, calendar: d.ctx.calendar.calendar, now: d.ctx.now() });

  app.get<{ Querystring: { districtCode?: string; townshipCode?: string } }>(
    '/api/v1/supervise/areas',
    {
      preValidation: rejectUnknownParams(['districtCode', 'townshipCode']),
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { districtCode: { type: 'string', maxLength: 32 }, townshipCode: { type: 'string', pattern: '^\\d{9}$' } },
        },
      },
    },
    async (req): Promise<AreaOverview> => {
      const { districtCode, townshipCode } = req.query;
      // A township names its district (its first six digits); a district given with it must be that one.
      const scope = townshipCode && districtCode && !townshipCode.startsWith(districtCode) ? { districtCode, townshipCode: '000000000' } : { districtCode, townshipCode };
      return areaOverview(sources(), scope);
    },
  );

  // The wall's district screen: that district's townships with their counts (the township level only, what
  // the wall shows). Scoped like the overview: a display or person of another district gets 403.
  app.get<{ Querystring: { districtCode: string } }>(
    '/api/v1/wall/townships',
    {
      preValidation: rejectUnknownParams(['districtCode']),
      schema: {
        querystring: {
          type: 'object',
          required: ['districtCode'],
          additionalProperties: false,
          properties: { districtCode: { type: 'string', pattern: '^\\d{6}$' } },
        },
      },
    },
    async (req): Promise<AreaOverview> => areaOverview(sources(), { districtCode: req.query.districtCode }),
  );

  app.get<{ Querystring: { districtCode?: string; limit: number } }>(
    '/api/v1/supervise/inbox',
    {
      preValidation: rejectUnknownParams(['districtCode', 'limit']),
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { districtCode: { type: 'string', maxLength: 32 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } },
        },
      },
    },
    async (req): Promise<SuperviseInbox> => superviseInbox({ ...sources(), named }, req.query.districtCode, req.query.limit),
  );

  app.get<{ Querystring: { districtCode?: string; issuer?: string; status?: PlacedOrder['clock']; limit: number } }>(
    '/api/v1/supervise/orders',
    {
      preValidation: rejectUnknownParams(['districtCode', 'issuer', 'status', 'limit']),
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            districtCode: { type: 'string', maxLength: 32 },
            issuer: { type: 'string', minLength: 1, maxLength: 64 },
            status: { type: 'string', enum: [...ORDER_STATUS_FILTERS] },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
          },
        },
      },
    },
    async (req): Promise<OrderList> => {
      const { limit, ...filter } = req.query;
      return orderList(sources(), filter, limit);
    },
  );

  // The 督办 settings the case page needs (the issue form's default due date).
  app.get('/api/v1/supervise/settings', async (): Promise<SuperviseSettings> => ({ ...d.ctx.config.supervisionOrders }));

  app.get<{ Querystring: CaseListQuery & { format: ExportFormat } }>(
    '/api/v1/cases/export',
    {
      preValidation: rejectUnknownParams([...Object.keys(CASE_FILTER_PROPERTIES), 'format']),
      schema: {
        querystring: {
          type: 'object',
          required: ['format'],
          additionalProperties: false,
          properties: { ...CASE_FILTER_PROPERTIES, format: { type: 'string', enum: [...EXPORT_FORMATS] } },
        },
      },
    },
    async (req, reply) => {
      const { format, ...query } = req.query;
      const now = d.ctx.now();
      const filter = caseFilterOf(query, d.orders, now);
      const tree = await adminTree();
      // The matches are fixed now (sorted once), then written page by page as the client reads.
      const pages = (function* () {
        for (const rows of d.index.listAll(filter, now, query.sort)) yield named(rows);
      })();
      const body = new PassThrough();
      const title = `办件清单-${query.districtCode ?? '全市'}-${shanghaiDate(now)}`;
      writeCaseExport(format, pages, { township: (c) => tree.getTownship(c)?.name, village: (c) => tree.getVillage(c)?.name }, body, title).catch((err: unknown) => {
        req.log.error({ err }, 'case export failed');
        body.destroy(err instanceof Error ? err : new Error(String(err)));
      });
      await d.ctx.audit.record({ ...actorOf(req.principal), action: 'export_download', target: `cases ${format} ${new URLSearchParams(req.url.split('?')[1] ?? '').toString()}`, outcome: 'success', ip: req.ip });
      const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      return reply
        .type(type)
        .header('content-disposition', `attachment; filename="cases-${shanghaiDate(now)}.${format}"; filename*=UTF-8''${encodeURIComponent(`${title}.${format}`)}`)
        .send(body);
    },
  );
}
