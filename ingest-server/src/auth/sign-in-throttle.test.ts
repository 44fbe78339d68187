import { describe, expect, it } from 'vitest';
import { SignInThrottle } from './sign-in-throttle.ts';

describe('slowing down sign-in guesses', () => {
  it('lets five failures through, then doubles the wait, and forgets a name on success', () => {
    let now = 0;
    const t = new SignInThrottle(() => now);
    for (let i = 0; i < 4; i++) t.failed('admin');
    expect(t.wait('admin')).toBe(0);
    t.failed('admin');
    expect(t.wait('admin')).toBe(1000);
    t.failed('admin');
    expect(t.wait('admin')).toBe(2000);
    expect(t.wait('analyst')).toBe(0);
    now += 2000;
    expect(t.wait('admin')).toBe(0);
    t.succeeded('admin');
    t.failed('admin');
    expect(t.wait('admin')).toBe(0);
  });

  it('caps the wait and starts over after the window', () => {
    let now = 0;
    const t = new SignInThrottle(() => now);
    for (let i = 0; i < 30; i++) t.failed('x');
    expect(t.wait('x')).toBe(5 * 60_000);
    now += 16 * 60_000;
    t.failed('x');
    expect(t.wait('x')).toBe(0);
  });
});
