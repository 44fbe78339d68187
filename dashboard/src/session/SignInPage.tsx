import { useState, type FormEvent } from 'react';
import type { SessionUser } from '@tongban/shared';
import { signIn } from './session-api.ts';
import './session.css';

/** The sign-in form every unsigned visitor of any page gets (zh-CN, in the wall's visual language). */
export function SignInPage(props: { onSignedIn: (user: SessionUser) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await signIn(username.trim(), password);
    setBusy(false);
    if ('user' in r) props.onSignedIn(r.user);
    else setError(r.error);
  };
  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={(e) => void submit(e)} aria-label="登录">
        <h1>全渝通办 · 效能监察指挥中心</h1>
        <p className="sign-in-sub">请登录</p>
        <label>
          用户名
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          密码
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <p className="sign-in-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? '登录中…' : '登录'}
        </button>
      </form>
    </main>
  );
}

const ROLE_NAMES: Record<SessionUser['role'], string> = { admin: '管理员', supervisor: '监察员', analyst: '分析员', viewer: '值班员' };

/** Who is signed in, and the way out; shown in every page's header area. */
export function SessionBadge(props: { user: SessionUser; onSignOut: () => void }) {
  return (
    <div className="session-badge" data-testid="session-badge">
      <span>
        {props.user.name}（{ROLE_NAMES[props.user.role]}）
      </span>
      <button onClick={props.onSignOut}>退出</button>
    </div>
  );
}
