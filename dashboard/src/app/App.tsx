import { Suspense, lazy, useEffect, useState, type ReactNode } from 'react';
import type { SessionUser } from '@tongban/shared';
import { displayToken } from '../data/display-token.ts';
import { SessionBadge, SignInPage } from '../session/SignInPage.tsx';
import { currentUser, landingOf, signOut } from '../session/session-api.ts';
import { WallPage } from '../wall/WallPage.tsx';
import { routeOf, type Route } from './hash-route.ts';

/** The pages other than the wall are loaded on first visit: the wall screen never downloads them. */
const ReportsPage = lazy(async () => ({ default: (await import('../reports/ReportsPage.tsx')).ReportsPage }));
const SupervisePage = lazy(async () => ({ default: (await import('../supervise/SupervisePage.tsx')).SupervisePage }));
const CaseListPage = lazy(async () => ({ default: (await import('../supervise/CaseListPage.tsx')).CaseListPage }));
const OrdersPage = lazy(async () => ({ default: (await import('../supervise/OrdersPage.tsx')).OrdersPage }));
const CasePage = lazy(async () => ({ default: (await import('../supervise/CasePage.tsx')).CasePage }));

const Lazy = (props: { children: ReactNode }) => <Suspense fallback={<div className="page-loading">加载中…</div>}>{props.children}</Suspense>;

/** The page a route names (the wall for anything else). */
function Page(props: { route: Route }) {
  const route = props.route;
  switch (route.page) {
    case 'reports':
      return (
        <Lazy>
          <ReportsPage />
        </Lazy>
      );
    case 'supervise':
      return (
        <Lazy>
          <SupervisePage districtCode={route.districtCode} townshipCode={route.townshipCode} />
        </Lazy>
      );
    case 'cases':
      return (
        <Lazy>
          <CaseListPage query={route.query} />
        </Lazy>
      );
    case 'orders':
      return (
        <Lazy>
          <OrdersPage query={route.query} />
        </Lazy>
      );
    case 'case':
      return (
        <Lazy>
          <CasePage key={route.caseId} caseId={route.caseId} />
        </Lazy>
      );
    default:
      return <WallPage />;
  }
}

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
  return (
    <>
      {badge}
      <Page route={route} />
    </>
  );
}
