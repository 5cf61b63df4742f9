import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  lstatSync,
  openSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Where toolwright keeps or reads files that hold or guard secrets or evidence (the audit log, the state file,
 * key files): who else may replace, write or read them decides whether they can be trusted. A problem is a
 * `PlaceError` whose message names the file and the rule, never its content; lines worth a warning go to `warn`.
 */

export class PlaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlaceError";
  }
}

/** Takes a line for the operator (stderr). */
export type Warn = (line: string) => void;

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^[A-Z0-9_]{2,40}$/.test(code) ? code : "error";
}

/**
 * Opens the audit file for appending after checking where it lies, and checks the open file: its descriptor
 * and the one `fstat` read at open (type, mode and owner), for the caller's probe.
 */
export function openEvidenceFile(file: string, name: string, warn: Warn): { fd: number; stat: Stats } {
  const folder = checkFolder(file, name, warn);
  checkPlanted(file, name, folder);
  const fd = openAuditFile(file, name);
  const stat = fstatSync(fd);
  checkFileMode(fd, stat, name, warn);
  checkOwner(fd, stat, name, folder);
  return { fd, stat };
}

const { O_APPEND, O_CREAT, O_NOFOLLOW, O_WRONLY } = fsConstants;

/**
 * Opens the audit file for appending, creating it 0600 (the umask only takes bits away). The file is named by
 * its own path, never through a symbolic link to a regular file: whoever can place or replace the link (in `/tmp`,
 * anyone) chooses where the lines go, and the server would append them to a file of theirs, or of the user it runs
 * as (`~/.ssh/authorized_keys`). A link to a device or a pipe (`/dev/stderr`) is not a file others keep. A link
 * leading nowhere is refused too, without creating its target.
 */
function openAuditFile(file: string, name: string): number {
  try {
    return openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    if (code !== "ELOOP") throw new PlaceError(`${name}: cannot open it for appending (${code})`);
  }
  const linked = `${name}: the audit file is a symbolic link`;
  const fix =
    "name the file itself (a link's holder chooses where the lines go, and could point them at any file)";
  let fd: number;
  try {
    fd = openSync(file, O_WRONLY | O_APPEND);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    throw new PlaceError(`${linked} that cannot be opened for appending (${code}); ${fix}`);
  }
  if (fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new PlaceError(`${linked} to a regular file; ${fix}`);
  }
  return fd;
}

/** What the folder holding the audit file allows others (by its real path). */
interface FolderAccess {
  /** Every user may create files in it (sticky, so they cannot replace this process's own). */
  sharedSticky: boolean;
}

/**
 * The folder holding the audit file decides who can replace it: whoever may write a folder without the sticky
 * bit can rename or delete the file and put another in its place, so that the log holds what they wrote. A folder
 * every user may write that way stops the server; one its group may write is served with one stderr line (a group
 * of one, as a umask of 002 makes folders, is harmless); one owned by another user (not root) likewise, since its
 * owner can replace the file.
 */
function checkFolder(file: string, name: string, warn: Warn): FolderAccess {
  let folder: string;
  let stat: Stats;
  try {
    folder = realpathSync(dirname(resolve(file)));
    stat = statSync(folder);
  } catch {
    return { sharedSticky: false }; // the open that follows says why the file cannot be opened
  }
  const sticky = (stat.mode & 0o1000) !== 0;
  const mode = (stat.mode & 0o7777).toString(8).padStart(4, "0");
  if ((stat.mode & 0o002) !== 0 && !sticky) {
    throw new PlaceError(
      `${name}: the audit file's folder is writable by every user (mode ${mode}), who could replace the file and forge or erase its lines; take that away (chmod o-w on the folder) or name a file in another folder`,
    );
  }
  const uid = process.geteuid?.();
  if ((stat.mode & 0o020) !== 0 && !sticky) {
    warn(
      `${name}: the audit file's folder is writable by its group (mode ${mode}), whose members could replace the file; fine for a group of one (chmod g-w on the folder otherwise)`,
    );
  } else if (uid !== undefined && stat.uid !== uid && stat.uid !== 0) {
    warn(
      `${name}: the audit file's folder belongs to another user (uid ${stat.uid}), who could replace the file`,
    );
  }
  return { sharedSticky: (stat.mode & 0o002) !== 0 && sticky };
}

/**
 * In a folder every user may write (sticky, as `/tmp`), the file must be this process's user's own: one another
 * user created there before the server started (and the server, as root, can append to) stays theirs to rewrite.
 */
function checkOwner(fd: number, stat: Stats, name: string, folder: FolderAccess): void {
  const uid = process.geteuid?.();
  if (!folder.sharedSticky || uid === undefined || stat.uid === uid) return;
  closeSync(fd);
  throw plantedBy(stat.uid, name);
}

/**
 * Before opening: what another user planted at the path in such a folder, of any type, is refused unopened. A
 * named pipe would be opened (blocking start until someone reads it) and take every line to its owner, who could
 * also stop reading and so stop every call; a link of theirs leads wherever they choose.
 */
