/** What of a feature this wraps (structural, so this room does not import the feature interface). */
interface StartStop {
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
import type { EngineRole } from './engine-lease.ts';

/**
 * A feature whose start/stop is work one node must do for all (the scheduled reports): started while this
 * node holds the supervision engine, stopped when it loses it, started again when it takes it over. Its
 * routes and everything else stay on every node. On a single node it simply starts.
 */
export function whileHoldingEngine<F extends StartStop>(f: F, role: EngineRole): F {
  let running = false;
  let closing = false;
  let step: Promise<void> = Promise.resolve();
  const follow = () => {
    step = step.then(async () => {
      const want = role.active && !closing;
      if (want === running) return;
      running = want;
      await (want ? f.start?.() : f.stop?.());
    });
    return step;
  };
  return {
    ...f,
    async start() {
      role.onChange(() => void follow());
      await follow();
    },
    async stop() {
      closing = true;
      await follow();
    },
  };
}
