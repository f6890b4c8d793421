/** The tests Stryker runs per mutant (stryker.config.json): the unit tests of kernel/, metrics/ and serving/, not the CLI or golden runs. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/kernel/**/*.test.ts', 'test/metrics/**/*.test.ts', 'test/serving/**/*.test.ts', 'test/random/**/*.test.ts'],
    testTimeout: 300_000,
    pool: 'forks',
  },
});
