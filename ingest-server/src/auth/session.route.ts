import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionAnswer, SessionUser } from '@tongban/shared';
import { AppError } from '../errors.ts';
import type { AuditLog } from './audit.store.ts';
import { SESSION_COOKIE } from './access.ts';
import { decoyHash, verifyPassword } from './passwords.ts';
import type { SessionStore } from './sessions.store.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import { userView, type UserDirectory } from './users.store.ts';

interface Deps {
  users: UserDirectory;
  sessions: SessionStore;
  audit: AuditLog;
  throttle: SignInThrottle;
  cookieSecure: boolean;
  idleMs: number;
}

const body = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const sessionAnswer = (u: { username: string; name: string; role: SessionUser['role']; districtCode: string | null }): SessionAnswer => ({
  user: { username: u.username, name: u.name, role: u.role, districtCode: u.districtCode },
});

/** Sign-in, who is signed in, sign-out (SPEC.md "Who may do what"). */
export function sessionRoutes(app: FastifyInstance, d: Deps) {
  const cookie = (reply: FastifyReply, value: string, maxAgeMs: number) =>
    reply.setCookie(SESSION_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'strict', secure: d.cookieSecure, signed: true, maxAge: Math.floor(maxAgeMs / 1000) });

  app.post<{ Body: { username: string; password: string } }>(
    '/api/v1/session',
    { schema: { body }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const { username, password } = req.body;
      const wait = d.throttle.wait(username);
      if (wait > 0) {
        void d.audit.record({ actor: username, role: '', action: 'sign_in', target: username, outcome: 'denied', ip: req.ip });
        void reply.header('retry-after', String(Math.ceil(wait / 1000)));
        throw new AppError(429, 'too_many_attempts', `too many failed sign-ins for ${username}; try again in ${Math.ceil(wait / 1000)} s`);
      }
      const user = d.users.get(username);
      const ok = user && !user.disabled ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await decoyHash(), password), false);
      if (!ok || !user) {
        d.throttle.failed(username);
        await d.audit.record({ actor: username, role: user?.role ?? '', action: 'sign_in', target: username, outcome: 'failure', ip: req.ip });
        throw new AppError(401, 'wrong_credentials', '用户名或密码错误');
      }
      d.throttle.succeeded(username);
      cookie(reply, await d.sessions.create(user.username), d.idleMs);
      await d.audit.record({ actor: user.username, role: user.role, action: 'sign_in', target: user.username, outcome: 'success', ip: req.ip });
      return sessionAnswer(userView(user));
    },
  );

  app.get('/api/v1/session', async (req: FastifyRequest) => {
    const p = req.principal;
    if (p?.kind !== 'person') throw new AppError(401, 'unauthorized', 'not signed in');
    return sessionAnswer(p);
  });

  app.delete('/api/v1/session', async (req, reply) => {
    const p = req.principal;
    if (p?.kind === 'person') {
      await d.sessions.revoke(p.sessionId);
      await d.audit.record({ actor: p.username, role: p.role, action: 'sign_out', target: p.username, outcome: 'success', ip: req.ip });
    }
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });
}
