import { describe, expect, it } from 'vitest';
import type { EngineRole } from './engine-lease.ts';
import { whileHoldingEngine } from './engine-holder-only.ts';

function role(active: boolean) {
  const listeners: Array<(a: boolean) => void> = [];
  const r = { active, fence: 0, onChange: (l: (a: boolean) => void) => listeners.push(l) } as EngineRole & { active: boolean };
  return { r, set: (a: boolean) => ((r.active = a), listeners.forEach((l) => l(a))) };
}

describe('whileHoldingEngine', () => {
  it('runs the feature’s start/stop work only while this node holds the engine', async () => {
    const calls: string[] = [];
    const { r, set } = role(false);
    const f = whileHoldingEngine({ name: 'reports', start: async () => void calls.push('start'), stop: async () => void calls.push('stop') }, r);
    await f.start!();
    expect(calls).toEqual([]);
    const tick = () => new Promise((r) => setTimeout(r, 0));
    set(true);
    await tick();
    set(false);
    await tick();
    set(true);
    await tick();
    await f.stop!();
    expect(calls).toEqual(['start', 'stop', 'start', 'stop']);
  });

  it('starts at once on a node that holds it (a single node)', async () => {
    const calls: string[] = [];
    const f = whileHoldingEngine({ name: 'x', start: async () => void calls.push('start'), stop: async () => void calls.push('stop') }, role(true).r);
    await f.start!();
    await f.stop!();
    expect(calls).toEqual(['start', 'stop']);
  });
});
