import { defineConfig } from 'vitest/config';

// Argon2id at 64 MiB and PGlite start-up make single tests slow on a 2-core machine;
// the integration files share one server per file, so keep files in parallel but give time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
