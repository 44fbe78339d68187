import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { actorOf, type Role } from './principal.ts';
import type { AuditLog } from './audit.store.ts';
import type { SessionStore } from './sessions.store.ts';
import { validateUser, type UserDirectory } from './users.store.ts';

type UserBody = { username?: string; name?: string; role?: Role; districtCode?: string | null; password?: string; disabled?: boolean };

/** The admin API of people: list, add, change (SPEC.md: GET/POST/PATCH /api/v1/users). */
export function usersRoutes(app: FastifyInstance, d: { users: UserDirectory; sessions: SessionStore; audit: AuditLog }) {
  app.get('/api/v1/users', async () => ({ users: d.users.list() }));

  app.post<{ Body: UserBody }>('/api/v1/users', async (req, reply) => {
    const b = (req.body ?? {}) as UserBody;
    const errors = validateUser(b, true);
    if (errors.length) throw new AppError(400, 'invalid_user', 'the user is not valid', errors);
    const user = await d.users.create({ username: b.username!, name: b.name, role: b.role!, districtCode: b.districtCode ?? null, password: b.password! });
    await d.audit.record({ ...actorOf(req.principal), action: 'user_created', target: `${user.username} (${user.role}${user.districtCode ? ` ${user.districtCode}` : ''})`, outcome: 'success', ip: req.ip });
    return reply.status(201).send({ user });
  });

  app.patch<{ Params: { username: string }; Body: UserBody }>('/api/v1/users/:username', async (req) => {
    const b = (req.body ?? {}) as UserBody;
    if (b.username !== undefined) throw new AppError(400, 'invalid_user', 'a username cannot change');
    const errors = validateUser(b, false);
    if (b.disabled !== undefined && typeof b.disabled !== 'boolean') errors.push('disabled: true or false');
    if (errors.length) throw new AppError(400, 'invalid_user', 'the change is not valid', errors);
    const user = await d.users.update(req.params.username, b);
    // A changed role, scope, password or a disabled person starts over: existing sessions end.
    if (b.role !== undefined || b.districtCode !== undefined || b.password !== undefined || b.disabled) await d.sessions.revokeAll(user.username);
    const what = Object.keys(b).map((k) => (k === 'password' ? 'password' : `${k}=${JSON.stringify(b[k as keyof UserBody])}`));
    await d.audit.record({ ...actorOf(req.principal), action: 'user_changed', target: `${user.username}: ${what.join(', ')}`, outcome: 'success', ip: req.ip });
    return { user };
  });
}
