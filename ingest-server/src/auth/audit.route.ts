import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import type { AuditLog } from './audit.store.ts';

const query = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', maxLength: 40 },
    to: { type: 'string', maxLength: 40 },
    actor: { type: 'string', maxLength: 64 },
    action: { type: 'string', maxLength: 40 },
    limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 200 },
  },
} as const;

const instant = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(ms)) throw new AppError(400, 'invalid_request', `${name} must be an ISO 8601 date or date-time`);
  return ms;
};

/** `GET /api/v1/audit` (admin): who looked at and did what, newest first. */
export function auditRoutes(app: FastifyInstance, d: { audit: AuditLog }) {
  app.get<{ Querystring: { from?: string; to?: string; actor?: string; action?: string; limit: number } }>('/api/v1/audit', { schema: { querystring: query } }, async (req) => ({
    records: await d.audit.query({ from: instant(req.query.from, 'from'), to: instant(req.query.to, 'to'), actor: req.query.actor, action: req.query.action, limit: req.query.limit }),
  }));
}
