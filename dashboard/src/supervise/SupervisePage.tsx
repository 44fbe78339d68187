import { districtName } from '@tongban/shared';
import { superviseHash } from '../data/page-links.ts';
import { AreaTable } from './AreaTable.tsx';
import { DistrictMiniMap } from './DistrictMiniMap.tsx';
import { InboxPanel } from './InboxPanel.tsx';
import { PageHeader, RemoteNote, type Crumb } from './PageHeader.tsx';
import { useAreas, useInbox } from './useSupervise.ts';
import { concernsArea, useLiveVersion } from './useSuperviseLive.ts';
import './supervise.css';

/**
 * The supervisors' workspace: the city by district (#/supervise), a district by township, a township by
 * village; today's 日扫描 on top; a small map that drills down.
 */
export function SupervisePage(props: { districtCode: string | null; townshipCode: string | null }) {
  const { districtCode, townshipCode } = props;
  // A case changing rung, a 督办 escalated, a bad rating's follow-up late: counts and inbox fetched again (throttled).
  const live = useLiveVersion(districtCode, (m) => concernsArea(districtCode, m));
  const areas = useAreas(districtCode, townshipCode, live);
  const city = useAreas(null, null, live);
  const inbox = useInbox(districtCode, live);
  const o = areas.state === 'ok' ? areas.data : undefined;
  const crumbs: Crumb[] = [{ label: '全市', href: districtCode ? '#/supervise' : null }];
  if (districtCode) crumbs.push({ label: o?.district?.name ?? districtName(districtCode), href: townshipCode ? superviseHash(districtCode) : null });
  if (townshipCode) crumbs.push({ label: o?.township?.name ?? townshipCode, href: null });
  const title = townshipCode ? `${crumbs.at(-1)!.label} · 各村/社区` : districtCode ? `${crumbs.at(-1)!.label} · 各乡镇/街道` : '全市 · 各区县';
  return (
    <div className="sv-page" data-testid="supervise-page">
      <PageHeader title={`督办工作台 · ${title}`} crumbs={crumbs} />
      <main className="sv-main">
        {inbox.state === 'ok' ? <InboxPanel inbox={inbox.data} districtCode={districtCode} /> : <RemoteNote state={inbox.state} reason={inbox.state === 'error' ? inbox.reason : undefined} />}
        <div className="sv-columns">
          <section className="sv-panel sv-areas" aria-label="分区统计">
            {o ? <AreaTable overview={o} /> : <RemoteNote state={areas.state === 'error' ? 'error' : 'loading'} reason={areas.state === 'error' ? areas.reason : undefined} />}
            {o && <p className="sv-asof">统计时间 {o.asOf.slice(0, 16).replace('T', ' ')}（北京时间）；预测风险在预测模型上线前为无数据。</p>}
          </section>
          <aside className="sv-panel sv-map-panel" aria-label="地图">
            <h2>区县分布（红色越深超期越多，点击下钻）</h2>
            {city.state === 'ok' ? <DistrictMiniMap rows={city.data.rows} selected={districtCode} /> : <RemoteNote state={city.state === 'error' ? 'error' : 'loading'} />}
          </aside>
        </div>
      </main>
    </div>
  );
}
