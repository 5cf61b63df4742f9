import { defineConfig } from "vitest/config";

/**
 * `npm run corpus:big`: the big-API checks too slow for `npm test` (minutes each on 2 cores): Microsoft Graph
 * (11,422 operations) generated, type-checked and listed page by page by the v1 SDK client, every published
 * schema compiled by ajv. `npm test`'s corpus project keeps a bounded version of each (test/corpus/).
 */
export default defineConfig({
  test: {
    globalSetup: ["test/setup/build.ts"],
    include: ["test/corpus-big/**/*.test.ts"],
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 1,
    reporters: ["default"],
  },
});
