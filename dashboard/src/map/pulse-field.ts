import type { LonLat } from './district-geo.ts';

/** How long a pulse ring expands and fades. */
export const PULSE_MS = 1600;
/** How long a cross-district arc stays. */
export const ARC_MS = 4000;
export const ARC_SLOTS = 24;
export const PULSE_MAX_RADIUS_PX = 26;

export interface PulseSlot {
  code: string;
  position: LonLat;
  /** performance.now() of the latest arrival; -Infinity before the first. */
  bornAt: number;
}

/** 0 at birth → 1 at the end of its life; null when not alive. */
export function lifeProgress(age: number, lifetime: number): number | null {
  return age >= 0 && age < lifetime ? age / lifetime : null;
}

/** The ring grows fast then slows (ease-out), and fades as it grows. */
export function pulseRadius(age: number): number {
  const t = lifeProgress(age, PULSE_MS);
  return t === null ? 0 : 4 + (PULSE_MAX_RADIUS_PX - 4) * (1 - (1 - t) ** 3);
}

export function pulseAlpha(age: number): number {
  const t = lifeProgress(age, PULSE_MS);
  return t === null ? 0 : Math.round(255 * (1 - t));
}

export function arcAlpha(age: number): number {
  const t = lifeProgress(age, ARC_MS);
  return t === null ? 0 : Math.round(230 * (t < 0.7 ? 1 : (1 - t) / 0.3));
}

/**
 * One pulse slot per place on the map, reused for ever: the layer's `data` is this same array for the
 * life of the wall, so a pulse costs an attribute update, never a new buffer, however many cases arrive.
 * A new case in a district restarts that district's ring.
 */
export class PulseField {
  readonly slots: PulseSlot[];
  private readonly byCode: Map<string, PulseSlot>;
  private lastBirth = Number.NEGATIVE_INFINITY;

  constructor(anchors: Map<string, LonLat>) {
    this.slots = [...anchors].map(([code, position]) => ({ code, position, bornAt: Number.NEGATIVE_INFINITY }));
    this.byCode = new Map(this.slots.map((s) => [s.code, s]));
  }

  /** A new case in `code` at `now`; false when the code has no place on the map. */
  hit(code: string, now: number): boolean {
    const slot = this.byCode.get(code);
    if (!slot) return false;
    slot.bornAt = now;
    this.lastBirth = now;
    return true;
  }

  isActive(now: number): boolean {
    return now - this.lastBirth < PULSE_MS;
  }
}

export interface ArcSlot {
  source: LonLat;
  target: LonLat;
  bornAt: number;
}

/** A fixed ring of arc slots (the oldest is overwritten), for the same reason as PulseField. */
export class ArcRing {
  readonly slots: ArcSlot[] = Array.from({ length: ARC_SLOTS }, () => ({ source: [0, 0], target: [0, 0], bornAt: Number.NEGATIVE_INFINITY }));
  private next = 0;
  private lastBirth = Number.NEGATIVE_INFINITY;
  /** Arcs added so far: positions change only when it does. */
  version = 0;

  add(source: LonLat, target: LonLat, now: number): void {
    const slot = this.slots[this.next]!;
    slot.source = source;
    slot.target = target;
    slot.bornAt = now;
    this.next = (this.next + 1) % this.slots.length;
    this.lastBirth = now;
    this.version++;
  }

  isActive(now: number): boolean {
    return now - this.lastBirth < ARC_MS;
  }
}
