/**
 * Calls `run` with the latest value at most once per `intervalMs`: the first value at once, later ones at
 * the end of the interval (the last one wins). `cancel` drops what is pending. Timers are injectable for tests.
 */
export function latestThrottle<T>(
  intervalMs: number,
  run: (value: T) => void,
  clock: { now: () => number; setTimeout: (f: () => void, ms: number) => unknown; clearTimeout: (t: unknown) => void } = {
    now: () => performance.now(),
    setTimeout: (f, ms) => setTimeout(f, ms),
    clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
  },
): { push: (value: T) => void; cancel: () => void } {
  let last = Number.NEGATIVE_INFINITY;
  let pending: { value: T } | undefined;
  let timer: unknown;
  const fire = () => {
    timer = undefined;
    if (!pending) return;
    const { value } = pending;
    pending = undefined;
    last = clock.now();
    run(value);
  };
  return {
    push(value) {
      pending = { value };
      if (timer !== undefined) return;
      const wait = last + intervalMs - clock.now();
      if (wait <= 0) fire();
      else timer = clock.setTimeout(fire, wait);
    },
    cancel() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
