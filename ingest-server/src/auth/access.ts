import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { allows, scopeOf, type Principal } from './principal.ts';
import { ROUTE_ACCESS, type RouteAccess } from './route-access.ts';
import type { SessionStore } from './sessions.store.ts';
import type { UserDirectory } from './users.store.ts';

export const SESSION_COOKIE = 'tongban_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request comes from (set before the body is read). */
    principal: Principal | undefined;
    /** The district a confined person or display may see, or null. */
    scope: string | null;
    /** The name written with what the request does (source name, token name or username). */
    source: string;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** Bad or unknown credentials allowed per address and minute before 429 (guessing tokens is slowed down). */
const FAILED_TOKENS_PER_MINUTE = 30;

interface Deps {
  config: Config;
  sessions: SessionStore;
  users: UserDirectory;
}

/** The secret that signs cookies: configured, or outside production one kept in DATA_DIR (so sessions survive restarts). */
export function sessionSecret(config: Config): string {
  if (config.auth.sessionSecret) return config.auth.sessionSecret;
  const file = path.join(config.dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const bearer = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];

/**
 * Who is asking, from a bearer token (source, admin, display) or the session cookie. Undefined for no or
 * unknown credentials; `presented` says whether any were offered (for slowing down guessing).
 */
export function identifier(d: Deps, unsign: (value: string) => string | null) {
  return (headers: { authorization?: string | undefined; cookie?: string | undefined }, token?: string): { principal?: Principal; presented: boolean } => {
    const t = token ?? bearer(headers.authorization);
    if (t) {
      const source = d.config.sourceTokens.get(t);
      if (source !== undefined) return { principal: { kind: 'source', name: source, districts: d.config.auth.sourceDistricts.get(source) ?? null }, presented: true };
      const admin = d.config.adminTokens.get(t);
      if (admin !== undefined) return { principal: { kind: 'admin-token', name: admin }, presented: true };
      const display = d.config.auth.displayTokens.get(t);
      if (display) return { principal: { kind: 'display', name: display.name, districtCode: display.districtCode }, presented: true };
      return { presented: true };
    }
    const raw = fastifyCookie.parse(headers.cookie ?? '')[SESSION_COOKIE];
    if (!raw) return { presented: false };
    const id = unsign(raw);
    const session = id ? d.sessions.use(id) : undefined;
    const user = session ? d.users.get(session.username) : undefined;
    if (!session || !user || user.disabled) return { presented: true };
    return { principal: { kind: 'person', username: user.username, name: user.name, role: user.role, districtCode: user.districtCode, sessionId: session.idHash }, presented: true };
  };
}

export type Identify = ReturnType<typeof identifier>;

/**
 * Access in one place (STYLE.md habit 14): every route's access comes from its own `config.access` or from
 * ROUTE_ACCESS, and the server will not start with a route under /api that has neither. The onRequest hook
 * identifies the caller before the body is read (an unauthenticated 10 MB body is answered 401 without
 * being parsed), checks the audience, and confines a district-scoped caller to its district.
 */
export async function registerAccess(app: FastifyInstance, d: Deps): Promise<Identify> {
  await app.register(fastifyCookie, { secret: sessionSecret(d.config) });
  const identify = identifier(d, (v) => {
    const r = app.unsignCookie(v);
    return r.valid ? r.value : null;
  });
  app.decorateRequest('principal', undefined);
  app.decorateRequest('scope', null);
  app.decorateRequest('source', '');

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.config?.access) return;
    for (const m of methods) {
      const key = `${m === 'HEAD' ? 'GET' : m} ${route.url}`;
      const access = ROUTE_ACCESS[key];
      if (access) {
        route.config = { ...route.config, access };
        return;
      }
    }
    if (route.url.startsWith('/api/') || route.url === '/healthz') throw new Error(`route ${methods.join(',')} ${route.url} declares no access (auth/route-access.ts)`);
    // Pages and assets: public (the pages ask for a sign-in themselves; every datum behind them is an /api route).
    route.config = { ...route.config, access: { public: true } };
  });

  const failures = new Map<string, { n: number; since: number }>();
  const failed = (ip: string) => {
    const now = Date.now();
    if (failures.size > 10_000) failures.clear();
    const f = failures.get(ip);
    if (!f || now - f.since > 60_000) failures.set(ip, { n: 1, since: now });
    else f.n++;
  };
  const tooMany = (ip: string) => {
    const f = failures.get(ip);
    return f !== undefined && Date.now() - f.since <= 60_000 && f.n >= FAILED_TOKENS_PER_MINUTE;
  };

  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access) return; // no route matched: the 404 handler answers
    const who = identify(req.headers);
    if (who.principal) {
      req.principal = who.principal;
      req.source = who.principal.kind === 'person' ? who.principal.username : who.principal.name;
    }
    if ('public' in access) return;
    if (!who.principal) {
      if (tooMany(req.ip)) throw new AppError(429, 'too_many_attempts', 'too many requests with unknown credentials; wait a minute');
      if (who.presented) failed(req.ip);
      throw new AppError(401, 'unauthorized', who.presented ? 'unknown token or expired session: sign in again' : 'sign in, or send a bearer token');
    }
    if (!allows(access.audience, who.principal)) throw new AppError(403, 'forbidden', 'this identity may not use this route');
    const scope = scopeOf(who.principal);
    if (!scope) return;
    req.scope = scope;
    if (!access.districtScoped) return;
    const q = req.query as Record<string, unknown>;
    if (q.districtCode !== undefined && q.districtCode !== scope) throw new AppError(403, 'forbidden_district', `this identity sees district ${scope} only`);
    q.districtCode = scope;
  });
  return identify;
}

/** A case of another district than the caller's is, for the caller, no case at all (404, not 403). */
export function assertInScope(req: FastifyRequest, districtCode: string, what: string): void {
  if (req.scope && req.scope !== districtCode) throw new AppError(404, 'not_found', `no ${what}`);
}
