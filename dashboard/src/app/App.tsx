import { Suspense, lazy, useEffect, useState, type ReactNode } from 'react';
import { WallPage } from '../wall/WallPage.tsx';
import { routeOf, type Route } from './hash-route.ts';

/** The pages other than the wall are loaded on first visit: the wall screen never downloads them. */
const ReportsPage = lazy(async () => ({ default: (await import('../reports/ReportsPage.tsx')).ReportsPage }));
const SupervisePage = lazy(async () => ({ default: (await import('../supervise/SupervisePage.tsx')).SupervisePage }));
const CaseListPage = lazy(async () => ({ default: (await import('../supervise/CaseListPage.tsx')).CaseListPage }));
const OrdersPage = lazy(async () => ({ default: (await import('../supervise/OrdersPage.tsx')).OrdersPage }));
const CasePage = lazy(async () => ({ default: (await import('../supervise/CasePage.tsx')).CasePage }));

function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

const Lazy = (props: { children: ReactNode }) => <Suspense fallback={<div className="page-loading">加载中…</div>}>{props.children}</Suspense>;

export function App() {
  const route = useRoute();
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
    case 'case':
      return (
        <Lazy>
          <CasePage key={route.caseId} caseId={route.caseId} />
        </Lazy>
      );
    case 'orders':
      return (
        <Lazy>
          <OrdersPage query={route.query} />
        </Lazy>
      );
    default:
      return <WallPage />;
  }
}
