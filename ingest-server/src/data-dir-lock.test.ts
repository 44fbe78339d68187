import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock.ts';

describe('lockDataDir', () => {
  it('refuses a data directory another live process holds', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-'));
    writeFileSync(path.join(dir, 'server.pid'), `${process.ppid}\nserver\n`);
    expect(() => lockDataDir(dir)).toThrow(/in use by process/);
  });

  it('takes over a stale lock and releases it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-'));
    writeFileSync(path.join(dir, 'server.pid'), '999999999\nserver\n');
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'server.pid'), 'utf8')).toMatch(new RegExp(`^${process.pid}\\n`));
    release();
    expect(() => readFileSync(path.join(dir, 'server.pid'))).toThrow();
  });
});
