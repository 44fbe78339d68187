import { memo, useEffect, useRef, useState } from 'react';
import type { HallStream } from '@tongban/shared';
import { HALL_STATE_LABEL, nextHall, stalled, type HallVideoState } from './hall-rotation.ts';
import { Panel } from './Panel.tsx';
import './hall-video.css';

const STALL_CHECK_MS = 5_000;
/** With one hall only, a failed stream is tried again this often. */
const RETRY_MS = 30_000;

/**
 * One hall's camera: an HLS stream played muted with hls.js (bundled, loaded with this panel only), or
 * natively where the browser plays HLS itself. A fatal error, or a picture that stops moving, shows the
 * hall's name and 视频信号中断 instead of a frozen frame. Everything is torn down when the hall changes.
 */
function HallVideo(props: { hall: HallStream; attempt: number; onState: (s: HallVideoState) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<HallVideoState>('connecting');
  const { hall, attempt, onState } = props;
  useEffect(() => onState(state), [state, onState]);
  useEffect(() => {
    const el = video.current;
    if (!el) return;
    let destroyed = false;
    let hls: { destroy(): void } | undefined;
    let lastTime = -1;
    let lastAdvance = Date.now();
    setState('connecting');
    const fail = (why?: unknown) => {
      if (destroyed) return;
      if (why instanceof Event) console.warn(`tongban: hall video ${hall.name}: media error ${el.error?.code ?? ''} ${el.error?.message ?? ''}`);
      setState('failed');
    };
    const onTime = () => {
      if (el.currentTime !== lastTime) {
        lastTime = el.currentTime;
        lastAdvance = Date.now();
        if (!destroyed) setState((s) => (s === 'failed' ? s : 'playing'));
      }
    };
    el.addEventListener('timeupdate', onTime);
    el.addEventListener('error', fail);
    const watch = setInterval(() => {
      if (stalled(Date.now(), lastAdvance)) fail();
    }, STALL_CHECK_MS);
    void import('hls.js').then(({ default: Hls }) => {
      if (destroyed) return;
      if (Hls.isSupported()) {
        const h = new Hls({ enableWorker: true, lowLatencyMode: false, backBufferLength: 30, maxBufferLength: 20 });
        hls = h;
        h.on(Hls.Events.ERROR, (_e, data) => {
          if (!data.fatal) return;
          console.warn(`tongban: hall video ${hall.name}: ${data.type} ${data.details}`);
          fail();
        });
        h.loadSource(hall.url);
        h.attachMedia(el);
      } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
        el.src = hall.url;
      } else {
        fail();
        return;
      }
      void el.play().catch(() => undefined);
    }, fail);
    return () => {
      destroyed = true;
      clearInterval(watch);
      el.removeEventListener('timeupdate', onTime);
      el.removeEventListener('error', fail);
      hls?.destroy();
      el.removeAttribute('src');
      el.load();
    };
  }, [hall.url, attempt]);
  return (
    <div className={`hall-video hall-${state}`} data-testid="hall-video" data-state={state} data-hall={hall.name}>
      <video ref={video} muted autoPlay playsInline disablePictureInPicture />
      {state === 'failed' ? (
        <div className="hall-down" data-testid="hall-down">
          <b>{hall.name}</b>
          <span>{HALL_STATE_LABEL.failed}</span>
        </div>
      ) : (
        <div className="hall-caption">
          <b>{hall.name}</b>
          <span className={`hall-state hall-state-${state}`}>{HALL_STATE_LABEL[state]}</span>
        </div>
      )}
    </div>
  );
}

/** 大厅实况: the configured halls' cameras one after another, each for `seconds`; the halls listed beside. */
export const HallVideoPanel = memo(function HallVideoPanel(props: { halls: HallStream[]; seconds: number }) {
  const { halls, seconds } = props;
  const [index, setIndex] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const [states, setStates] = useState<Record<string, HallVideoState>>({});
  const current = halls.length ? Math.min(index, halls.length - 1) : 0;
  const hall = halls[current];
  const state = hall ? states[hall.url] : undefined;
  useEffect(() => {
    if (halls.length <= 1) return;
    const t = setTimeout(() => setIndex(nextHall(halls.length, current)), seconds * 1000);
    return () => clearTimeout(t);
  }, [halls.length, current, seconds]);
  // A lone hall that failed is tried again now and then (with several, its next turn is the retry).
  useEffect(() => {
    if (halls.length !== 1 || state !== 'failed') return;
    const t = setTimeout(() => setAttempt((a) => a + 1), RETRY_MS);
    return () => clearTimeout(t);
  }, [halls.length, state]);
  const url = hall?.url;
  const onState = useRef((s: HallVideoState) => void s);
  onState.current = (s: HallVideoState) => {
    if (url) setStates((prev) => (prev[url] === s ? prev : { ...prev, [url]: s }));
  };
  const [stableOnState] = useState(() => (s: HallVideoState) => onState.current(s));
  return (
    <Panel title="大厅实况" className="hall-panel" testId="hall-panel" extra={<span className="muted">{halls.length ? `${current + 1} / ${halls.length}` : ''}</span>}>
      <div className="hall-body">
        {hall ? (
          <HallVideo key={`${hall.url}#${current}`} hall={hall} attempt={attempt} onState={stableOnState} />
        ) : (
          <div className="hall-down">
            <span>未配置大厅视频</span>
          </div>
        )}
        <ol className="hall-list" data-testid="hall-list">
          {halls.map((h, i) => (
            <li key={`${h.url}#${i}`} className={i === current ? 'on' : undefined} data-state={states[h.url] ?? 'connecting'}>
              <span>{h.name}</span>
              {states[h.url] === 'failed' && <small className="bad">{HALL_STATE_LABEL.failed}</small>}
            </li>
          ))}
        </ol>
      </div>
    </Panel>
  );
});
