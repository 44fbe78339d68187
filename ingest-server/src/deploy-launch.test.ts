import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAUNCH_JE_MALLOC_CONF, serverHeapMiB } from './config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dockerfile = readFileSync(path.join(root, 'deploy/tongban.Dockerfile'), 'utf8');

describe('the image launches the server as pnpm start does', () => {
  it('with the V8 heap serverHeapMiB() gives at the default MAX_PENDING_ROWS', () => {
    expect(/NODE_OPTIONS=--max-old-space-size=(\d+)/.exec(dockerfile)?.[1]).toBe(String(serverHeapMiB({})));
  });
  it('with the JE_MALLOC_CONF scripts/start.ts sets', () => {
    expect(/JE_MALLOC_CONF=(\S+)/.exec(dockerfile)?.[1]).toBe(LAUNCH_JE_MALLOC_CONF);
    expect(readFileSync(path.join(root, 'scripts/start.ts'), 'utf8')).toContain('?? LAUNCH_JE_MALLOC_CONF');
  });
});
