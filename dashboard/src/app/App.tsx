import { Suspense, lazy, useEffect, useState } from 'react';
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

export function App() {
  const route = useRoute();
  if (route === 'reports') {
    return (
      <Suspense fallback={<div className="page-loading">加载中…</div>}>
        <ReportsPage />
      </Suspense>
    );
  }
  return <WallPage />;
}
