import { Suspense, lazy, useEffect, useState } from 'react';
import type { SessionUser } from '@tongban/shared';
import { displayToken } from '../data/display-token.ts';
import { SessionBadge, SignInPage } from '../session/SignInPage.tsx';
import { currentUser, landingOf, signOut } from '../session/session-api.ts';
import { WallPage } from '../wall/WallPage.tsx';
import { routeOf, type Route } from './hash-route.ts';

/** The analysts' page is loaded on first visit: the wall screen never downloads it. */
const ReportsPage = lazy(async () => ({ default: (await import('../reports/ReportsPage.tsx')).ReportsPage }));

function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

type Identity = { kind: 'checking' } | { kind: 'display' } | { kind: 'person'; user: SessionUser } | { kind: 'none' };

/**
 * Who is looking decides what is shown: a wall screen opened with a display token shows the wall and never
 * asks anyone to sign in; a person signs in and lands on their role's page; anyone else gets the sign-in form.
 */
function useIdentity(): [Identity, (i: Identity) => void] {
  const [identity, setIdentity] = useState<Identity>(() => (displayToken() ? { kind: 'display' } : { kind: 'checking' }));
  useEffect(() => {
    if (identity.kind !== 'checking') return;
    let live = true;
    void currentUser().then(
      (user) => live && setIdentity(user ? { kind: 'person', user } : { kind: 'none' }),
      () => live && setIdentity({ kind: 'none' }),
    );
    return () => {
      live = false;
    };
  }, [identity.kind]);
  return [identity, setIdentity];
}

export function App() {
  const route = useRoute();
  const [identity, setIdentity] = useIdentity();
  if (identity.kind === 'checking') return <div className="page-loading">加载中…</div>;
  if (identity.kind === 'none') {
    return (
      <SignInPage
        onSignedIn={(user) => {
          window.location.hash = landingOf(user.role);
          setIdentity({ kind: 'person', user });
        }}
      />
    );
  }
  const badge =
    identity.kind === 'person' ? (
      <SessionBadge
        user={identity.user}
        onSignOut={() => {
          void signOut().finally(() => setIdentity({ kind: 'none' }));
        }}
      />
    ) : null;
  if (route === 'reports') {
    return (
      <>
        {badge}
        <Suspense fallback={<div className="page-loading">加载中…</div>}>
          <ReportsPage />
        </Suspense>
      </>
    );
  }
  return (
    <>
      {badge}
      <WallPage />
    </>
  );
}
