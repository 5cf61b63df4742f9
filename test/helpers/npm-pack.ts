import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "./paths.js";

/**
 * One file of an npm package, for packages too heavy to install as a dev dependency (peer dependencies such as
 * react and vite): `npm pack <name>@<exact version>` downloads its tarball once into test/.tmp/npm-pack, and
 * `tar` takes out the file (or a folder, whole: a spec split over files). Later runs read the cached copy. The version is exact, so the file never changes.
 */
export function npmPackageFile(pkg: string, version: string, path: string): string {
  const dir = join(ROOT, "test/.tmp/npm-pack", `${pkg.replace(/[^a-z0-9.-]+/gi, "+")}@${version}`);
  const file = join(dir, "package", path);
  if (existsSync(file)) return file;
  const work = `${dir}.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const packed = JSON.parse(
    execFileSync("npm", ["pack", `${pkg}@${version}`, "--json", "--pack-destination", work], {
      cwd: work,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 300_000,
    }),
  ) as { filename: string }[];
  const tarball = join(work, packed[0]?.filename ?? "");
  execFileSync("tar", ["-xzf", tarball, "-C", work, `package/${path}`], { stdio: "ignore" });
  rmSync(tarball);
  // Files of one package are taken one at a time into its folder. Another worker may have finished first:
  // either copy is the same file.
  mkdirSync(dirname(file), { recursive: true });
  if (!existsSync(file)) renameSync(join(work, "package", path), file);
  rmSync(work, { recursive: true, force: true });
  return file;
}
