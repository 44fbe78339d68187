/**
 * Slows down guessing one person's password from any number of addresses: after `free` failures within the
 * window, each further attempt on that name waits twice as long as the last (up to `maxLockMs`). A success
 * clears the name. Per-address limits are @fastify/rate-limit's on the route.
 */
export class SignInThrottle {
  private readonly names = new Map<string, { failures: number; first: number; lockedUntil: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly free = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly maxLockMs = 5 * 60_000,
  ) {}

  /** Milliseconds until this name may try again (0: now). */
  wait(username: string): number {
    const e = this.names.get(username);
    return e ? Math.max(0, e.lockedUntil - this.now()) : 0;
  }

  failed(username: string): void {
    const now = this.now();
    if (this.names.size > 10_000) this.names.clear();
    let e = this.names.get(username);
    if (!e || now - e.first > this.windowMs) this.names.set(username, (e = { failures: 0, first: now, lockedUntil: 0 }));
    e.failures++;
    if (e.failures >= this.free) e.lockedUntil = now + Math.min(this.maxLockMs, 1000 * 2 ** (e.failures - this.free));
  }

  succeeded(username: string): void {
    this.names.delete(username);
  }
}
