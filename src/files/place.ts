import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * Where toolwright keeps or reads the files that hold or guard secrets or evidence: the audit log it appends to,
 * the state file SQLite opens, key and credential files it reads. One set of rules (docs/safety.md, "Files that
 * hold secrets or evidence"), after OpenSSH's StrictModes, sudo and PostgreSQL:
 *
 * - The folders: each, from the file's own folder up, belongs to this user or root and is writable by nobody
 *   else, or only with the sticky bit (`/tmp`: others may add names but not replace this user's). A folder its
 *   group may write is served with a warning (a group of one, as a umask of 002 makes). The walk stops at the
 *   first folder that is this user's own and writable by nobody else: what lies above can at most move it whole,
 *   and a replacement is not this user's (the file's owner check finds it). So a private folder of one's own in a
 *   folder every user may write without the sticky bit (a Kubernetes `emptyDir`, 0777 root) is a safe place; the
 *   open folder itself is refused, saying how to make one.
 * - The file: opened once, and every check made on the open descriptor (`fstat`), never on the name again: it
 *   belongs to this user or root, and neither its group nor others may write it. A secret must be a regular file
 *   (a pipe blocks or never ends, `/dev/zero` never ends), no larger than `SECRET_MAX_BYTES`, readable by nobody
 *   else (its group only when root owns it, as PostgreSQL allows a key), and is read from that descriptor. Root's
 *   file that others may read, read by another user, is a platform's mount (Docker's secrets 0444, Kubernetes'
 *   0644) this user cannot narrow: served, with a warning naming the mount's setting.
 * - Links: a file written to is opened with `O_NOFOLLOW` (a link's holder would choose where the lines go); a
 *   secret may be reached through links (Kubernetes mounts secrets so), each one this user's or root's, and the
 *   folders of both the name and the real file are checked.
 *
 * A problem is a `PlaceError` naming the file and the rule, never its content; lines worth a warning go to `warn`.
 */

export class PlaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlaceError";
  }
}

/** Takes a line for the operator (stderr). */
export type Warn = (line: string) => void;

/** How messages name a file and what whoever could change it could do. */
export interface Subject {
  /** The file as messages name it: `SCAIVAULT_AUDIT_FILE: the audit file`, `the state file /x/state.sqlite`. */
  file: string;
  /** What whoever may write or replace it could do: `forge or erase its lines`. */
  harm: string;
  /** What a failed open is said of (`SCAIVAULT_AUDIT_FILE`: `... : cannot open it (ENOENT)`); default `file`. */
  opened?: string;
}

/** The largest secret read: a key, a token, a credentials file a CLI keeps. */
export const SECRET_MAX_BYTES = 1024 * 1024;

const { O_APPEND, O_CREAT, O_NOFOLLOW, O_WRONLY, O_RDONLY, O_NONBLOCK, O_NOCTTY } = fsConstants;

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^[A-Z0-9_]{2,40}$/.test(code) ? code : "error";
}

function modeOf(stat: Stats, bits = 0o777): string {
  return (stat.mode & bits).toString(8).padStart(4, "0");
}

function euid(): number | undefined {
  return process.geteuid?.();
}

/** This user or root: the only owners whose files and folders toolwright trusts. */
function trusted(uid: number): boolean {
  const me = euid();
  return me === undefined || uid === me || uid === 0;
}

/** What the folder chain above a file allows others, as `checkFolders` found it. */
export interface FolderAccess {
  /** The file's own folder (real path). */
  folder: string;
  /** Every user may create names in the file's own folder (sticky, so they cannot replace this user's). */
  sharedSticky: boolean;
}

/**
 * Checks the folders above a file by the rules above (by their real paths), from its own folder up. `privateOwn`:
 * the file's own folder may not be one every user may write even with the sticky bit (the state file: SQLite opens
 * its side files by name later, so whoever may add names there could place a link first). `whole`: the walk does
 * not stop at a private folder of this user's (a file opened by name, whose owner no descriptor check confirms:
 * whoever could swap that folder between the checks and the library's open would choose the file).
 */
