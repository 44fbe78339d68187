import type { FastifyInstance } from 'fastify';
import { applicantOfEvents, maskFreeText } from '@tongban/shared';
import { assertInScope } from '../../auth/access.ts';
import { actorOf } from '../../auth/principal.ts';
import { AppError } from '../../errors.ts';
import type { FeatureContext } from '../../feature.ts';
import type { CaseState } from '../case-state.ts';
import type { RatingClockBook } from './rating-clock-book.ts';
import { FOLLOW_UP_KINDS, type FollowUpKind } from './rating-clock.ts';

interface Deps {
  ctx: FeatureContext;
  book: RatingClockBook;
  caseState: (caseId: string) => Promise<CaseState | undefined>;
}

/** `POST /api/v1/cases/:caseId/rating-followups` `{kind, at, note}`: a return visit or a rectification. */
export function ratingClockRoutes(app: FastifyInstance, d: Deps) {
  app.post<{ Params: { caseId: string }; Body: { kind: FollowUpKind; at?: string; note?: string } }>(
    '/api/v1/cases/:caseId/rating-followups',
    {

      schema: {
        body: {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: [...FOLLOW_UP_KINDS] }, at: { type: 'string', maxLength: 40 }, note: { type: 'string', maxLength: 500 } },
        },
      },
    },
    async (req, reply) => {
      const s = await d.caseState(req.params.caseId);
      if (!s) throw new AppError(404, 'not_found', `no case ${req.params.caseId}`);
      assertInScope(req, s.districtCode, `case ${req.params.caseId}`);
      // A bad rating that arrived a moment ago may not have been projected yet: open its clock now.
      await d.book.observe([s]);
      const at = req.body.at ?? new Date(d.ctx.now()).toISOString();
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(at)) throw new AppError(400, 'invalid_request', 'at must be an ISO 8601 date-time with an offset');
      // Stored masked: a follow-up note is free text that may name the applicant.
      const note = maskFreeText(req.body.note ?? '', { applicant: applicantOfEvents(s.events) });
      const r = await d.book.followUp(s.caseId, req.body.kind, at, req.source, note);
      await d.ctx.audit.record({ ...actorOf(req.principal), action: 'rating_followup', target: `${s.caseId} ${req.body.kind}`, outcome: 'success', ip: req.ip });
      return reply.status(201).send({ caseId: s.caseId, kind: req.body.kind, at: r.at, ratingClock: r.clock });
    },
  );
}
