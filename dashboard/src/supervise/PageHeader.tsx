import type { ReactNode } from 'react';

export interface Crumb {
  label: string;
  href: string | null;
}

/**
 * The header of every workspace page: the breadcrumb back up, the title, the page links, and the slot where
 * the signed-in person and 退出 go (filled by the sign-in work, issue 10).
 */
export function PageHeader(props: { title: string; crumbs: Crumb[]; session?: ReactNode }) {
  return (
    <header className="sv-header">
      <div className="sv-header-main">
        <nav className="sv-crumbs" aria-label="位置">
          {props.crumbs.map((c, i) => (
            <span key={i}>
              {i > 0 && <span className="sv-crumb-sep">›</span>}
              {c.href ? <a href={c.href}>{c.label}</a> : <span aria-current="page">{c.label}</span>}
            </span>
          ))}
        </nav>
        <h1>{props.title}</h1>
      </div>
      <nav className="sv-links" aria-label="页面">
        <a href="#/">大屏</a>
        <a href="#/supervise">督办工作台</a>
        <a href="#/cases?warning=red">超期办件</a>
        <a href="#/supervise/orders">督办清单</a>
        <a href="#/reports">效能报告</a>
      </nav>
      <div className="sv-session" data-testid="session-slot">
        {props.session}
      </div>
    </header>
  );
}

/** A loading or failed state of a panel, in words. */
export function RemoteNote(props: { state: 'loading' | 'error'; reason?: string }) {
  return <div className={`sv-note sv-note-${props.state}`}>{props.state === 'loading' ? '加载中…' : `加载失败：${props.reason ?? ''}`}</div>;
}
