import type { Audience } from './principal.ts';

/**
 * Who may use a route (SPEC.md "Who may do what"). `districtScoped`: a person or display confined to a
 * district gets that district's data only (a list without a district filter is filtered to it, a filter
 * naming another district is 403). `public` routes need no identity.
 */
export type RouteAccess = { public: true } | { audience: readonly Audience[]; districtScoped: boolean };

/** What the wall screen shows: viewers and displays, and everyone who may see more. */
const WALL: Audience[] = ['viewer', 'display', 'supervisor', 'analyst', 'admin-token'];
const SUPERVISE: Audience[] = ['supervisor', 'admin-token'];
const ANALYSE: Audience[] = ['analyst', 'admin-token'];
const ADMIN: Audience[] = ['admin-token'];
const PEOPLE: Audience[] = ['viewer', 'supervisor', 'analyst'];

/**
 * Every route of the server, `METHOD path` as Fastify registers it. The server refuses to start with a
 * route under /api that is neither here nor declares `config.access` itself, so nothing is open by accident.
 */
export const ROUTE_ACCESS: Record<string, RouteAccess> = {
  'GET /healthz': { public: true },
  // Prometheus scrapes without credentials: counters and gauges only, nothing personal.
  'GET /metrics': { public: true },
  'POST /api/v1/session': { public: true },
  'GET /api/v1/session': { audience: PEOPLE, districtScoped: false },
  'DELETE /api/v1/session': { audience: PEOPLE, districtScoped: false },

  'POST /api/v1/events': { audience: ['source'], districtScoped: false },

  'GET /api/v1/districts': { audience: WALL, districtScoped: false },
  'GET /api/v1/display': { audience: WALL, districtScoped: false },
  'GET /api/v1/overview': { audience: WALL, districtScoped: true },
  'GET /api/v1/wall/hourly-trend': { audience: WALL, districtScoped: false },
  'GET /api/v1/wall/today-rates': { audience: WALL, districtScoped: false },
  'GET /api/v1/wall/item-names': { audience: WALL, districtScoped: false },
  'GET /api/v1/wall/place-names': { audience: WALL, districtScoped: false },
  // A district screen's township tiles (supervision/supervise.route.ts): counts only, that district's.
  'GET /api/v1/wall/townships': { audience: WALL, districtScoped: true },
  // Replay (wall/replay.route.ts): the wall as it was at a past instant, from ClickHouse.
  'GET /api/v1/replay': { audience: WALL, districtScoped: true },
  'GET /api/v1/replay/feed': { audience: WALL, districtScoped: true },
  'GET /api/v1/replay/range': { audience: WALL, districtScoped: false },
  'GET /api/v1/items': { audience: WALL, districtScoped: false },
  'GET /api/v1/items/:itemCode': { audience: WALL, districtScoped: false },
  'GET /api/v1/calendar': { audience: WALL, districtScoped: false },
  'GET /api/v1/metrics/definitions': { audience: WALL, districtScoped: false },
  'GET /api/v1/metrics/wudu': { audience: WALL, districtScoped: true },
  // Rankings compare the districts with each other: published to every district.
  'GET /api/v1/metrics/ranking': { audience: WALL, districtScoped: false },

  // The wall opens a case from its red list (masked); supervisors work on cases.
  'GET /api/v1/cases/:caseId': { audience: [...WALL], districtScoped: true },
  'GET /api/v1/cases': { audience: SUPERVISE, districtScoped: true },
  'GET /api/v1/cases/:caseId/trace': { audience: SUPERVISE, districtScoped: true },
  'POST /api/v1/cases/:caseId/supervision': { audience: SUPERVISE, districtScoped: true },
  'POST /api/v1/cases/:caseId/supervision/:orderId/resolve': { audience: SUPERVISE, districtScoped: true },
  'POST /api/v1/cases/:caseId/rating-followups': { audience: [...SUPERVISE, 'source'], districtScoped: true },
  'GET /api/v1/bottlenecks': { audience: [...SUPERVISE, 'analyst'], districtScoped: true },
  // The supervisors' workspace (issue 13): area counts, 日扫描, the 督办 list, the case list's export.
  'GET /api/v1/supervise/areas': { audience: SUPERVISE, districtScoped: true },
  'GET /api/v1/supervise/inbox': { audience: SUPERVISE, districtScoped: true },
  'GET /api/v1/supervise/orders': { audience: SUPERVISE, districtScoped: true },
  'GET /api/v1/supervise/settings': { audience: SUPERVISE, districtScoped: false },
  'GET /api/v1/cases/export': { audience: SUPERVISE, districtScoped: true },

  'GET /api/v1/metrics/config': { audience: ANALYSE, districtScoped: false },
  'GET /api/v1/metrics/rollups': { audience: ANALYSE, districtScoped: false },
  'GET /api/v1/reports': { audience: ANALYSE, districtScoped: true },
  'GET /api/v1/reports/:kind': { audience: ANALYSE, districtScoped: true },

  'PUT /api/v1/metrics/config': { audience: ADMIN, districtScoped: false },
  'POST /api/v1/metrics/rollups/refresh': { audience: ADMIN, districtScoped: false },
  'POST /api/v1/metrics/rollups/rebuild': { audience: ADMIN, districtScoped: false },
  'PUT /api/v1/items/:itemCode': { audience: ADMIN, districtScoped: false },
  'PUT /api/v1/calendar': { audience: ADMIN, districtScoped: false },
  'GET /api/v1/rejected-events': { audience: ADMIN, districtScoped: false },
  'GET /api/v1/users': { audience: ADMIN, districtScoped: false },
  'POST /api/v1/users': { audience: ADMIN, districtScoped: false },
  'PATCH /api/v1/users/:username': { audience: ADMIN, districtScoped: false },
  'GET /api/v1/audit': { audience: ADMIN, districtScoped: false },
  'GET /api/v1/cases/:caseId/applicant': { audience: ADMIN, districtScoped: false },
  // Several machines: nodes, the engine lease's holder, backlogs (SPEC.md).
  'GET /api/v1/cluster': { audience: ADMIN, districtScoped: false },
};
