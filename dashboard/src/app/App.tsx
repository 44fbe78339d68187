import { Suspense, lazy, useEffect, useState, type ComponentType } from 'react';
import { WallPage } from '../wall/WallPage.tsx';
import { routeOf, type Route } from './hash-route.ts';

/**
 * The analysts' reports page lives in src/reports (another feature). A glob import finds it when it exists
 * and finds nothing when it does not, so the build works either way and the route exists only with the page.
 */
const reportsModules = import.meta.glob<{ ReportsPage: ComponentType }>('../reports/ReportsPage.tsx');
const loadReports = Object.values(reportsModules)[0];
const ReportsPage = loadReports ? lazy(async () => ({ default: (await loadReports()).ReportsPage })) : undefined;

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
  if (route === 'reports' && ReportsPage) {
    return (
      <Suspense fallback={<div className="page-loading">加载中…</div>}>
        <ReportsPage />
      </Suspense>
    );
  }
  return <WallPage />;
}
