import type { Logger } from 'pino';
import type { Cluster } from '../cluster/cluster.ts';
import type { CaseState } from './case-state.ts';
import { isOpen } from './case-state.ts';
import type { CaseStateStore } from './case-state.store.ts';
import { openCaseOf, type CaseProjector } from './case-projector.ts';
import type { OpenCase, OpenCaseIndex, OpenCaseRow } from './open-case-index.ts';

/** More changed cases than this in one projection are announced as "reload" rather than case by case. */
const DELTA_MAX = 5_000;

type CaseChanges = { upsert: OpenCase[]; remove: string[] } | { reload: true };

interface Options {
  cluster: Cluster;
  index: OpenCaseIndex;
  states: CaseStateStore;
  projector: CaseProjector;
  logger: Logger;
  now: () => number;
  /** Projects what the event log holds beyond the last derivation (as at a restart). */
  catchUp: () => Promise<void>;
  /** The engine starts (true, after a takeover) or stops (false) here: what else runs on the holder only. */
  engaged: (active: boolean) => void;
  /** Announces (through the once-only gate) a case that is yellow or red now. */
  announce: (row: OpenCaseRow) => void;
  /** The index changed under the feature (its overview cache is stale). */
  changed: () => void;
}

/**
 * The supervision engine on several nodes (SPEC.md "Several machines"). The holder of the engine lease
 * projects, scans and announces; it publishes every projected case to the other nodes, which keep their
 * own open-case index from those messages (so every node answers the case list, counts and areas) and
 * send the holder the cases whose events they stored. Taking over: the index is rebuilt from ClickHouse,
 * the cases received since the last derivation are re-derived, and every yellow or red case is offered to
 * the once-only gate, so a warning the old holder did not get out is announced and none is announced twice.
 * Losing the lease stops the projector at once.
 */
export class SupervisionEngineRole {
  private transition: Promise<void> = Promise.resolve();

  constructor(private readonly o: Options) {}

  async start(): Promise<void> {
    const { cluster, projector, index } = this.o;
    cluster.bus.subscribe('cases', (m) => this.followChanges(m as CaseChanges));
    cluster.bus.subscribe('touched', (ids) => {
      if (cluster.role.active) projector.enqueue(ids as string[]);
    });
    cluster.bus.onResubscribed(() => {
      if (!cluster.role.active) this.queue(() => this.rebuild());
    });
    cluster.role.onChange((active) => this.queue(() => (active ? this.takeOver() : this.stepDown())));
    if (cluster.role.active) await this.queue(() => this.takeOver());
    this.o.logger.info({ engine: cluster.role.active, openCases: index.size }, cluster.role.active ? 'this node holds the supervision engine' : 'this node follows the supervision engine');
  }

  /** After a projection on the holder: the changed cases to every other node. */
  publish(states: readonly CaseState[], bulk: boolean): void {
    if (!this.o.cluster.clustered || !states.length) return;
    if (bulk || states.length > DELTA_MAX) return this.o.cluster.bus.publish('cases', { reload: true } satisfies CaseChanges);
    const upsert: OpenCase[] = [];
    const remove: string[] = [];
    for (const s of states) {
      if (isOpen(s)) upsert.push(openCaseOf(s));
      else remove.push(s.caseId);
    }
    this.o.cluster.bus.publish('cases', { upsert, remove } satisfies CaseChanges);
  }

  private queue(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step).catch((err: unknown) => this.o.logger.error({ err }, 'supervision engine: role change failed'));
    return this.transition;
  }

  private followChanges(m: CaseChanges): void {
    if (this.o.cluster.role.active) return;
    if ('reload' in m) return void this.queue(() => this.rebuild());
    const now = this.o.now();
    for (const c of m.upsert) this.o.index.upsert(c, now);
    for (const id of m.remove) this.o.index.remove(id);
    this.o.changed();
  }

  /** The index as ClickHouse's case_state has it: every open case upserted, cases no longer open removed. */
  private async rebuild(): Promise<void> {
    const now = this.o.now();
    const open = new Set<string>();
    await this.o.states.loadOpen((c) => {
      open.add(c.caseId);
      this.o.index.upsert(c, now);
    });
    for (const id of this.o.index.caseIds()) if (!open.has(id)) this.o.index.remove(id);
    this.o.changed();
  }

  private async takeOver(): Promise<void> {
    if (!this.o.cluster.role.active) return;
    const started = Date.now();
    await this.rebuild();
    await this.o.catchUp();
    if (!this.o.cluster.role.active) return;
    this.o.projector.start();
    this.o.engaged(true);
    const now = this.o.now();
    let offered = 0;
    for (const warning of ['red', 'yellow'] as const) {
      for (const rows of this.o.index.listAll({ warning }, now)) {
        for (const row of rows) this.o.announce(row);
        offered += rows.length;
      }
    }
    this.o.logger.info({ fence: this.o.cluster.role.fence, openCases: this.o.index.size, offered, ms: Date.now() - started }, 'supervision engine taken over: index rebuilt, recent cases re-derived');
  }

  private async stepDown(): Promise<void> {
    this.o.projector.pause();
    this.o.engaged(false);
  }
}
