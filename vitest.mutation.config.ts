import { defineConfig } from 'vitest/config';

/**
 * What `npm run test:mutation` runs against each mutant: the unit and single-process integration
 * tests. Left out: the store contract (needs Redis), the tests that start other processes
 * (which would not see the mutant) and the Python answer-key tests (no code of the mutated folders).
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          exclude: ['tests/integration/kill.test.ts', 'tests/integration/two-nodes.test.ts', 'tests/integration/answer-key.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
