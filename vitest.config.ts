import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,reference,ingest-server,fixtures,dashboard}/{src,test,scripts}/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    // Integration tests start real servers (and Chromium): generous bounds for a loaded 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Integration tests each start a process holding one chDB data directory; two cores.
    maxWorkers: 2,
  },
});
