import type { LiveEvent } from '@tongban/shared';

export type ArrivalListener = (events: LiveEvent[]) => void;
export type SubscribeArrivals = (listener: ArrivalListener) => () => void;

/**
 * Batches of arriving events for views that animate them imperatively (the map's pulses and arcs) without
 * a React render per batch, and without missing a batch when React coalesces renders.
 */
export class ArrivalBus {
  private readonly listeners = new Set<ArrivalListener>();

  readonly subscribe: SubscribeArrivals = (listener) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  emit(events: LiveEvent[]): void {
    for (const l of this.listeners) l(events);
  }
}
