import { describe, expect, it } from 'vitest';
import { DISPLAY_TOKEN_KEY, resolveDisplayToken } from './display-token.ts';

const memory = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
};

describe('the display token', () => {
  it('is read from ?display= once and kept, so a reload without it still has it', () => {
    const storage = memory();
    expect(resolveDisplayToken({ search: '?display=hall-1-token&x=1', storage })).toBe('hall-1-token');
    expect(storage.m.get(DISPLAY_TOKEN_KEY)).toBe('hall-1-token');
    expect(resolveDisplayToken({ search: '', storage })).toBe('hall-1-token');
  });

  it('is null for a page opened without one', () => {
    expect(resolveDisplayToken({ search: '?at=2026-01-01', storage: memory() })).toBeNull();
    expect(resolveDisplayToken({ search: '', storage: undefined })).toBeNull();
  });
});
