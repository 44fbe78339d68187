import { memo, useEffect, useState } from 'react';
import { ReplayRangeSchema } from '@tongban/shared';
import { fetchRemote } from '../data/remote.ts';
import { wireParser } from '../data/wire-parse.ts';
import { REPLAY_SPEEDS, formatReplayInstant, instantOfSlider, replaySearch, sliderValueOf, type ReplaySpeed } from './replay-clock.ts';
import type { ReplayControls } from './useReplayFeed.ts';
import './replay.css';

const parseRange = wireParser(ReplayRangeSchema, 'a replay range');
const DEFAULT_BACK_MS = 3 * 3600_000;

const go = (atMs: number | null, speed: ReplaySpeed) => window.location.assign(`${window.location.pathname}${replaySearch(window.location.search, atMs, speed)}${window.location.hash}`);

/** Replaying: the 回放 banner (instant, speed), play/pause, the speeds, a time slider, and the way back to live. */
const ReplayBanner = memo(function ReplayBanner({ replay }: { replay: ReplayControls }) {
  const range = replay.range;
  const [dragging, setDragging] = useState<number | null>(null);
  const value = dragging ?? (range ? sliderValueOf(replay.atMs, range.fromMs) : 0);
  return (
    <div className="replay-bar replaying" data-testid="replay-bar">
      <span className="replay-badge">回放</span>
      <b className="replay-at" data-testid="replay-at">
        {formatReplayInstant(dragging !== null && range ? instantOfSlider(dragging, range.fromMs, range.toMs) : replay.atMs)}
      </b>
      <span className="replay-speed" data-testid="replay-speed">
        ×{replay.speed}
      </span>
      {typeof replay.status === 'object' ? <span className="replay-error">回放数据读取失败：{replay.status.error}</span> : replay.status === 'loading' ? <span className="muted">加载中…</span> : null}
      <button type="button" data-testid="replay-play" onClick={replay.togglePlaying}>
        {replay.playing ? '暂停' : '播放'}
      </button>
      <span className="replay-speeds">
        {REPLAY_SPEEDS.map((s) => (
          <button key={s} type="button" className={s === replay.speed ? 'on' : undefined} onClick={() => replay.setSpeed(s)}>
            ×{s}
          </button>
        ))}
      </span>
      {range && (
        <input
          type="range"
          className="replay-slider"
          data-testid="replay-slider"
          aria-label="回放时刻"
          min={0}
          max={sliderValueOf(range.toMs, range.fromMs)}
          value={value}
          onChange={(e) => setDragging(Number(e.target.value))}
          onPointerUp={() => {
            if (dragging !== null) replay.seek(instantOfSlider(dragging, range.fromMs, range.toMs));
            setDragging(null);
          }}
          onKeyUp={() => {
            if (dragging !== null) replay.seek(instantOfSlider(dragging, range.fromMs, range.toMs));
            setDragging(null);
          }}
        />
      )}
      <button type="button" data-testid="replay-exit" onClick={() => go(null, 1)}>
        返回实时
      </button>
    </div>
  );
});

/** Live: a small 回放 control that opens a time slider over what may be replayed, and starts the replay there. */
const ReplayEntry = memo(function ReplayEntry() {
  const [open, setOpen] = useState(false);
  const [range, setRange] = useState<{ fromMs: number; toMs: number } | null>(null);
  const [pick, setPick] = useState<number | null>(null);
  useEffect(() => {
    if (!open) return;
    const abort = new AbortController();
    void fetchRemote('/api/v1/replay/range', parseRange, abort.signal).then(
      (r) => {
        if (r.state !== 'ok' || r.data.from === null) return;
        const fromMs = Date.parse(r.data.from);
        const toMs = Date.parse(r.data.to);
        setRange({ fromMs, toMs });
        setPick(Math.max(fromMs, toMs - DEFAULT_BACK_MS));
      },
      () => undefined,
    );
    return () => abort.abort();
  }, [open]);
  if (!open) {
    return (
      <button type="button" className="replay-entry" data-testid="replay-open" onClick={() => setOpen(true)}>
        回放
      </button>
    );
  }
  return (
    <div className="replay-bar" data-testid="replay-picker">
      <span className="replay-badge">回放</span>
      {range && pick !== null ? (
        <>
          <b className="replay-at">{formatReplayInstant(pick)}</b>
          <input
            type="range"
            className="replay-slider"
            aria-label="回放时刻"
            min={0}
            max={sliderValueOf(range.toMs, range.fromMs)}
            value={sliderValueOf(pick, range.fromMs)}
            onChange={(e) => setPick(instantOfSlider(Number(e.target.value), range.fromMs, range.toMs))}
          />
          <button type="button" onClick={() => go(pick, 60)}>
            开始回放 ×60
          </button>
        </>
      ) : (
        <span className="muted">{range === null ? '加载中…' : '尚无可回放的数据'}</span>
      )}
      <button type="button" onClick={() => setOpen(false)}>
        取消
      </button>
    </div>
  );
});

/** The wall's replay control: the banner while replaying, the entry otherwise. */
export function ReplayBar({ replay }: { replay: ReplayControls | null }) {
  return replay ? <ReplayBanner replay={replay} /> : <ReplayEntry />;
}
