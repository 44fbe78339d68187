import { Suspense, lazy, useEffect, useRef } from 'react';

/** The case page itself, loaded on the first click (the wall screen never downloads it otherwise). */
const CasePage = lazy(async () => ({ default: (await import('../supervise/CasePage.tsx')).CasePage }));

/** An unattended wall returns to its overview by itself; a touch, a key or a scroll in the panel restarts the wait. */
const AUTO_CLOSE_MS = 90_000;

/**
 * A case opened from the wall (a red-list row, a pop-up card, a ticker row, an alarm) in a side panel: the
 * workspace's case page, at the screen's own pixels beside the scaled wall. A wall screen (display token)
 * reads what its display's scope allows (the panel says so when it may not read the case, and shows no 倒查
 * and no 督办 forms); a signed-in supervisor gets the whole page. A click beside the panel closes it.
 */
export function CaseSidePanel(props: { caseId: string; canSupervise: boolean; onClose: () => void; scale: number }) {
  // On a screen larger than the design canvas (a spliced hall wall) the page is scaled as the wall is, so it
  // is as readable from across the hall; never smaller than a desktop page.
  const z = Math.max(1, props.scale);
  const width = `min(${Math.round(1080 * z)}px, 62vw)`;
  const { onClose, caseId } = props;
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const restart = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(onClose, AUTO_CLOSE_MS);
  };
  useEffect(() => {
    timer.current = setTimeout(onClose, AUTO_CLOSE_MS);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => {
      clearTimeout(timer.current);
      window.removeEventListener('keydown', onKey);
    };
  }, [caseId, onClose]);
  return (
    <div className="case-side" role="dialog" aria-label={`办件 ${caseId}`} data-testid="case-detail" onClick={onClose}>
      <aside className="case-side-panel" data-testid="case-side-panel" style={{ width }} onClick={(e) => e.stopPropagation()} onPointerDown={restart} onKeyDown={restart} onScrollCapture={restart}>
        <div className="case-side-scale" style={z === 1 ? undefined : { width: `calc(${width} / ${z})`, height: `calc(100vh / ${z})`, transform: `scale(${z})` }}>
          <Suspense fallback={<div className="page-loading">加载中…</div>}>
            <CasePage key={caseId} caseId={caseId} panel={{ onClose, canSupervise: props.canSupervise }} />
          </Suspense>
        </div>
      </aside>
    </div>
  );
}
