import type { LiveEvent } from '@tongban/shared';

/**
 * Which item each recent case is for, learnt from its submission: later events of a case (受理, 办结 …) do
 * not repeat the item code, and the ticker names the item rather than the case number. Bounded: the oldest
 * cases are forgotten first.
 */
export class CaseItems {
  private readonly items = new Map<string, string>();

  constructor(private readonly limit = 5_000) {}

  /** The event, with its case's item code when the event lacks one and the submission was seen. */
  enrich(e: LiveEvent): LiveEvent {
    if (e.itemCode) {
      if (!this.items.has(e.caseId)) {
        this.items.set(e.caseId, e.itemCode);
        if (this.items.size > this.limit) this.items.delete(this.items.keys().next().value!);
      }
      return e;
    }
    const itemCode = this.items.get(e.caseId);
    return itemCode ? { ...e, itemCode } : e;
  }

  get size(): number {
    return this.items.size;
  }
}
