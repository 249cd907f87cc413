import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/**
 * Stryker runs a mutant's covering tests until one fails, so the order decides what a killed
 * mutant costs: the test file that failed last (it likely kills this mutant's neighbours too),
 * then the quickest files by their last run, unit tests before integration tests.
 */
class CheapestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cost = (spec: TestSpecification) => {
      const result = this.ctx.cache.getFileTestResults(`${spec.project.name}:${spec.moduleId.slice(this.ctx.config.root.length + 1)}`);
      return [spec.project.name === 'unit' ? 0 : 1, result?.failed ? 0 : 1, result?.duration ?? Infinity] as const;
    };
    return [...files].sort((a, b) => {
      const [ca, cb] = [cost(a), cost(b)];
      return ca[0] - cb[0] || ca[1] - cb[1] || ca[2] - cb[2] || 0;
    });
  }
}

/**
 * What `npm run test:mutation` runs against each mutant: the unit and single-process integration
 * tests. Left out: the store contract (needs Redis), the tests that start other processes
 * (kill, two-nodes, bench-smoke: a mutant is switched on in this process only, so their servers
 * never run it) and the Python tests (answer-key, gil-demo: no code of the mutated folders).
 */
export default defineConfig({
  test: {
    sequence: { sequencer: CheapestFirst },
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          exclude: [
            'tests/integration/kill.test.ts',
            'tests/integration/two-nodes.test.ts',
            'tests/integration/bench-smoke.test.ts',
            'tests/integration/answer-key.test.ts',
            'tests/integration/gil-demo.test.ts',
          ],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
