import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DisplayConfig } from '@tongban/shared';
import { DEFAULT_DISPLAY } from '../displays-file.ts';

/**
 * Who is calling: until the access hook (issue 10) names the display from its token, the display is
 * picked by `?display=<name>` or by the bearer token itself used as the name; otherwise the default.
 * The hook will set `request.display` (its name); this reads it first when present.
 */
function displayName(req: FastifyRequest<{ Querystring: { display?: string } }>): string | undefined {
  const fromHook = (req as FastifyRequest & { display?: { name?: string } }).display?.name;
  if (fromHook) return fromHook;
  if (req.query.display) return req.query.display;
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

/** `GET /api/v1/display`: the calling wall display's screens, rotation, reload hour, watchdog and alarms. */
export function displayRoutes(app: FastifyInstance, displays: ReadonlyMap<string, DisplayConfig>): void {
  app.get<{ Querystring: { display?: string } }>(
    '/api/v1/display',
    {
      config: { access: { role: 'viewer', districtScoped: true } },
      schema: { querystring: { type: 'object', additionalProperties: false, properties: { display: { type: 'string', maxLength: 200 } } } },
    },
    async (req): Promise<DisplayConfig> => {
      const name = displayName(req);
      return (name !== undefined ? displays.get(name) : undefined) ?? displays.get('default') ?? DEFAULT_DISPLAY;
    },
  );
}
