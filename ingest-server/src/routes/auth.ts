import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthorized } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The source system (or admin) the bearer token belongs to. */
    source: string;
  }
}

function bearer(req: FastifyRequest): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** A preHandler admitting requests whose bearer token is one of `tokens` (token → name). */
export function requireSource(tokens: Map<string, string>) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const name = tokens.get(bearer(req) ?? '');
    if (name === undefined) throw unauthorized();
    req.source = name;
  };
}
