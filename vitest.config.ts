import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Test projects (`npx vitest run --project <name>`):
 * - unit: in-process tables and units, no child processes, sharing modules across files (`npm run test:fast`, well
 *   under a minute);
 * - e2e: generated servers driven by real MCP clients over stdio/HTTP in front of reference upstreams, CLI runs;
 * - clients: third-party MCP clients, the Inspector and the conformance suite;
 * - corpus: real specs from npm packages (generate, type-check, serve);
 * - package: toolwright and catalogs installed from packed tarballs into empty folders;
 * - load: replicas, shared state and fault injection.
 * `npm test` runs them all.
 */
const UNIT = [
  "test/codegen/**/*.test.ts",
  "test/policy/**/*.test.ts",
  "test/runtime/**/*.test.ts",
  "test/graphql/**/*.test.ts",
  "test/publish/**/*.test.ts",
  "test/state/**/*.test.ts",
  "test/limits/**/*.test.ts",
  "test/setup/**/*.test.ts",
];
/** Unit folders' tests that start processes, servers or generator workers: they belong with the e2e runs. */
const SPAWNING = [
  "test/codegen/diagnostics.test.ts",
  "test/codegen/diff.test.ts",
  "test/codegen/recursion.test.ts",
  "test/codegen/shown-credentials.test.ts",
  "test/codegen/diff-sources.test.ts",
  "test/codegen/diff-unsaid.test.ts",
  "test/codegen/diff-unseen.test.ts",
  "test/policy/audit-cli.test.ts",
  "test/runtime/load.test.ts",
  "test/graphql/e2e.test.ts",
  "test/state/redis.test.ts",
  "test/state/redis-serve.test.ts",
];

export default defineConfig({
  test: {
    globalSetup: ["test/setup/build.ts", "test/setup/scratch.ts"],
    // Failure bounds only: tests wait for events, never for time, so a busy machine (many workers on two
    // cores) makes them slower, not red. A hung test still fails, after this long.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // expect.poll re-checks state no event announces (e.g. requests in flight); its 1 s default would be a
    // deadline on a busy machine, so it too is only a failure bound.
    expect: { poll: { timeout: 120_000 } },
    // Servers started by tests keep their state (spent confirmation tokens, rate limits) in the embedded store,
    // by default under the user's home: point it at the clone's scratch folder instead, so a test run never
    // writes to ~/.local/state nor shares that file (and its lock) with the user's own servers or another run.
    env: { XDG_STATE_HOME: fileURLToPath(new URL("./test/.tmp/xdg-state", import.meta.url)) },
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
    projects: [
      // Unit files share their worker's module cache (no isolation): each file used to import the generator and
      // runtime afresh, which was most of the project's time. A unit file must therefore leave no global state
      // behind (restore spies and globals it changes; keep state in the test, not in module-level variables).
      { extends: true, test: { name: "unit", include: UNIT, exclude: SPAWNING, isolate: false } },
      {
        extends: true,
        test: {
          name: "e2e",
          include: [
            ...SPAWNING,
            "test/e2e/**/*.test.ts",
            "test/security/**/*.test.ts",
            "test/transport/**/*.test.ts",
            "test/upstreams/**/*.test.ts",
            "test/docs/**/*.test.ts",
            "test/cli/**/*.test.ts",
          ],
        },
      },
      {
        extends: true,
        test: {
          name: "clients",
          include: [
            "test/clients/**/*.test.ts",
            "test/inspector/**/*.test.ts",
            "test/conformance/**/*.test.ts",
          ],
        },
      },
      { extends: true, test: { name: "corpus", include: ["test/corpus/**/*.test.ts"] } },
      // One file at a time: each packs the clone (npm pack builds dist/ and swaps package.json for the pack).
      {
        extends: true,
        test: { name: "package", include: ["test/package/**/*.test.ts"], fileParallelism: false },
      },
      { extends: true, test: { name: "load", include: ["test/load/**/*.test.ts"] } },
    ],
  },
});
