import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  constants as fsConstants,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { baseEnv, serve, spawnRaw } from "./harness.js";

/**
 * An existing audit file with a looser mode than the 0600 toolwright creates: one others may write (they could
 * forge or erase its lines) stops the server at start (exit 2) before anything is appended; one others may read
 * is served, with one stderr line saying so (its lines hold fingerprints and shapes, no values).
 */

let upstream: ScaivaultUpstream;
beforeAll(async () => {
  upstream = await startScaivaultUpstream();
});
afterAll(async () => {
  await upstream.close();
});

const PRELUDE = '{"existing":"line"}\n';
function auditFileWithMode(mode: number): string {
  const file = join(mkdtempSync(join(tmpdir(), "tw-audit-mode-")), "audit.jsonl");
  writeFileSync(file, PRELUDE);
  chmodSync(file, mode);
  expect(statSync(file).mode & 0o777).toBe(mode);
  return file;
}

describe("an existing audit file's mode", () => {
  it.each([
    ["0666", "every user"],
    ["0622", "every user"],
    ["0620", "its group"],
    ["0660", "its group"],
  ])("writable by others (mode %s) stops the server at start, naming the variable", async (shown, who) => {
    const file = auditFileWithMode(Number.parseInt(shown, 8));
    const raw = spawnRaw({ ...baseEnv(upstream, upstream.tokens.admin), SCAIVAULT_AUDIT_FILE: file });
    raw.child.stdin!.end();
    expect(await raw.exited).toBe(2);
    const stderr = raw.err.join("");
    expect(stderr).toContain(`SCAIVAULT_AUDIT_FILE: the audit file is writable by ${who} (mode ${shown})`);
    expect(stderr).toContain("chmod go-w");
    expect(stderr).not.toContain(file);
    expect(raw.out.join("")).toBe("");
    expect(readFileSync(file, "utf8")).toBe(PRELUDE);
    expect(upstream.requests).toHaveLength(0);
  });

  it.each([
    ["0644", "every user"],
    ["0640", "its group"],
  ])("readable by others (mode %s) is served with a warning; 0600 without one", async (shown, who) => {
    const file = auditFileWithMode(Number.parseInt(shown, 8));
    const s = await serve({ upstream, env: { SCAIVAULT_AUDIT_FILE: file } });
    try {
      const result = await s.call("scaivault_list_secrets", { prefix: "integrations/" });
      expect(result.isError).toBeFalsy();
      // stderr is its own pipe, read after the call's answer: the warning is waited for there.
      await s.waitForStderr(`SCAIVAULT_AUDIT_FILE: the audit file is readable by ${who}`);
      const lines = readFileSync(file, "utf8").split("\n");
      expect(lines[0]).toBe(PRELUDE.trim());
      expect(JSON.parse(lines[1]!)).toMatchObject({ tool: "scaivault_list_secrets", decision: "allowed" });
    } finally {
      await s.close();
    }
    const tight = auditFileWithMode(0o600);
    const quiet = await serve({ upstream, env: { SCAIVAULT_AUDIT_FILE: tight } });
    try {
      await quiet.call("scaivault_list_secrets", { prefix: "integrations/" });
      // The warning would come before the start line (the audit sink opens first): all of it has been read.
      expect(await quiet.waitForStderr("over stdio")).not.toContain("the audit file is");
    } finally {
      await quiet.close();
    }
  });
});

/**
 * Where the audit file lies. A symbolic link at the audit path (planted in a shared folder such as /tmp before the
 * server starts) would choose which file the lines are appended to: a link to a regular file, or one leading
 * nowhere, stops the server and the file it names is neither written nor created. A folder every user may write
 * without the sticky bit lets anyone replace the file: refused. A group-writable folder is served with a warning.
 * In a sticky folder every user may write (/tmp), a file another user created there is refused.
 */
