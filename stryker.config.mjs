// Mutation testing: `npm run mutate` (README "Mutation testing"). CI does not run it.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'shared/chain/**/*.ts',
    'shared/roles.ts',
    'electron/core/crypto/**/*.ts',
    // Judged by test/unit/mutation-access.test.ts over an in-memory PGlite, not the server suite.
    'server/access.ts',
  ],
  testRunner: 'vitest',
  // Only the unit tests of these files (chain-*, crypto-*, mutation-*), see that config.
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // The test files build their chains and keys in beforeAll, outside any test, which Stryker
  // counts as "static" coverage; without this every such mutant would rerun the whole suite
  // (Argon2id included) from a fresh environment. A mutant any test also covers still runs
  // against those tests; one that only module loading reaches (a constant, a table, a schema)
  // is reported as Ignored unless a test re-imports its module (test/unit/mutation-*.test.ts).
  ignoreStatic: true,
  concurrency: 2,
  // Argon2id at 64 MiB makes single runs slow and uneven on 2 cores; a hung mutant is caught
  // sooner by Stryker's hit limit than by this timeout.
  timeoutMS: 30_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
