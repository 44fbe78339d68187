import type { FastifyInstance } from 'fastify';
import { DEFAULT_METRIC_CONFIG, HEADLINE_NAMES, isIsoDate, METRIC_DEFINITION_VERSION, SUB_MEASURES, validateMetricConfig, WUDU_DIMENSIONS, WUDU_NAMES, type RankingResponse, shanghaiIso } from '@tongban/shared';
import type { AuditLog } from '../auth/audit.store.ts';
import { actorOf } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import type { MetricConfigStore } from './metric-config.store.ts';
import { cutoffParam, periodParam, scopeParams } from './metric-params.ts';
import type { FactMode, MetricsService } from './metrics-service.ts';
import type { RollupBuilder } from './rollup-builder.ts';
import type { RollupCheck } from './rollup-check.ts';

type ScopeQuery = { period?: string; districtCode?: string; departmentCode?: string; itemCode?: string; source?: string; cutoff?: string };

const SOURCES = ['auto', 'rollup', 'raw'] as const;

function modeOf(source: string | undefined, cutoff: number | undefined): FactMode {
  if (source !== undefined && !(SOURCES as readonly string[]).includes(source)) throw new AppError(400, 'invalid_request', `source takes ${SOURCES.join(', ')}`);
  if (source === 'raw') return 'raw';
  if (source === 'rollup') return 'rollup';
  return cutoff === undefined ? 'live' : 'verified';
}

/** GET /api/v1/metrics/wudu, /ranking, /definitions, /config; admin: PUT /config, rollup refresh and rebuild. */
export function metricsRoutes(
  app: FastifyInstance,
  d: { metrics: MetricsService; builder: RollupBuilder; check: RollupCheck; config: MetricConfigStore; now: () => number; audit: AuditLog },
) {

  app.get<{ Querystring: ScopeQuery }>('/api/v1/metrics/wudu', async (req) => {
    const now = d.now();
    const period = periodParam(req.query.period, now);
    const scope = scopeParams(req.query, d.metrics);
    const cutoff = cutoffParam(req.query.cutoff, now);
    return d.metrics.wudu(period, scope, modeOf(req.query.source, cutoff), cutoff);
  });

  app.get<{ Querystring: ScopeQuery & { scope?: string } }>('/api/v1/metrics/ranking', async (req): Promise<RankingResponse> => {
    const now = d.now();
    const period = periodParam(req.query.period, now);
    const kind = req.query.scope ?? 'district';
    if (kind !== 'district' && kind !== 'department') throw new AppError(400, 'invalid_request', 'scope takes district or department');
    const cutoff = cutoffParam(req.query.cutoff, now);
    const r = await d.metrics.ranking(period, kind, modeOf(req.query.source, cutoff), cutoff);
    return {
      period: period.key,
      periodRange: period,
      scope: kind,
      definitionVersion: METRIC_DEFINITION_VERSION,
      previousPeriod: r.previous.period.key,
      rows: r.rows.map((row) => {
        const u = r.units.get(row.code)!;
        return { ...row, scores: u.result.scores, submitted: u.result.headline.counts.submitted };
      }),
      cutoff: shanghaiIso(r.data.cutoffMs),
      source: r.data.source === 'raw' || r.previous.source === 'raw' ? 'raw' : 'rollup',
    };
  });

  app.get('/api/v1/metrics/definitions', async () => ({
    definitionVersion: METRIC_DEFINITION_VERSION,
    dimensions: WUDU_DIMENSIONS.map((key) => ({ key, name: WUDU_NAMES[key], subMeasures: SUB_MEASURES.filter((s) => s.dimension === key) })),
    headline: HEADLINE_NAMES,
    defaults: DEFAULT_METRIC_CONFIG,
  }));

  app.get('/api/v1/metrics/config', async () => d.config.info);

  app.put<{ Body: unknown }>('/api/v1/metrics/config', async (req) => {
    const v = validateMetricConfig(req.body);
    if (!v.ok) throw new AppError(400, 'invalid_config', 'the metric configuration is not valid', v.errors);
    await d.config.save(v.config, req.source, d.now());
    await d.audit.record({ ...actorOf(req.principal), action: 'metric_config_changed', target: 'metric weights and targets', outcome: 'success', ip: req.ip });
    return d.config.info;
  });

  app.get('/api/v1/metrics/rollups', async () => ({
    ready: d.builder.ready,
    cutoff: d.builder.lastCutoff ? shanghaiIso(d.builder.lastCutoff) : null,
    generation: d.builder.generation,
    dirtyDays: d.builder.dirtyDays('0000-01-01', '9999-12-31'),
    // What the last safety-net check compared (null before the first): kind, touchedDays, sweptDays, markedDays.
    lastCheck: d.check.last && {
      kind: d.check.last.kind,
      since: d.check.last.sinceMs === null ? null : shanghaiIso(d.check.last.sinceMs),
      touchedDays: d.check.last.touchedDays,
      sweptDays: d.check.last.sweptDays,
      markedDays: d.check.last.markedDays,
      stateDays: d.check.last.stateDays,
      ms: d.check.last.ms,
    },
  }));

  app.post('/api/v1/metrics/rollups/refresh', async () => {
    const r = await d.builder.refresh();
    return { days: r.days, cutoff: shanghaiIso(r.cutoffMs), ms: r.ms };
  });

  app.post<{ Querystring: { from?: string; to?: string } }>('/api/v1/metrics/rollups/rebuild', async (req) => {
    const { from, to } = req.query;
    if ((from !== undefined || to !== undefined) && !(isIsoDate(from) && isIsoDate(to) && from < to)) {
      throw new AppError(400, 'invalid_request', 'from and to must be dates YYYY-MM-DD with from < to (to exclusive), or both left out');
    }
    const r = await d.builder.rebuildAll(from && to ? { from, to } : undefined);
    return { days: r.days, cutoff: shanghaiIso(r.cutoffMs), ms: r.ms };
  });
}
