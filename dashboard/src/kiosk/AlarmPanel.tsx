import { memo, useEffect, useRef } from 'react';
import type { Alarm, AlarmState } from './alarms.ts';
import alarmSound from './alarm.wav';

interface Props {
  state: AlarmState;
  volume: number;
  /** One alarm by its key, or all. */
  onAcknowledge: (key?: string) => void;
  onOpen: (caseId: string) => void;
}

const pending = (alarms: Alarm[]) => alarms.filter((a) => !a.acknowledged);

/**
 * The alarm list (cases turned red, 督办 escalated past their due date, in the display's scope) with acknowledgement, and the bundled sound,
 * played once per firing. Nothing shows while no alarm waits.
 */
export const AlarmPanel = memo(function AlarmPanel({ state, volume, onAcknowledge, onOpen }: Props) {
  const audio = useRef<HTMLAudioElement>(null);
  const firing = state.firing;
  useEffect(() => {
    const el = audio.current;
    if (!el || !firing?.sound) return;
    el.volume = volume;
    el.currentTime = 0;
    el.dataset.played = String(Number(el.dataset.played ?? '0') + 1);
    // Autoplay may be refused before any interaction: a kiosk browser is started with it allowed.
    void el.play().catch(() => undefined);
  }, [firing, volume]);
  const open = pending(state.alarms);
  return (
    <>
      <audio ref={audio} src={alarmSound} preload="auto" data-testid="alarm-sound" />
      {open.length > 0 && (
        <aside className="alarm-panel" data-testid="alarm-panel" aria-live="assertive">
          <header>
            <b>告警 {open.length}</b>
            <button type="button" onClick={() => onAcknowledge()} data-testid="alarm-ack-all">
              全部确认
            </button>
          </header>
          <ol>
            {open.slice(0, 6).map((a) => (
              <li key={a.key} className={`alarm-${a.kind}${firing?.key === a.key ? ' blink' : ''}`} data-case-id={a.caseId} data-alarm={a.kind}>
                <span className="alarm-what" onClick={() => onOpen(a.caseId)}>
                  {a.districtName} · {a.itemName}
                </span>
                <button type="button" onClick={() => onAcknowledge(a.key)}>
                  确认
                </button>
              </li>
            ))}
          </ol>
        </aside>
      )}
    </>
  );
});
