import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { periodAt, previousPeriod, REPORT_FORMATS, REPORT_KINDS, REPORT_PERIOD_KIND, type ReportFormat, type ReportKind } from '@tongban/shared';
import type { AuditLog } from '../auth/audit.store.ts';
import { actorOf } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import { cutoffParam, periodParam, scopeParams } from '../metrics/metric-params.ts';
import type { MetricsService } from '../metrics/metrics-service.ts';
import { csvTables } from './report-csv.ts';
import type { ReportService } from './report-service.ts';
import { CONTENT_TYPES } from './report.store.ts';

const isKind = (k: string): k is ReportKind => (REPORT_KINDS as readonly string[]).includes(k);
const isFormat = (f: string): f is ReportFormat => (REPORT_FORMATS as readonly string[]).includes(f);
const EXT: Record<ReportFormat, string> = { json: 'json', xlsx: 'xlsx', pdf: 'pdf', csv: 'csv' };

type ReportQuery = {
  period?: string;
  format?: string;
  districtCode?: string;
  departmentCode?: string;
  itemCode?: string;
  cutoff?: string;
  fresh?: string;
  id?: string;
  table?: string;
  source?: string;
};

/** GET /api/v1/reports (the stored reports) and GET /api/v1/reports/:kind (one report, any format). */
/** A stored report a district-confined caller may open: its own district's (the report's scope names it). */
const inScope = (reportScope: string, scope: string | null) => !scope || reportScope.split('+').includes(`district:${scope}`);

export function reportsRoutes(app: FastifyInstance, d: { reports: ReportService; metrics: MetricsService; audit: AuditLog; now: () => number }) {
  app.get<{ Querystring: { kind?: string; period?: string; limit?: string } }>('/api/v1/reports', async (req) => {
    const { kind, period } = req.query;
    if (kind !== undefined && !isKind(kind)) throw new AppError(400, 'invalid_request', `kind takes ${REPORT_KINDS.join(', ')}`);
    const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100) || 100));
    return { reports: (await d.reports.store.list({ kind, period, limit })).filter((r) => inScope(r.scope, req.scope)) };
  });

  app.get<{ Params: { kind: string }; Querystring: ReportQuery }>('/api/v1/reports/:kind', async (req, reply) => {
    const { kind } = req.params;
    if (!isKind(kind)) throw new AppError(404, 'not_found', `no report kind ${kind}; kinds are ${REPORT_KINDS.join(', ')}`);
    const format = req.query.format ?? 'json';
    if (!isFormat(format)) throw new AppError(400, 'invalid_request', `format takes ${REPORT_FORMATS.join(', ')}`);
    const now = d.now();

    let doc;
    if (req.query.id) {
      doc = await d.reports.store.load(req.query.id);
      if (!doc || doc.kind !== kind || !inScope(doc.scope.key, req.scope)) throw new AppError(404, 'not_found', `no ${kind} report ${req.query.id}`);
    } else {
      // Default: the latest period that has ended.
      const period = req.query.period ? periodParam(req.query.period, now, 'month', REPORT_PERIOD_KIND[kind]) : previousPeriod(periodAt(REPORT_PERIOD_KIND[kind], now));
      const scope = scopeParams(req.query, d.metrics);
      const cutoffMs = cutoffParam(req.query.cutoff, now);
      const source = req.query.source ?? 'auto';
      if (source !== 'auto' && source !== 'raw') throw new AppError(400, 'invalid_request', 'source takes auto or raw');
      doc = await d.reports.resolve({ kind, period, scope, cutoffMs, fresh: req.query.fresh === '1' || req.query.fresh === 'true', source });
    }

    void reply.header('x-report-id', doc.id);
    if (format === 'json') return { ...doc, freshness: await d.reports.freshness(doc) };
    if (format === 'csv' && req.query.table !== undefined && !csvTables(doc).includes(req.query.table)) {
      throw new AppError(400, 'invalid_request', `table takes ${csvTables(doc).join(', ')}`);
    }
    const file = await d.reports.store.file(doc, format, format === 'csv' ? req.query.table : undefined);
    if (!file) throw new AppError(404, 'not_found', 'the report has no such table');
    await d.audit.record({ ...actorOf(req.principal), action: 'report_download', target: `${doc.id} ${format}${req.query.table ? ` ${req.query.table}` : ''}`, outcome: 'success', ip: req.ip });
    const body = createReadStream(file);
    const name = `${doc.title}${format === 'csv' && req.query.table ? `-${req.query.table}` : ''}.${EXT[format]}`;
    return reply
      .type(CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${doc.id}.${EXT[format]}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .send(body);
  });
}
