import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DisplayConfig } from '@tongban/shared';
import { DEFAULT_DISPLAY } from '../displays-file.ts';

/** The calling display's name (its token's); a person previewing a wall may name one with `?display=`. */
function displayName(req: FastifyRequest<{ Querystring: { display?: string } }>): string | undefined {
  if (req.principal?.kind === 'display') return req.principal.name;
  return req.query.display;
}

/** `GET /api/v1/display`: the calling wall display's screens, rotation, reload hour, watchdog and alarms. */
export function displayRoutes(app: FastifyInstance, displays: ReadonlyMap<string, DisplayConfig>): void {
  app.get<{ Querystring: { display?: string } }>(
    '/api/v1/display',
    {
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { display: { type: 'string', maxLength: 200 } } } },
    },
    async (req): Promise<DisplayConfig> => {
      const name = displayName(req);
      return (name !== undefined ? displays.get(name) : undefined) ?? displays.get('default') ?? DEFAULT_DISPLAY;
    },
  );
}
