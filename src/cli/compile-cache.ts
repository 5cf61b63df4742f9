import { lstatSync, mkdirSync } from "node:fs";
import * as nodeModule from "node:module";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { checkFolders } from "../files/place.js";

/** The environment read: `process.env` by default (typed without Node's namespace, for the shipped declarations). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Node's on-disk compile cache (`module.enableCompileCache`, Node 22.1+) for everything loaded after it: our own
 * modules, the SDK, zod and a catalog's `*.gen.mjs`, so a start after the first skips compiling them.
 *
 * Node's default folder is `<tmpdir>/node-compile-cache`, shared by every user of the machine: another user could
 * create it first and plant bytecode we would run. The cache goes to a folder of this user's instead,
 * `$XDG_CACHE_HOME/toolwright/compile-cache` (`~/.cache/...`), or, when that cannot be made,
 * `<tmpdir>/toolwright-compile-cache-<uid>`; either is used only when it is a real folder (not a link) owned by
 * this user, writable by no one else, inside folders no one else can change. Anything wrong (no home, a read-only
 * disk, a folder someone else owns) means no cache, never a failed start. `NODE_COMPILE_CACHE` (the user's own choice, which Node applies itself)
 * and `NODE_DISABLE_COMPILE_CACHE=1` are respected.
 */
export function enableCompileCache(env: Env = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE || env.NODE_COMPILE_CACHE) return undefined;
  const dir = compileCacheFolder(env);
  if (dir === undefined) return undefined;
  try {
    return nodeModule.enableCompileCache(dir).directory;
  } catch {
    return undefined;
  }
}

/** The first candidate folder that is (or could be made) private to this user; `undefined` when none is. */
export function compileCacheFolder(env: Env = process.env): string | undefined {
  return candidateFolders(env).find(privateFolder);
}

function candidateFolders(env: Env): string[] {
  const folders: string[] = [];
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) folders.push(join(xdg, "toolwright", "compile-cache"));
  else {
    try {
      folders.push(join(homedir(), ".cache", "toolwright", "compile-cache"));
    } catch {
      // No home folder: only the temporary one below.
    }
  }
  const uid = process.getuid?.();
  if (uid !== undefined) folders.push(join(tmpdir(), `toolwright-compile-cache-${uid}`));
  return folders;
}

/**
 * Makes `dir` (0700) if missing; true when it is a real folder (not a link) of this user's that no one else can
 * write, inside folders only this user or root can change (or sticky ones, such as /tmp, where no one else can
 * move it), by their real paths: place.ts's rules for the folders above a file (`checkFolders`, the whole walk),
 * where a folder its group may write is no cache either.
 */
export function privateFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.platform === "win32") return lstatSync(dir).isDirectory();
    const uid = process.getuid?.();
    const leaf = lstatSync(dir);
    if (!leaf.isDirectory() || leaf.uid !== uid || (leaf.mode & 0o022) !== 0) return false;
    let groupWritable = false;
    checkFolders(
      dir,
      { file: `the compile cache ${dir}`, harm: "plant bytecode this server would run" },
      () => {
        groupWritable = true;
      },
      { whole: true },
    );
    return !groupWritable;
  } catch {
    return false;
  }
}
