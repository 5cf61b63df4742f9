import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ROOT } from "../helpers/paths.js";

/**
 * Vitest global setup: the scratch folders tests make with `tmpDir` (test/.tmp/<name>-<pid>-<random>) are removed
 * once their process has ended: stale ones (a run interrupted, an earlier run) before the tests start, and this
 * run's own when it ends. A run used to leave hundreds of them (half a gigabyte after a few runs). Folders of a
 * process still alive (another run beside this one, a bench in progress) are left alone, and so are the fixed-name
 * caches (npm-pack, bench-peer, xdg-state, corpus outputs), which each run reuses. TOOLWRIGHT_KEEP_SCRATCH=1 keeps
 * everything, to read what a failed test generated.
 *
 * The system's temporary folder gets the same care: the run points TMPDIR (so `os.tmpdir()` in every test worker,
 * and in every process a test starts with that variable) at a folder of its own, `<tmp>/tw-run-<pid>`, removed when
 * the run ends and, like the scratch folders, by the next run when this one was interrupted. Tests make their
 * folders with `mkdtemp(join(tmpdir(), ...))` in ~50 places and few removed them: a whole run used to leave ~1,700
 * folders in /tmp (audit files, state stores, browser profiles, package installs), gigabytes over a day of runs.
 */
export default function setup(): () => void {
  const scratch = join(ROOT, "test/.tmp");
  removeEnded(scratch);
  const runTmp = ownTmp(tmpdir());
  return () => {
    removeEnded(scratch);
    if (process.env.TOOLWRIGHT_KEEP_SCRATCH !== "1") rmSync(runTmp, { recursive: true, force: true });
  };
}

/** A run's own temporary folder: what `tw-run-` adds to the name is the process id of the run. */
const RUN_TMP = /^tw-run-(\d+)$/;

/**
 * Makes `<base>/tw-run-<pid>` this process's temporary folder (TMPDIR, inherited by the workers and the processes
 * the tests start) after removing those of runs that have ended; returns it.
 */
export function ownTmp(base: string): string {
  const own = `tw-run-${process.pid}`;
  // Vitest runs the global setup once per project, in the same process: the first call made the folder already.
  if (basename(base) === own) return base;
  removeEnded(base, RUN_TMP);
  const dir = join(base, own);
  mkdirSync(dir, { recursive: true });
  process.env.TMPDIR = dir;
  return dir;
}

/** A tmpDir folder's name: what tmpDir adds to the name is the process id and up to six base-36 characters. */
const SCRATCH = /^.+-(\d+)-[a-z0-9]{1,6}$/;

/** Removes the folders in `root` named like `pattern` (its first group a process id) whose process has ended. */
export function removeEnded(root: string, pattern: RegExp = SCRATCH): void {
  if (process.env.TOOLWRIGHT_KEEP_SCRATCH === "1") return;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = pattern.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) rmSync(join(root, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is someone else's.
    return (error as { code?: string }).code === "EPERM";
  }
}