describe("where the audit file lies", () => {
  const folder = (mode: number) => {
    const dir = join(mkdtempSync(join(tmpdir(), "tw-audit-dir-")), "logs");
    mkdirSync(dir);
    chmodSync(dir, mode);
    return dir;
  };
  async function refused(env: Record<string, string>, message: string) {
    const before = upstream.requests.length;
    const raw = spawnRaw({ ...baseEnv(upstream, upstream.tokens.admin), ...env });
    raw.child.stdin!.end();
    expect(await raw.exited).toBe(2);
    const stderr = raw.err.join("");
    expect(stderr).toContain(message);
    expect(raw.out.join("")).toBe("");
    expect(upstream.requests).toHaveLength(before);
  }

  it("a symbolic link to a regular file, or leading nowhere, stops the server; its target is untouched", async () => {
    const dir = folder(0o700);
    const victim = join(dir, "authorized_keys");
    writeFileSync(victim, "ssh-ed25519 AAAA victim\n");
    chmodSync(victim, 0o600);
    const link = join(dir, "audit.jsonl");
    symlinkSync(victim, link);
    await refused(
      { SCAIVAULT_AUDIT_FILE: link },
      "SCAIVAULT_AUDIT_FILE: the audit file is a symbolic link to a regular file; name the file itself",
    );
    expect(readFileSync(victim, "utf8")).toBe("ssh-ed25519 AAAA victim\n");
    // A relative link, and one through a linked folder's file, are links all the same.
    const relative = join(dir, "relative.jsonl");
    symlinkSync("authorized_keys", relative);
    await refused({ SCAIVAULT_AUDIT_FILE: relative }, "is a symbolic link to a regular file");
    const dangling = join(dir, "dangling.jsonl");
    const target = join(dir, "created-by-the-link");
    symlinkSync(target, dangling);
    await refused(
      { SCAIVAULT_AUDIT_FILE: dangling },
      "SCAIVAULT_AUDIT_FILE: the audit file is a symbolic link that cannot be opened for appending (ENOENT)",
    );
    expect(existsSync(target)).toBe(false);
    expect(readFileSync(victim, "utf8")).toBe("ssh-ed25519 AAAA victim\n");
  });

  it("a folder every user may write without the sticky bit stops the server; its group, a warning", async () => {
    const open = folder(0o777);
    await refused(
      { SCAIVAULT_AUDIT_FILE: join(open, "audit.jsonl") },
      "SCAIVAULT_AUDIT_FILE: the audit file's folder is writable by every user (mode 0777)",
    );
    expect(existsSync(join(open, "audit.jsonl"))).toBe(false);
    // Reached through a linked folder: the real folder decides.
    const linked = join(folder(0o700), "via");
    symlinkSync(open, linked);
    await refused(
      { SCAIVAULT_AUDIT_FILE: join(linked, "audit.jsonl") },
      "writable by every user (mode 0777)",
    );

    const group = folder(0o770);
    const file = join(group, "audit.jsonl");
    const s = await serve({ upstream, env: { SCAIVAULT_AUDIT_FILE: file } });
    try {
      expect((await s.call("scaivault_list_secrets", { prefix: "integrations/" })).isError).toBeFalsy();
      await s.waitForStderr(
        "SCAIVAULT_AUDIT_FILE: the audit file's folder is writable by its group (mode 0770)",
      );
    } finally {
      await s.close();
    }
    // Created 0600 whatever the umask.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8").split("\n")[0]!)).toMatchObject({ decision: "allowed" });
  });

  it("in a sticky folder every user may write, its own file is served and another user's refused", async () => {
    const shared = folder(0o1777);
    const own = join(shared, "own.jsonl");
    const s = await serve({ upstream, env: { SCAIVAULT_AUDIT_FILE: own } });
    try {
      expect((await s.call("scaivault_list_secrets", { prefix: "integrations/" })).isError).toBeFalsy();
      // The warning would come before the start line (the audit sink opens first): all of it has been read.
      expect(await s.waitForStderr("over stdio")).not.toContain("the audit file");
    } finally {
      await s.close();
    }
    // Another user's file there (chown needs root, which this suite runs as; a user who is not root cannot
    // append to a 0644 file of another user at all, so the case is root's).
    const planted = join(shared, "planted.jsonl");
    writeFileSync(planted, PRELUDE);
    chmodSync(planted, 0o644);
    chownSync(planted, 65534, 65534);
    await refused(
      { SCAIVAULT_AUDIT_FILE: planted },
      "SCAIVAULT_AUDIT_FILE: the audit file belongs to another user (uid 65534) in a folder every user may write",
    );
    expect(readFileSync(planted, "utf8")).toBe(PRELUDE);
  });

  it("in a sticky folder every user may write, another user's named pipe or link (to a device, to a file of this user) is refused unopened", async () => {
    const shared = folder(0o1777);
    // A pipe whose owner reads it (this test holds the reading end, so an open for writing would not block).
    const pipe = join(shared, "audit.pipe");
    expect(spawnSync("mkfifo", ["-m", "0622", pipe]).status).toBe(0);
    chownSync(pipe, 65534, 65534);
    const reader = openSync(pipe, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      await refused(
        { SCAIVAULT_AUDIT_FILE: pipe },
        "SCAIVAULT_AUDIT_FILE: the audit file belongs to another user (uid 65534) in a folder every user may write",
      );
      // Nothing reached the pipe (no writer has held it: end of file, or EAGAIN while one does).
      let read = 0;
      try {
        read = readSync(reader, Buffer.alloc(4096));
      } catch (error) {
        expect((error as { code?: string }).code).toBe("EAGAIN");
      }
      expect(read).toBe(0);
    } finally {
      closeSync(reader);
    }
    // Their link to a device, and to a regular file of the server's user: refused as theirs, before any open.
    for (const [target, name] of [
      ["/dev/null", "null.jsonl"],
      [join(mkdtempSync(join(tmpdir(), "tw-audit-own-")), "mine.jsonl"), "mine.jsonl"],
    ] as const) {
      const link = join(shared, name);
      symlinkSync(target, link);
      lchownSync(link, 65534, 65534);
      await refused({ SCAIVAULT_AUDIT_FILE: link }, "belongs to another user (uid 65534)");
      expect(existsSync(target)).toBe(target === "/dev/null");
    }
  });
});
