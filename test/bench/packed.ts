import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.js";

/**
 * A catalog as a user of `toolwright pack` runs it: packed, its tarball and toolwright-runtime's installed into an
 * empty folder outside the repository (dependencies through the machine's npm cache). Returns the command a
 * host's `npx -y <package>` ends up running: node on the package's bin.
 */
export function installPacked(catalog: string, bin: string): string[] {
  const work = mkdtempSync(join(tmpdir(), "tw-bench-packed-"));
  const run = (cmd: string, args: string[], cwd: string) =>
    execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  run(process.execPath, [join(ROOT, "scripts/build.mjs")], ROOT);
  run(process.execPath, [join(ROOT, "bin/toolwright.mjs"), "pack", catalog, "--out", join(work, bin)], ROOT);
  const tarballs = [join(work, bin), join(ROOT, "build/runtime")].map((dir) => {
    const out = run("npm", ["pack", dir, "--pack-destination", work, "--loglevel=error"], work);
    return join(work, out.trim().split("\n").pop() as string);
  });
  const host = join(work, "host");
  mkdirSync(host);
  writeFileSync(join(host, "package.json"), '{"private":true}\n');
  run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...tarballs],
    host,
  );
  return [join(host, "node_modules", bin, "bin", `${bin}.mjs`)];
}
