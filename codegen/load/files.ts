import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import { open } from "node:fs/promises";
import { isAbsolute, relative, sep } from "node:path";

/**
 * Reading the generator's input files without trusting them: only regular files (a `$ref` to `/dev/zero` would
 * never end, `/dev/stdin` or a FIFO would block), only up to a size cap, and, for files a spec reaches through
 * `$ref`, only inside the folders the spec may read (checked on the real path, so symlinks and `..` cannot leave
 * them).
 */

/**
 * Largest input file read (YAML/JSON spec, SDL, manifest, asset): 128 MiB. The largest public specs seen are
 * GitHub's fully dereferenced ones in @octokit/openapi (api.github.com.deref.json 73 MB, ghec.deref.json 78 MB).
 */
export const MAX_INPUT_FILE_BYTES = 128 * 1024 * 1024;

export type FileRead =
  | { ok: true; text: string; bytes: Buffer }
  | { ok: false; code: "missing" | "refused"; reason: string };

/**
 * Reads a file's text (`decodeText`) when it is a regular file of at most `max` bytes. Opened without blocking (a
 * FIFO opens at once and is then refused) and checked on the open descriptor, so the file cannot be swapped in
 * between.
 */
export function readInputFile(abs: string, max = MAX_INPUT_FILE_BYTES): FileRead {
  const read = readInputBytes(abs, max);
  if (!read.ok) return read;
  try {
    return { ok: true, ...decodeText(read.bytes) };
  } catch (e) {
    return { ok: false, code: "refused", reason: (e as Error).message };
  }
}

export type BytesRead =
  | { ok: true; bytes: Buffer; room: Buffer }
  | { ok: false; code: "missing" | "refused"; reason: string };

/**
 * `readInputFile`'s bytes, undecoded: `bytes` is the start of `room`, a buffer `spare(size)` bytes longer than the
 * file may be (pages never written cost no memory), for a caller that rewrites the text in place (`asciiJson`).
 */
export function readInputBytes(
  abs: string,
  max = MAX_INPUT_FILE_BYTES,
  spare: (size: number) => number = () => 0,
): BytesRead {
  const early = takeReadAhead(abs, max, spare);
  if (early) return early;
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR")
      return { ok: false, code: "missing", reason: "no such file" };
    return { ok: false, code: "refused", reason: (e as Error).message };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, code: "refused", reason: `not a regular file (${kindOf(stat)})` };
    if (stat.size > max) return { ok: false, code: "refused", reason: tooLarge(max) };
    const limit = Math.min(stat.size, max) + 1;
    const room = Buffer.allocUnsafe(limit + spare(limit));
    let length = 0;
    for (;;) {
      const n = readSync(fd, room, length, limit - length, null);
      if (n === 0) break;
      length += n;
      if (length > max) return { ok: false, code: "refused", reason: tooLarge(max) };
      if (length === limit) break;
    }
    return { ok: true, bytes: room.subarray(0, length), room };
  } catch (e) {
    return { ok: false, code: "refused", reason: (e as Error).message };
  } finally {
    closeSync(fd);
  }
}

/** A file read ahead (`readAhead`): its bytes, the room they start, and the cap and `limit` they were read under. */
interface ReadAhead {
  max: number;
  limit: number;
  bytes: Buffer;
  room: Buffer;
}

/** Reads ahead under way, and those done and kept (each taken at most once, by `readInputBytes`), by absolute path. */
const reading = new Map<string, Promise<void>>();
const readAheads = new Map<string, ReadAhead>();

/** How many reads ahead were taken by `readInputBytes` (a structural fact for tests). */
export const readAheadCounts = { taken: 0 };

/**
 * Starts reading the file at `abs` in libuv's thread pool, as `readInputBytes(abs, max, spare)` would read it, so
 * the bytes are there when the generator, still loading its modules, asks for them (the bin calls this for
 * generate's `--openapi` file before importing the generator: reading GitHub REST's 13 MB spec is ~40 ms of CPU,
 * mostly the kernel filling fresh pages, which the pool's thread then spends instead of the main thread). Only a
 * read `readInputBytes` would return as it is is kept: a file that is missing, not a regular file or too large is
 * left to `readInputBytes` to refuse, located, as before. `readsAhead` waits for every read started.
 */
export function readAhead(
  abs: string,
  max = MAX_INPUT_FILE_BYTES,
  spare: (size: number) => number = () => 0,
): void {
  if (reading.has(abs)) return;
  reading.set(
    abs,
    readBytesAhead(abs, max, spare).then(
      (read) => {
        reading.delete(abs);
        if (read) readAheads.set(abs, read);
      },
      () => {
        reading.delete(abs);
      },
    ),
  );
}

/** Resolves when every read `readAhead` started has ended (kept or not). */
export async function readsAhead(): Promise<void> {
  await Promise.all(reading.values());
}

/** `readInputBytes`' checks and reads (a non-blocking open, a regular file, the cap), on the thread pool. */
async function readBytesAhead(
  abs: string,
  max: number,
  spare: (size: number) => number,
): Promise<ReadAhead | undefined> {
  const handle = await open(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > max) return undefined;
    const limit = stat.size + 1;
    const room = Buffer.allocUnsafe(limit + spare(limit));
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(room, length, limit - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) return undefined;
      if (length === limit) break;
    }
    return { max, limit, bytes: room.subarray(0, length), room };
  } finally {
    await handle.close();
  }
}

/**
 * The read ahead of `abs`, once, when it was read as `readInputBytes(abs, max, spare)` reads (the same cap, at
 * least the room after the file it asks for); it is dropped either way.
 */
function takeReadAhead(abs: string, max: number, spare: (size: number) => number): BytesRead | undefined {
  const early = readAheads.get(abs);
  if (early === undefined) return undefined;
  readAheads.delete(abs);
  if (early.max !== max || early.room.length < early.limit + spare(early.limit)) return undefined;
  readAheadCounts.taken++;
  return { ok: true, bytes: early.bytes, room: early.room };
}

/**
 * The text of a file's bytes: UTF-8, after a byte order mark if there is one (Windows tools and .NET's OpenAPI
 * generators write one; JSON.parse refuses it), or UTF-16 when a UTF-16 byte order mark says so (what Windows
 * PowerShell 5's `Out-File` and `>` write). `bytes` are the text's UTF-8 bytes, without the mark.
 */
export function decodeText(raw: Buffer): { text: string; bytes: Buffer } {
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
    const bytes = raw.subarray(3);
    return { text: bytes.toString("utf8"), bytes };
  }
  const utf16 =
    raw[0] === 0xff && raw[1] === 0xfe
      ? "utf-16le"
      : raw[0] === 0xfe && raw[1] === 0xff
        ? "utf-16be"
        : undefined;
  if (utf16) {
    const text = new TextDecoder(utf16).decode(raw.subarray(2));
    return { text, bytes: Buffer.from(text, "utf8") };
  }
  return { text: raw.toString("utf8"), bytes: raw };
}

function tooLarge(max: number): string {
  return `larger than the ${Math.round(max / (1024 * 1024))} MiB limit for input files`;
}

function kindOf(stat: import("node:fs").Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a pipe";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}

/** The real path, or undefined when the file does not exist. */
export function realPath(abs: string): string | undefined {
  try {
    return realpathSync(abs);
  } catch {
    return undefined;
  }
}

/** Whether `real` (a real path) is one of `folders` (real paths) or lies beneath one. */
export function insideFolders(real: string, folders: readonly string[]): boolean {
  return folders.some((folder) => {
    const rel = relative(folder, real);
    return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  });
}
