import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      // One suite of what the server relies on from a store, run against every implementation.
      { test: { name: 'contract', include: ['tests/contract/**/*.test.ts'], environment: 'node', fileParallelism: false, testTimeout: 60_000 } },
      // Real servers on port 0 and real sockets: one file at a time keeps the 2-core box honest.
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], environment: 'node', fileParallelism: false, testTimeout: 20_000, hookTimeout: 60_000 } },
    ],
  },
});
