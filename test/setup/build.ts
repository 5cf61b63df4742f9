import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.js";

/**
 * Vitest global setup: compiles dist/ (JavaScript only, about a second) before any test runs, so tests that
 * start `bin/toolwright.mjs` run the compiled build users get (and start fast), and `npx toolwright` in the clone
 * is never stale. bin/toolwright.mjs falls back to the sources whenever one is newer than the build.
 */
export default function setup(): void {
  const run = spawnSync(process.execPath, [join(ROOT, "scripts/build.mjs"), "--js-only"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`npm run build failed:\n${run.stderr}${run.stdout}`);
}