export function checkFolders(
  file: string,
  subject: Subject,
  warn: Warn,
  options: { privateOwn?: boolean; whole?: boolean } = {},
): FolderAccess {
  let own: string;
  try {
    own = realpathSync(dirname(resolve(file)));
  } catch {
    // No such folder (or none this user may enter): the open that follows says why the file cannot be opened.
    return { folder: dirname(resolve(file)), sharedSticky: false };
  }
  let folder = own;
  let sharedSticky = false;
  for (;;) {
    let stat: Stats;
    try {
      stat = statSync(folder);
    } catch (error) {
      throw new PlaceError(
        `${subject.opened ?? subject.file}: cannot read its folder ${folder} (${reasonOf(error)})`,
      );
    }
    const which = folder === own ? `${subject.file}'s folder` : `${subject.file}'s folder's parent ${folder}`;
    const sticky = (stat.mode & 0o1000) !== 0;
    const mode = modeOf(stat, 0o7777);
    if (!trusted(stat.uid)) {
      throw new PlaceError(
        `${which} belongs to another user (uid ${stat.uid}), who could replace the file and ${subject.harm}; name a file in a folder of your own (or root's)`,
      );
    }
    if ((stat.mode & 0o002) !== 0 && !sticky) {
      throw new PlaceError(
        `${which} is writable by every user (mode ${mode}) without the sticky bit, who could replace the file and ${subject.harm}; ${options.whole ? "" : `make a folder of your own in it (mkdir -m 0700 ${folder}/toolwright, then name the file inside it: a Kubernetes emptyDir is such a folder), or `}take that away (chmod o-w on the folder${options.whole ? ", or chmod +t: a Kubernetes emptyDir is such a folder" : ""}) or name a file in another folder`,
      );
    }
    if (folder === own && (stat.mode & 0o002) !== 0) {
      sharedSticky = true;
      if (options.privateOwn)
        throw new PlaceError(
          `${which} is writable by every user (mode ${mode}): they could place a link at a name the file's library opens later, and ${subject.harm}; name a file in a folder of your own (mkdir -m 0700 ${folder}/toolwright, then name the file inside it)`,
        );
    }
    if ((stat.mode & 0o020) !== 0 && !sticky) {
      warn(
        `${which} is writable by its group (mode ${mode}), whose members could replace the file; fine for a group of one (chmod g-w on the folder otherwise)`,
      );
    }
    // This user's own folder that nobody else may write: nothing inside it can be replaced by another.
    const me = euid();
    if (!options.whole && me !== undefined && stat.uid === me && (stat.mode & 0o022) === 0) break;
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return { folder: own, sharedSticky };
}

/**
 * Before opening, in a folder every user may add names to: what is at the name must be this user's (or root's),
 * whatever its type. A named pipe would be opened (blocking start until someone reads it) and take every line to
 * its owner; a link of theirs leads wherever they choose. Nothing there yet: the open creates this user's own.
 */
function checkPlanted(file: string, subject: Subject, folder: FolderAccess): void {
  if (!folder.sharedSticky) return;
  let owner: number;
  try {
    owner = lstatSync(file).uid;
  } catch {
    return;
  }
  if (!trusted(owner)) throw plantedBy(owner, subject);
}

function plantedBy(owner: number, subject: Subject): PlaceError {
  return new PlaceError(
    `${subject.file} belongs to another user (uid ${owner}) in a folder every user may write, who could ${subject.harm}, or read it; remove it, or name a file in a folder of your own`,
  );
}

/** The open file's owner and who else may write it, on its descriptor (closed when refused). */
function checkDescriptor(fd: number, stat: Stats, subject: Subject, folder: FolderAccess): void {
  if (!trusted(stat.uid)) {
    closeSync(fd);
    if (folder.sharedSticky) throw plantedBy(stat.uid, subject);
    throw new PlaceError(
      `${subject.file} belongs to another user (uid ${stat.uid}), who could ${subject.harm}; remove it, or name a file of your own`,
    );
  }
  if (!stat.isFile()) return;
  if ((stat.mode & 0o022) !== 0) {
    closeSync(fd);
    const who = (stat.mode & 0o002) !== 0 ? "every user" : "its group";
    throw new PlaceError(
      `${subject.file} is writable by ${who} (mode ${modeOf(stat)}), who could ${subject.harm}; take that away (chmod go-w) or name another file`,
    );
  }
}

/**
 * Opens a file to append evidence to (the audit log), creating it 0600 (the umask only takes bits away; its folder
 * must exist: one named by mistake is not made), after checking where it lies; returns the descriptor and the one `fstat` read at open.
 * Devices and pipes (`/dev/stderr`, a link to one) are not files others keep: their mode is not checked.
 * `readers`: the warning when others may read the file (evidence is no secret, but says who did what).
 */
export function openEvidenceFile(
  file: string,
  subject: Subject,
  warn: Warn,
  readers: (who: string, mode: string) => string,
): { fd: number; stat: Stats } {
  const folder = checkFolders(file, subject, warn);
  checkPlanted(file, subject, folder);
  const fd = openForAppending(file, subject);
  const stat = fstatSync(fd);
  checkDescriptor(fd, stat, subject, folder);
  if (stat.isFile() && (stat.mode & 0o044) !== 0)
    warn(readers((stat.mode & 0o004) !== 0 ? "every user" : "its group", modeOf(stat)));
  return { fd, stat };
}

/**
 * The file is named by its own path, never through a symbolic link to a regular file: whoever can place or replace
 * the link (in `/tmp`, anyone) chooses where the lines go, and the server would append them to a file of theirs, or
 * of the user it runs as (`~/.ssh/authorized_keys`). A link to a device or a pipe (`/dev/stderr`) is not a file
 * others keep. A link leading nowhere is refused too, without creating its target.
 */
function openForAppending(file: string, subject: Subject): number {
  try {
    return openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
  } catch (error) {
    const code = reasonOf(error);
    if (code !== "ELOOP")
      throw new PlaceError(`${subject.opened ?? subject.file}: cannot open it for appending (${code})`);
  }
  const linked = `${subject.file} is a symbolic link`;
  const fix =
    "name the file itself (a link's holder chooses where the lines go, and could point them at any file)";
  let fd: number;
  try {
    fd = openSync(file, O_WRONLY | O_APPEND);
  } catch (error) {
    throw new PlaceError(`${linked} that cannot be opened for appending (${reasonOf(error)}); ${fix}`);
  }
  if (fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new PlaceError(`${linked} to a regular file; ${fix}`);
  }
  return fd;
}

/** The files SQLite keeps beside the state file, which it opens by name as it needs them. */
const SIDE_FILES = ["-wal", "-shm", "-journal"];

/**
 * A file a library opens by name (the state file, through SQLite, with its `-wal`, `-shm` and `-journal`), so no
 * descriptor can be checked: its folders by the rules above all the way up (no private folder ends the walk), its own folder one nobody else may add names to (not
 * even with the sticky bit: they could place a link where a side file will be), and each name that exists now
 * neither a link (SQLite would write where it leads and `chmod 0600` it, as root any file at all) nor another user's.
 */
export function checkLibraryFile(file: string, subject: Subject, warn: Warn): void {
  checkFolders(file, subject, warn, { privateOwn: true, whole: true });
  for (const path of [file, ...SIDE_FILES.map((suffix) => `${file}${suffix}`)]) {
    let stat: Stats;
    try {
      stat = lstatSync(path);
    } catch {
      continue; // not there: SQLite creates it in a folder nobody else may write
    }
    const named = path === file ? subject.file : `${subject.file}'s side file ${path}`;
    if (stat.isSymbolicLink())
      throw new PlaceError(
        `${named} is a symbolic link: SQLite would write where it leads; name the file itself`,
      );
    const me = euid();
    if (me !== undefined && stat.uid !== me)
      throw new PlaceError(
        `${named} belongs to another user (uid ${stat.uid}), who could ${subject.harm}; remove it or name another file`,
      );
  }
}

/** A secret file opened and checked, not yet read: `read` reads the descriptor the checks were made on. */
export interface OpenSecret {
  read(): string;
  close(): void;
}

/**
 * Opens a secret file (a key, a token, a CLI's credentials) and checks it by the rules above; `read` then reads
 * that descriptor, so a name swapped after the checks changes nothing. A missing file throws the open's error
 * (`code` ENOENT) for callers that fall back.
 */
export function openSecretFile(path: string, subject: Subject, warn: Warn): OpenSecret {
  const { fd, stat } = openSecret(path, subject, warn, false);
  return openedSecret(fd, stat, subject);
}

/** How long a secret passed through a pipe may take to arrive whole (its writer may be fetching it). */
export const PIPE_DEADLINE_MS = 30_000;

/**
 * A secret read once at start that may also come through a pipe: a shell's process substitution
 * (`--client-key-file <(vault kv get ...)`, `/dev/fd/63`), `/dev/stdin` fed by a pipe, or a named pipe. A regular
 * file is read as `readSecretFile` reads it. A pipe is checked on its descriptor as a file is (this user's or
 * root's, nobody else may write into it or read from it: a shell's pipes are 0600) and read without blocking the
 * process, to its end, at most `SECRET_MAX_BYTES`, within `deadlineMs` (a pipe whose writer never ends is refused,
 * naming the file). A pipe can be read only once: a caller keeps what it read.
 */
export async function readSecretSource(
  path: string,
  subject: Subject,
  warn: Warn,
  options: { deadlineMs?: number } = {},
): Promise<string> {
  const { fd, stat } = openSecret(path, subject, warn, true);
  if (!stat.isFIFO()) {
    const file = openedSecret(fd, stat, subject);
    try {
      return file.read();
    } finally {
      file.close();
    }
  }
  const deadlineMs = options.deadlineMs ?? PIPE_DEADLINE_MS;
  // A pipe's descriptor as a socket: libuv reads it when it has data (a named pipe: once a writer has opened it).
  // node:net only here: the compile cache's folder check (bin start) loads this module before anything else.
  const { Socket } = await import("node:net");
  const pipe = new Socket({ fd, readable: true, writable: false });
  return await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const fail = (message: string): void => {
      clearTimeout(timer);
      pipe.destroy();
      reject(new PlaceError(message));
    };
    const timer = setTimeout(
      () =>
        fail(
          `${subject.file} is a pipe that did not end within ${deadlineMs / 1000} s (${length} bytes read): its writer must write the secret and close it`,
        ),
      deadlineMs,
    );
    pipe.on("data", (chunk: Buffer) => {
      length += chunk.length;
      if (length > SECRET_MAX_BYTES) {
        fail(
          `${subject.file} is a pipe that gave more than ${SECRET_MAX_BYTES} bytes: no key or token is that large`,
        );
        return;
      }
      chunks.push(chunk);
    });
    pipe.on("end", () => {
      clearTimeout(timer);
      pipe.destroy();
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    pipe.on("error", (error) =>
      fail(`${subject.opened ?? subject.file}: cannot read the pipe (${reasonOf(error)})`),
    );
  });
}

/** A regular secret file's bound, then the reader of its descriptor. */
function openedSecret(fd: number, stat: Stats, subject: Subject): OpenSecret {
  if (stat.size > SECRET_MAX_BYTES) {
    closeSync(fd);
    throw new PlaceError(
      `${subject.file} is larger than ${SECRET_MAX_BYTES} bytes (${stat.size}): no key or token file is; name the file that holds it`,
    );
  }
  let open = true;
  return {
    read() {
      // Chunk by chunk up to one byte past the bound: a file grown since the fstat is refused, not read without end.
      const chunks: Buffer[] = [];
      let length = 0;
      for (;;) {
        const chunk = Buffer.alloc(Math.min(64 * 1024, SECRET_MAX_BYTES + 1 - length));
        const n = readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) break;
        chunks.push(chunk.subarray(0, n));
        length += n;
        if (length > SECRET_MAX_BYTES)
          throw new PlaceError(`${subject.file} grew past ${SECRET_MAX_BYTES} bytes while it was read`);
      }
      return Buffer.concat(chunks).toString("utf8");
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/**
 * A secret's name checked, opened and its descriptor checked by the rules above: a regular file, or (`pipes`) a
 * pipe. Returns the descriptor and its `fstat`; closed when refused.
 */
function openSecret(path: string, subject: Subject, warn: Warn, pipes: boolean): { fd: number; stat: Stats } {
  const real = realOfSecret(path, subject);
  const named = checkFolders(path, subject, warn);
  // Reached through links: the real file's folders decide as well as the name's. A removed file behind a
  // descriptor has no folder left: its descriptor is what is read and checked.
  const folder =
    real === undefined || dirname(real) === named.folder ? named : checkFolders(real, subject, warn);
  checkPlanted(path, subject, named);
  let fd: number;
  try {
    // Non-blocking: a named pipe opens at once (and is refused below, or read when it arrives) instead of waiting.
    fd = openSync(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  } catch (error) {
    if (reasonOf(error) === "ENOENT") throw error;
    throw new PlaceError(`${subject.opened ?? subject.file}: cannot open it (${reasonOf(error)})`);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile() && !(pipes && stat.isFIFO())) {
    closeSync(fd);
    throw new PlaceError(
      `${subject.file} is not a regular file (${kindOf(stat)}): a secret is read from a file, whole and bounded; name a file`,
    );
  }
  checkDescriptor(fd, stat, subject, folder);
  checkLinksOnTheWay(fd, stat, path, subject, warn);
  if (stat.isFIFO()) {
    // Nobody else may write into the pipe (they would choose the secret) or read from it (they would take it).
    if ((stat.mode & 0o066) !== 0) {
      closeSync(fd);
      throw new PlaceError(
        `${subject.file} is a pipe others may write into or read from (mode ${modeOf(stat)}), who could choose or take the secret; chmod 0600 it`,
      );
    }
    return { fd, stat };
  }
  if ((stat.mode & 0o004) !== 0 || ((stat.mode & 0o040) !== 0 && stat.uid !== 0)) {
    const who = (stat.mode & 0o004) !== 0 ? "every user" : "its group";
    if (mountedByPlatform(stat)) {
      // Root's file read by another user: a platform's secret mount (Docker's secrets 0444, Kubernetes' secret
      // volumes 0644), which this user can neither narrow nor replace. Refusing it would stop every container
      // started with the platform's defaults; what others may read is the mount's setting, so it is said.
      warn(
        `${subject.file} is readable by ${who} (mode ${modeOf(stat)}, root's): set the mount's mode to 0400 (Docker's secret mode, Kubernetes' defaultMode 0400, or 0440 with fsGroup)`,
      );
    } else {
      closeSync(fd);
      throw new PlaceError(
        `${subject.file} is readable by ${who} (mode ${modeOf(stat)}), who could read the secret it holds; chmod 0600 it (its group may read it only when root owns it: Kubernetes' defaultMode 0440 with fsGroup, or 0400; Docker's secret mode 0400)`,
      );
    }
  }
  return { fd, stat };
}

/**
 * Where a secret's name leads (`realpath`), or undefined for a removed file behind a descriptor: `/dev/fd/N` (or
 * `/proc/<pid>/fd/N`) of a file opened and then removed (bash before 5.1 passes a here-document so, `exec 3<f;
 * rm f` too). Its link reads "/tmp/... (deleted)", which realpath cannot follow, but the descriptor still holds the
 * file; as for a pipe, the descriptor is what is opened, checked (owner, mode, kind, size) and read, and with no
 * name left nobody can swap it. Any other name that is missing stays ENOENT (callers fall back).
 */
function realOfSecret(path: string, subject: Subject): string | undefined {
  try {
    return realpathSync(path);
  } catch (error) {
    if (reasonOf(error) === "ENOENT" && removedBehindDescriptor(path)) return undefined;
    if (reasonOf(error) === "ENOENT") throw error;
    throw new PlaceError(`${subject.opened ?? subject.file}: cannot open it (${reasonOf(error)})`);
  }
}

/** Whether `path` (its folder resolved) is a process's descriptor link to a file that has been removed. */
function removedBehindDescriptor(path: string): boolean {
  try {
    const link = join(realpathSync(dirname(resolve(path))), basename(path));
    return DESCRIPTOR_LINK.test(link) && readlinkSync(link).endsWith(" (deleted)");
  } catch {
    return false;
  }
}

/** Opens, checks, reads and closes a secret file (`openSecretFile`). */
export function readSecretFile(path: string, subject: Subject, warn: Warn): string {
  const file = openSecretFile(path, subject, warn);
  try {
    return file.read();
  } finally {
    file.close();
  }
}

/**
 * Root's file while this process runs as another user: a secret a platform mounted (Docker, Kubernetes), whose mode
 * this user cannot change. Running as root, or reading a file of one's own, its mode is one's own to fix.
 */
function mountedByPlatform(stat: Stats): boolean {
  const me = euid();
  return me !== undefined && me !== 0 && stat.uid === 0;
}

/**
 * At most this many links on the way to a secret (Linux's own bound). A longer chain or a loop was refused by
 * `realpathSync` before the open (ELOOP); this bound only keeps the walk finite should a link change in between.
 */
const MAX_LINKS = 40;

/**
 * A process's link to one of its descriptors (/proc/<pid>/fd/<n>, behind /dev/fd/<n>; /proc/self resolved to the
 * pid): it leads to no name (a pipe, `pipe:[123]`) or to a removed file's, and the descriptor is what is read.
 */
const DESCRIPTOR_LINK = /^\/proc\/\d+\/(?:task\/\d+\/)?fd\/\d+$/;

/**
 * Every link on the way from the name to the file, not only the one at the name (Kubernetes mounts secrets so): each
 * must be this user's or root's, in a folder the rules above accept, or whoever holds it, or may replace it, chooses
 * the file (name -> link1 -> link2 -> file, link2 in a folder of another user's). Resolved part by part, as the
 * kernel does; when the walk ends at a file, it must be the one opened (else a link changed between the open and
 * this walk). Runs after the open, on its descriptor, which it closes when refused.
 */
function checkLinksOnTheWay(fd: number, opened: Stats, path: string, subject: Subject, warn: Warn): void {
  const refuse = (message: string): never => {
    closeSync(fd);
    throw new PlaceError(message);
  };
  const pending = resolve(path)
    .split("/")
    .filter((part) => part !== "" && part !== ".");
  // The name's own parts are the tail of `pending` (a link's target goes in front of them): the link at the name is
  // the last of them.
  let named = pending.length;
  let at = "/";
  let links = 0;
  // A name on the way that is gone: behind a descriptor's link (DESCRIPTOR_LINK) the descriptor is what is read;
  // anywhere else it was there for the open and is not now, removed or moved where the walk cannot check it.
  let viaDescriptor = false;
  const gone = (name: string): void => {
    if (!viaDescriptor)
      refuse(`${subject.file} changed while it was opened (${name}, on the way to it, is gone); try again`);
  };
  while (pending.length > 0) {
    const atName = pending.length === named && --named === 0;
    const part = pending.shift() as string;
    if (part === "..") {
      at = dirname(at);
      continue;
    }
    const next = at === "/" ? `/${part}` : `${at}/${part}`;
    let stat: Stats;
    try {
      stat = lstatSync(next);
    } catch {
      gone(next);
      return;
    }
    if (!stat.isSymbolicLink()) {
      at = next;
      continue;
    }
    if (++links > MAX_LINKS)
      refuse(`${subject.file} leads through more than ${MAX_LINKS} symbolic links; name the file itself`);
    if (!trusted(stat.uid))
      refuse(
        `${subject.file} ${atName ? "is" : `leads through ${next},`} a symbolic link of another user (uid ${stat.uid}), who chooses the file it leads to; name the file itself`,
      );
    try {
      checkFolders(next, subject, warn);
    } catch (error) {
      closeSync(fd);
      throw error instanceof PlaceError
        ? new PlaceError(`${subject.file} leads through the symbolic link ${next}: ${error.message}`)
        : error;
    }
    let target: string;
    try {
      target = readlinkSync(next);
    } catch {
      gone(next);
      return;
    }
    viaDescriptor = DESCRIPTOR_LINK.test(next);
    if (target.startsWith("/")) at = "/";
    pending.unshift(...target.split("/").filter((piece) => piece !== "" && piece !== "."));
  }
  let end: Stats;
  try {
    end = statSync(at);
  } catch {
    gone(at);
    return;
  }
  if (end.dev !== opened.dev || end.ino !== opened.ino)
    refuse(`${subject.file} changed while it was opened (a link on the way now leads elsewhere); try again`);
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  if (stat.isDirectory()) return "a folder";
  return "not a file";
}
