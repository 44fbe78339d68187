import { SessionAnswerSchema, type SessionUser } from '@tongban/shared';
import { wireParser } from '../data/wire-parse.ts';

const parseSession = wireParser(SessionAnswerSchema, 'a session answer');

/** Who is signed in, or null (signed out or expired). */
export async function currentUser(): Promise<SessionUser | null> {
  const r = await fetch('/api/v1/session', { headers: { accept: 'application/json' } });
  if (r.status !== 200) return null;
  return parseSession(await r.json())?.user ?? null;
}

/** Signs in; the answer's user, or the server's message (wrong password, too many attempts). */
export async function signIn(username: string, password: string): Promise<{ user: SessionUser } | { error: string }> {
  let r: Response;
  try {
    r = await fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  } catch {
    return { error: '网络中断，请稍后重试' };
  }
  if (r.status === 200) {
    const user = parseSession(await r.json())?.user;
    return user ? { user } : { error: '服务器应答格式错误' };
  }
  if (r.status === 429) return { error: `尝试次数过多，请 ${r.headers.get('retry-after') ?? '稍'} 秒后再试` };
  return { error: '用户名或密码错误' };
}

export async function signOut(): Promise<void> {
  await fetch('/api/v1/session', { method: 'DELETE' });
}

/** Where a person lands after signing in: the page of their role. */
export function landingOf(role: SessionUser['role']): string {
  return role === 'supervisor' ? '#/supervise' : role === 'analyst' ? '#/reports' : '#/';
}
