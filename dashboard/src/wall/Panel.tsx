import type { ReactNode } from 'react';

/** A framed wall panel with its title; `extra` sits at the right of the title bar. */
export function Panel(props: { title: string; className?: string; extra?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className={`panel ${props.className ?? ''}`} aria-label={props.title} data-testid={props.testId}>
      <header className="panel-title">
        <h2>{props.title}</h2>
        {props.extra && <div className="panel-extra">{props.extra}</div>}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}

/** What a panel shows while its data source has not reported: honest, never invented numbers. */
export function EmptyState(props: { note?: string }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <span>暂无数据</span>
      {props.note && <small>{props.note}</small>}
    </div>
  );
}
