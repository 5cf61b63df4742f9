import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/paths.js";

/**
 * Vitest global setup: the scratch folders tests make with `tmpDir` (test/.tmp/<name>-<pid>-<random>) are removed
 * once their process has ended: stale ones (a run interrupted, an earlier run) before the tests start, and this
 * run's own when it ends. A run used to leave hundreds of them (half a gigabyte after a few runs). Folders of a
 * process still alive (another run beside this one, a bench in progress) are left alone, and so are the fixed-name
 * caches (npm-pack, bench-peer, xdg-state, corpus outputs), which each run reuses. TOOLWRIGHT_KEEP_SCRATCH=1 keeps
 * everything, to read what a failed test generated.
 */
export default function setup(): () => void {
  const scratch = join(ROOT, "test/.tmp");
  removeEnded(scratch);
  return () => removeEnded(scratch);
}

/** A tmpDir folder's name: what tmpDir adds to the name is the process id and up to six base-36 characters. */
const SCRATCH = /^.+-(\d+)-[a-z0-9]{1,6}$/;

/** Removes the tmpDir folders in `root` whose process has ended. */
export function removeEnded(root: string): void {
  if (process.env.TOOLWRIGHT_KEEP_SCRATCH === "1") return;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = SCRATCH.exec(name)?.[1];
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
