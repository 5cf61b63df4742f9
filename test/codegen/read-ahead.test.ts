import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { readAheadSpec } from "../../codegen/cli/read-ahead.js";
import { escapeRoom } from "../../codegen/load/ascii-json.js";
import {
  MAX_INPUT_FILE_BYTES,
  readAhead,
  readAheadCounts,
  readInputBytes,
  readsAhead,
} from "../../codegen/load/files.js";
import { tmpDir } from "../helpers/paths.js";

/**
 * The bin reads generate's `--openapi` file on the thread pool while the generator loads (`readAheadSpec`); the
 * loader's `readInputBytes` then takes those bytes instead of reading again. What it returns must be exactly what
 * its own read returns (the bytes, room for the escapes), a read ahead is taken once, and anything the read
 * would refuse (missing, a folder, too large) is left to `readInputBytes` to refuse as before.
 */

/** `readInputBytes` of `abs`, and whether it took a read ahead. */
function readBytes(abs: string, max = MAX_INPUT_FILE_BYTES, spare = escapeRoom) {
  const before = readAheadCounts.taken;
  const read = readInputBytes(abs, max, spare);
  return { read, took: readAheadCounts.taken - before };
}

describe("readAhead", () => {
  const dir = tmpDir("read-ahead");
  const file = join(dir, "spec.json");
  // Non-ASCII and more than one pool read's worth would not matter; bytes of every value do.
  const content = Buffer.concat([
    Buffer.from('{"openapi":"3.0.3","x":"caf\u00e9 \u{1f600}"}'),
    Buffer.alloc(300_000, 0x20),
  ]);

  it("gives the loader the file's bytes with the room its own read leaves, once", async () => {
    writeFileSync(file, content);
    readAhead(file, MAX_INPUT_FILE_BYTES, escapeRoom);
    await readsAhead();
    // The file changes after it was read ahead: the loader gets the bytes read (the one read of this run), ...
    writeFileSync(file, "{}");
    const first = readBytes(file);
    expect(first.took).toBe(1);
    if (!first.read.ok) throw new Error(first.read.reason);
    expect(Buffer.compare(first.read.bytes, content)).toBe(0);
    const limit = content.length + 1;
    expect(first.read.room.length).toBeGreaterThanOrEqual(limit + escapeRoom(limit));
    expect(first.read.bytes.buffer).toBe(first.read.room.buffer);
    // ... once: the next read is the file as it is now.
    const second = readBytes(file);
    expect(second.took).toBe(0);
    expect(second.read.ok && second.read.bytes.toString()).toBe("{}");
  });

  it("is not taken for another cap or more room than it was read with, and is dropped then", async () => {
    writeFileSync(file, content);
    readAhead(file, MAX_INPUT_FILE_BYTES, () => 0);
    await readsAhead();
    // More room asked for than the read ahead left: read again.
    expect(readBytes(file).took).toBe(0);
    readAhead(file, MAX_INPUT_FILE_BYTES, escapeRoom);
    await readsAhead();
    const other = readBytes(file, 1 << 20);
    expect(other.took).toBe(0);
    expect(other.read.ok).toBe(true);
    expect(readBytes(file).took).toBe(0);
    // Less room asked for than it has (a YAML spec gets the JSON room): taken.
    readAhead(file, MAX_INPUT_FILE_BYTES, escapeRoom);
    await readsAhead();
    expect(readBytes(file, MAX_INPUT_FILE_BYTES, () => 0).took).toBe(1);
  });

  it("leaves what readInputBytes refuses to readInputBytes: missing, a folder, too large", async () => {
    const missing = join(dir, "missing.json");
    const folder = join(dir, "folder.json");
    mkdirSync(folder, { recursive: true });
    const big = join(dir, "big.json");
    writeFileSync(big, Buffer.alloc(5000, 0x20));
    for (const abs of [missing, folder, big]) readAhead(abs, 4096, escapeRoom);
    await readsAhead();
    const a = readBytes(missing, 4096);
    expect(a).toEqual({ took: 0, read: { ok: false, code: "missing", reason: "no such file" } });
    const b = readBytes(folder, 4096);
    expect(b).toEqual({
      took: 0,
      read: { ok: false, code: "refused", reason: "not a regular file (a folder)" },
    });
    const c = readBytes(big, 4096);
    expect(c.took).toBe(0);
    expect(c.read.ok === false && c.read.reason).toMatch(/larger than/);
    // Nothing was kept for them: the big file within a larger cap is read, not taken.
    expect(readBytes(big).took).toBe(0);
  });

  it("a read started twice for one file reads it once and is taken once", async () => {
    writeFileSync(file, content);
    readAhead(file, MAX_INPUT_FILE_BYTES, escapeRoom);
    readAhead(file, MAX_INPUT_FILE_BYTES, escapeRoom);
    await readsAhead();
    expect(readBytes(file).took).toBe(1);
    expect(readBytes(file).took).toBe(0);
  });
});

describe("readAheadSpec", () => {
  const dir = tmpDir("read-ahead-spec");
  const file = join(dir, "api.json");
  writeFileSync(file, content());
  function content() {
    return '{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}';
  }

  it.each([
    ["--openapi FILE", (f: string) => ["generate", "--openapi", f, "--out", "x"]],
    ["--openapi=FILE", (f: string) => ["generate", "--name", "n", `--openapi=${f}`]],
    ["init --openapi FILE", (f: string) => ["init", "--openapi", f]],
  ])("reads %s, resolved against the working folder", async (_, argv) => {
    readAheadSpec(argv(relative(dir, file)), dir);
    await readsAhead();
    const taken = readBytes(file);
    expect(taken.took).toBe(1);
    expect(taken.read.ok && taken.read.bytes.toString()).toBe(readFileSync(file, "utf8"));
  });

  it.each([
    ["another verb", ["audit", "--openapi", "api.json"]],
    ["init's positional spec", ["init", "api.json"]],
    ["no --openapi", ["generate", "--graphql", "api.json"]],
    ["after --", ["generate", "--", "--openapi", "api.json"]],
    ["a flag's value", ["generate", "--name", "--openapi"]],
  ])("reads nothing for %s", async (_, argv) => {
    readAheadSpec(argv, dir);
    await readsAhead();
    expect(readBytes(file).took).toBe(0);
  });
});
