import type { CaseWarning, LiveEvent, SupervisionOverdue } from '@tongban/shared';

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

export type OverdueListener = (orders: SupervisionOverdue[]) => void;
export type SubscribeOverdue = (listener: OverdueListener) => () => void;

/** `supervision:overdue` messages (a 督办 escalated past its due date), for the alarms. */
export class OverdueBus {
  private readonly listeners = new Set<OverdueListener>();

  readonly subscribe: SubscribeOverdue = (listener) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  emit(orders: SupervisionOverdue[]): void {
    for (const l of this.listeners) l(orders);
  }
}

export type WarningListener = (warnings: CaseWarning[]) => void;
export type SubscribeWarnings = (listener: WarningListener) => () => void;

/** Batches of `case:warning`s, for the alarms (which keep their own state beside the live state). */
export class WarningBus {
  private readonly listeners = new Set<WarningListener>();

  readonly subscribe: SubscribeWarnings = (listener) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  emit(warnings: CaseWarning[]): void {
    for (const l of this.listeners) l(warnings);
  }
}
