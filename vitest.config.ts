import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,ingest-server,fixtures,dashboard}/{src,test,scripts}/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests each start a process holding one chDB data directory; two cores.
    maxWorkers: 2,
  },
});