function checkPlanted(file: string, name: string, folder: FolderAccess): void {
  const uid = process.geteuid?.();
  if (!folder.sharedSticky || uid === undefined) return;
  let owner: number;
  try {
    owner = lstatSync(file).uid;
  } catch {
    return; // nothing there yet: the open creates this process's own file (and checkOwner reads it again)
  }
  if (owner !== uid) throw plantedBy(owner, name);
}

function plantedBy(owner: number, name: string): PlaceError {
  return new PlaceError(
    `${name}: the audit file belongs to another user (uid ${owner}) in a folder every user may write, who could forge or erase its lines, or read them; remove it, or name a file in a folder of your own`,
  );
}

/**
 * An existing audit file others may write is refused: whoever can write it can forge lines or erase them, and
 * the log is what says who did what. One others may read is served with a warning: a line holds no value (a
 * fingerprint and a shape), but it names tools, principals and when they acted. A file this process creates is
 * 0600 (less by the umask). Devices and pipes (`/dev/stderr`) are not files others keep.
 */
function checkFileMode(fd: number, stat: Stats, name: string, warn: Warn): void {
  if (!stat.isFile()) return;
  const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
  if ((stat.mode & 0o022) !== 0) {
    closeSync(fd);
    const who = (stat.mode & 0o002) !== 0 ? "every user" : "its group";
    throw new PlaceError(
      `${name}: the audit file is writable by ${who} (mode ${mode}), who could forge or erase its lines; take that away (chmod go-w) or name another file (a new one is created with mode 0600)`,
    );
  }
  if ((stat.mode & 0o044) !== 0) {
    const who = (stat.mode & 0o004) !== 0 ? "every user" : "its group";
    warn(
      `${name}: the audit file is readable by ${who} (mode ${mode}); its lines hold no values, but name tools, callers and times (chmod go-r to keep them private)`,
    );
  }
}

/** The files SQLite keeps beside the state file, which it opens by name as it needs them. */
const SIDE_FILES = ["-wal", "-shm", "-journal"];

/**
 * Where the state file lies decides who can spend or un-spend confirmation tokens. Whoever may write its folder
 * could replace the file (forgetting every spent token, so a token is accepted twice) or place a symbolic link
 * where SQLite opens the file or its `-wal` and `-shm` files: the server then writes into the file the link names
 * (and `chmod 0600`s it), as root any file at all. So a folder every user may write (sticky or not: `/tmp`, where
 * anyone can create the side files' names first) is refused, as are a link at the file's or a side file's name
 * and one of them that belongs to another user. The default folder is created 0700.
 */
export function checkStatePlace(file: string): void {
  let folder: Stats;
  try {
    folder = statSync(realpathSync(dirname(file)));
  } catch (error) {
    throw new PlaceError(`cannot open the state file ${file} (${reasonOf(error)})`);
  }
  if ((folder.mode & 0o002) !== 0) {
    const mode = (folder.mode & 0o7777).toString(8).padStart(4, "0");
    throw new PlaceError(
      `the state file ${file} is in a folder every user may write (mode ${mode}): they could replace it or link its names elsewhere, and so reuse spent confirmation tokens; name a file in a folder of your own (the default, $XDG_STATE_HOME/toolwright, is made 0700)`,
    );
  }
  const uid = process.geteuid?.();
  for (const path of [file, ...SIDE_FILES.map((suffix) => `${file}${suffix}`)]) {
    let stat: Stats;
    try {
      stat = lstatSync(path);
    } catch {
      continue; // not there: SQLite creates it in a folder nobody else may write
    }
    if (stat.isSymbolicLink())
      throw new PlaceError(
        `the state file ${path} is a symbolic link: SQLite would write where it leads; name the file itself`,
      );
    if (uid !== undefined && stat.uid !== uid)
      throw new PlaceError(
        `the state file ${path} belongs to another user (uid ${stat.uid}), who could rewrite which confirmation tokens are spent; remove it or name another file`,
      );
  }
}

/**
 * Who may change or read the client key file. One every user may write lets anyone on the machine choose the key
 * clients authenticate with (at the next start): refused. One its group may write, or every user may read (the
 * key is then as visible as the `--client-key` flag this file replaces, which is refused), is served with one
 * stderr line: Docker's secrets are 0444 and Kubernetes' 0644 by default, on file systems only root writes.
 * Devices and pipes (`/dev/stdin`) are not files others keep.
 */
export function checkKeyFileMode(path: string, label: string, shown: string, warn: Warn): void {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    return;
  }
  if (!stat.isFile()) return;
  const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
  if ((stat.mode & 0o002) !== 0) {
    throw new PlaceError(
      `${label}: ${shown} is writable by every user (mode ${mode}), who could choose the key clients authenticate with; take that away (chmod o-w) or name another file`,
    );
  }
  const said: string[] = [];
  if ((stat.mode & 0o020) !== 0) said.push("writable by its group");
  if ((stat.mode & 0o004) !== 0) said.push("readable by every user");
  if (said.length > 0)
    warn(
      `${label}: the key file is ${said.join(" and ")} (mode ${mode}); chmod 0600 it unless the file system already keeps others out`,
    );
}
