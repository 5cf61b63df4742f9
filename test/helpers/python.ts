import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./paths.js";

const run = promisify(execFile);

/** Where the machine keeps Python wheels for offline installs (the local PyPI mirror's files). */
export const WHEELS = "/opt/pypi/files";

/**
 * Whether this machine can make the Python clients' environment: python3 with venv and pip (ensurepip), and the
 * wheel folder the packages install from with no registry asked. Both come with the machine image the project is
 * developed and tested on; CI installs only from the npm registry and Debian's packages, so on a machine without
 * them the Python client tests are skipped with this reason printed, not failed.
 */
export function pythonClientsMissing(): string | undefined {
  if (!existsSync(WHEELS)) return `no Python wheels at ${WHEELS}`;
  const probe = spawnSync("python3", ["-c", "import venv, ensurepip"], { stdio: "ignore" });
  return probe.status === 0 ? undefined : "no python3 with venv and ensurepip";
}

/**
 * A Python virtual environment with `packages` installed offline from the machine's wheel folder (pip's
 * `--no-index --find-links`: no registry is asked), made once under test/.tmp (a fixed-name cache that runs
 * reuse) and keyed by the packages and the Python version. Made in a folder of its own and renamed into place, so
 * two test files asking at once never share a half-made one. Returns the environment's python.
 */
export async function pythonWith(packages: string[]): Promise<string> {
  const { stdout: version } = await run("python3", ["-c", "import sys; print(sys.version)"]);
  const key = createHash("sha256")
    .update(`${version}\n${packages.join("\n")}`)
    .digest("hex")
    .slice(0, 12);
  const dir = join(ROOT, "test/.tmp", `pyvenv-${key}`);
  const python = join(dir, "bin/python");
  if (existsSync(python)) return python;
  if (!existsSync(WHEELS))
    throw new Error(`no Python wheels at ${WHEELS}: the Python client tests install from there`);
  const making = `${dir}.making-${process.pid}`;
  rmSync(making, { recursive: true, force: true });
  await run("python3", ["-m", "venv", making]);
  const args = ["-m", "pip", "install", "-q", "--no-index", "--find-links", WHEELS, ...packages];
  await run(join(making, "bin/python"), args, {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
  });
  try {
    renameSync(making, dir);
  } catch (error) {
    // Another file made it first (the target is not empty): use theirs.
    rmSync(making, { recursive: true, force: true });
    if (!existsSync(python)) throw error;
  }
  return python;
}

/** Runs `script` (a file of test/clients/python) with `python`, its one argument `spec` as JSON; parses stdout. */
export async function runPython<T>(python: string, script: string, spec: unknown): Promise<T> {
  const file = join(ROOT, "test/clients/python", script);
  const { stdout } = await run(python, [file, JSON.stringify(spec)], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as T;
}
