import type { FastifyInstance } from 'fastify';
import type { EventStore } from '../events/event.store.ts';
import { AppError } from '../errors.ts';
import type { AuditLog } from './audit.store.ts';
import { actorOf } from './principal.ts';

/** `GET /api/v1/cases/:caseId/applicant` (admin): the applicant unmasked, the one place it is; every read is audited. */
export function applicantRoute(app: FastifyInstance, d: { store: EventStore; audit: AuditLog }) {
  app.get<{ Params: { caseId: string } }>('/api/v1/cases/:caseId/applicant', async (req) => {
    const applicant = await d.store.applicantOfCase(req.params.caseId);
    await d.audit.record({ ...actorOf(req.principal), action: 'applicant_read', target: req.params.caseId, outcome: applicant ? 'success' : 'failure', ip: req.ip });
    if (!applicant) throw new AppError(404, 'not_found', `no applicant recorded for case ${req.params.caseId}`);
    return { caseId: req.params.caseId, applicant };
  });
}
