import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkLibraryFile,
  openEvidenceFile,
  openSecretFile,
  PlaceError,
  readSecretFile,
  readSecretSource,
  SECRET_MAX_BYTES,
  type Subject,
} from "../../src/files/place.js";
import { openStateStore } from "../../src/state/open.js";

/**
 * The one set of rules for files that hold or guard secrets or evidence (src/files/place.ts, docs/safety.md), on
 * real files, folders, links, pipes and devices: a secret is opened once and checked and read on that descriptor;
 * the folders above a file are walked up to the first one of this user's own that nobody else may write; a folder
 * every user may write without the sticky bit (a Kubernetes emptyDir) is refused, saying how to make a private
 * folder in it, and a file in such a private folder is served.
 */

const SECRET = "s3cr3t-key-5b0c7e1d9a";
const KEY: Subject = { file: "TEST_KEY_FILE: the key file", harm: "choose the key" };
const root = mkdtempSync(join(tmpdir(), "tw-place-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const isRoot = process.geteuid?.() === 0;

let n = 0;
function folder(mode: number, parent = root): string {
  const dir = join(parent, `d${n++}`);
  mkdirSync(dir);
  chmodSync(dir, mode);
  return dir;
}
function secret(dir: string, mode = 0o600, content = SECRET): string {
  const file = join(dir, `key${n++}`);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PlaceError);
    const message = (error as Error).message;
    expect(message).not.toContain(SECRET);
    return message;
  }
  throw new Error("expected a refusal");
}
const warnings: string[] = [];
const warn = (line: string) => warnings.push(line);
const read = (path: string) => readSecretFile(path, KEY, warn);

describe("a secret file", () => {
  it("of its own, 0600 or 0400, in a private folder is read whole, without a warning", () => {
    const dir = folder(0o700);
    warnings.length = 0;
    expect(read(secret(dir))).toBe(SECRET);
    expect(read(secret(dir, 0o400))).toBe(SECRET);
    expect(warnings).toEqual([]);
  });

  it.each([
    [0o644, "readable by every user (mode 0644), who could read the secret"],
    [0o604, "readable by every user (mode 0604)"],
    [0o620, "writable by its group (mode 0620), who could choose the key"],
    [0o602, "writable by every user (mode 0602)"],
    [0o666, "writable by every user (mode 0666)"],
  ])("mode %o is refused, naming the file and the rule", (mode, said) => {
    const message = refusal(() => read(secret(folder(0o700), mode)));
    expect(message).toContain(`TEST_KEY_FILE: the key file is ${said}`);
  });

  it("its group may read it only when root owns it (PostgreSQL's rule for a key: 0640 root, or 0600 its own)", () => {
    const file = secret(folder(0o700), 0o640);
    if (isRoot) {
      expect(statSync(file).uid).toBe(0);
      expect(read(file)).toBe(SECRET);
    } else {
      expect(refusal(() => read(file))).toContain("is readable by its group (mode 0640)");
    }
  });

  it("root's file others may read is a platform's mount to another user (served, with a warning), root's own to fix", () => {
    // Docker's secrets are 0444 and Kubernetes' secret volumes 0644, root's, read by a server running as another user.
    const open = mkdtempSync(join(tmpdir(), "tw-place-mount-"));
    try {
      chmodSync(open, 0o755);
      const file = secret(folder(0o755, open), 0o644);
      warnings.length = 0;
      if (isRoot) {
        expect(refusal(() => read(file))).toContain("readable by every user (mode 0644), who could read");
        // The same file read by another user (this process's effective user switched, as the server's would be).
        process.seteuid?.(65534);
        try {
          expect(read(file)).toBe(SECRET);
        } finally {
          process.seteuid?.(0);
        }
        const groupOnly = secret(folder(0o755, open), 0o640);
        expect(read(groupOnly)).toBe(SECRET); // root's and its group's: PostgreSQL's rule, no warning
      } else {
        // Not root: a file root owns that every user may read stands for the mount (the folder is this user's).
        expect(read("/etc/passwd")).toContain("root:");
      }
      expect(warnings).toEqual([
        expect.stringMatching(
          /is readable by every user \(mode 0644, root's\): set the mount's mode to 0400 \(Docker's secret mode, Kubernetes' defaultMode 0400, or 0440 with fsGroup\)$/,
        ),
      ]);
      expect(warnings.join("\n")).not.toContain(SECRET);
    } finally {
      rmSync(open, { recursive: true, force: true });
    }
  });

  it("another user's file is refused (as root, who could read it; another user could not)", () => {
    const file = secret(folder(0o755), 0o600);
    if (isRoot) {
      chownSync(file, 65534, 65534);
      expect(refusal(() => read(file))).toContain("the key file belongs to another user (uid 65534)");
    } else {
      // Not root: every file this user can create is its own, and is read.
      expect(statSync(file).uid).toBe(process.geteuid?.());
      expect(read(file)).toBe(SECRET);
    }
  });

  it("a device, a named pipe without a writer, a folder: refused at once, nothing read", () => {
    expect(refusal(() => read("/dev/zero"))).toContain(
      "is not a regular file (a character device): a secret is read from a file, whole and bounded",
    );
    const pipe = join(folder(0o700), "key.pipe");
    expect(spawnSync("mkfifo", ["-m", "0600", pipe]).status).toBe(0);
    // Opened without blocking (no writer holds it), then refused by its type.
    expect(refusal(() => read(pipe))).toContain("is not a regular file (a named pipe)");
    expect(refusal(() => read(folder(0o700)))).toContain("is not a regular file (a folder)");
  });

  it("a file larger than the bound is refused before it is read; one that grows past it while read, too", () => {
    const big = secret(folder(0o700));
    truncateSync(big, SECRET_MAX_BYTES + 1); // sparse: no disk used
    expect(refusal(() => read(big))).toContain(`is larger than ${SECRET_MAX_BYTES} bytes`);
    const growing = secret(folder(0o700));
    const opened = openSecretFile(growing, KEY, warn);
    try {
      appendFileSync(growing, Buffer.alloc(SECRET_MAX_BYTES + 1));
      expect(refusal(() => opened.read())).toContain(`grew past ${SECRET_MAX_BYTES} bytes`);
    } finally {
      opened.close();
    }
  });

  it("a missing file throws the open's ENOENT for callers that fall back", () => {
    expect(() => read(join(folder(0o700), "missing"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });

  it("the descriptor wins: a link or a file swapped after the checks changes nothing read", () => {
    const dir = folder(0o700);
    const first = secret(dir);
    const other = secret(dir, 0o600, "attacker-chosen-key");
    const link = join(dir, "key.link");
    symlinkSync(first, link);
    const opened = openSecretFile(link, KEY, warn);
    try {
      unlinkSync(link);
      symlinkSync(other, link);
      expect(opened.read()).toBe(SECRET);
    } finally {
      opened.close();
    }
    expect(read(link)).toBe("attacker-chosen-key"); // a new open sees the new file, checked afresh
    // A file renamed over the name after the checks: the descriptor still reads the one checked.
    const named = secret(dir);
    const replaced = openSecretFile(named, KEY, warn);
    try {
      renameSync(secret(dir, 0o600, "replacement"), named);
      expect(readFileSync(named, "utf8")).toBe("replacement");
      expect(replaced.read()).toBe(SECRET);
    } finally {
      replaced.close();
    }
  });

  it("reached through links as Kubernetes mounts secrets (key -> ..data/key, ..data -> ..2026_12_05): read", () => {
    const volume = folder(0o1777);
    const stamped = join(volume, "..2026_12_05_17_00");
    mkdirSync(stamped, { mode: 0o755 });
    secret(stamped, 0o400);
    const name = `key${n - 1}`;
    symlinkSync("..2026_12_05_17_00", join(volume, "..data"));
    symlinkSync(`..data/${name}`, join(volume, name));
    expect(read(join(volume, name))).toBe(SECRET);
  });

  it("the real file's folders count as well as the name's: a link into a folder every user may write is refused", () => {
    const open = folder(0o777);
    const target = secret(open);
    const link = join(folder(0o700), "key.link");
    symlinkSync(target, link);
    expect(refusal(() => read(link))).toContain(
      "the key file's folder is writable by every user (mode 0777)",
    );
  });

  it("a link of another user at the name is refused (as root; another user's link elsewhere is met by the folder rules)", () => {
    const shared = folder(0o1777);
    const link = join(shared, "key.link");
    symlinkSync(secret(folder(0o700)), link);
    if (isRoot) {
      lchownSync(link, 65534, 65534);
      expect(refusal(() => read(link))).toContain(
        "belongs to another user (uid 65534) in a folder every user may write",
      );
    } else {
      expect(read(link)).toBe(SECRET);
    }
  });
});

describe("every link on the way to a secret, not only the one at the name", () => {
  it("name -> link -> file, the second link in a folder every user may write (no sticky bit): refused, naming that link", () => {
    const open = folder(0o777);
    const middle = join(open, "middle.link");
    symlinkSync(secret(folder(0o700)), middle);
    const name = join(folder(0o700), "key.link");
    symlinkSync(middle, name);
    const message = refusal(() => read(name));
    expect(message).toContain(`leads through the symbolic link ${middle}`);
    expect(message).toContain("writable by every user (mode 0777)");
  });

  it("the second link of another user in a folder every user may add to (sticky): refused as root; read when it is one's own", () => {
    const shared = folder(0o1777);
    const middle = join(shared, "middle.link");
    symlinkSync(secret(folder(0o700)), middle);
    const name = join(folder(0o700), "key.link");
    symlinkSync(middle, name);
    if (isRoot) {
      lchownSync(middle, 65534, 65534);
      expect(refusal(() => read(name))).toContain(
        `leads through ${middle}, a symbolic link of another user (uid 65534)`,
      );
    } else {
      expect(read(name)).toBe(SECRET);
    }
  });

  it("links through folders of one's own, relative and absolute, and a folder reached by a link: read", () => {
    const base = folder(0o700);
    const real = folder(0o700, base);
    const file = secret(real);
    const alias = join(base, "alias");
    symlinkSync(real, alias);
    const second = join(folder(0o700), "second.link");
    symlinkSync(join(alias, file.slice(real.length + 1)), second);
    const first = join(base, "first.link");
    symlinkSync(`../${second.split("/").slice(-2).join("/")}`, first);
    expect(read(first)).toBe(SECRET);
  });

  it("a loop, or more than 40 links, is refused with a located reason", () => {
    const dir = folder(0o700);
    let previous = secret(dir);
    for (let i = 0; i < 41; i++) {
      const link = join(dir, `hop${i}`);
      symlinkSync(previous, link);
      previous = link;
    }
    expect(refusal(() => read(previous))).toBe("TEST_KEY_FILE: the key file: cannot open it (ELOOP)");
    const loop = join(dir, "loop");
    symlinkSync(loop, loop);
    expect(refusal(() => read(loop))).toBe("TEST_KEY_FILE: the key file: cannot open it (ELOOP)");
    // 40 links are Linux's bound, and read.
    expect(read(join(dir, "hop38"))).toBe(SECRET);
  });

  it("the link at the name of another user, through a linked folder of one's own: refused as root, naming the name", () => {
    const real = folder(0o700);
    const alias = join(folder(0o700), "alias");
    symlinkSync(real, alias);
    symlinkSync(secret(folder(0o700)), join(real, "key.link"));
    const name = join(alias, "key.link");
    if (isRoot) {
      lchownSync(join(real, "key.link"), 65534, 65534);
      expect(refusal(() => read(name))).toBe(
        "TEST_KEY_FILE: the key file is a symbolic link of another user (uid 65534), who chooses the file it leads to; name the file itself",
      );
    } else {
      expect(read(name)).toBe(SECRET);
    }
  });
});

describe("a name on the way that is gone by the time the walk reaches it", () => {
  it("a link removed between the open and the walk (name -> link1 -> link2 -> file): refused, not read unchecked", () => {
    // link1 sits in a folder its group may write, so the walk warns while checking it, before it reads link1's
    // target: the warning stands in for the other side of a race and removes link2 then (after the open).
    const shared = folder(0o770);
    const link2 = join(folder(0o700), "link2");
    symlinkSync(secret(folder(0o700)), link2);
    const link1 = join(shared, "link1");
    symlinkSync(link2, link1);
    const name = join(folder(0o700), "key.link");
    symlinkSync(link1, name);
    let removed = false;
    const racing = (line: string) => {
      if (!removed && line.includes("writable by its group")) {
        unlinkSync(link2);
        removed = true;
      }
    };
    let message = "";
    try {
      readSecretFile(name, KEY, racing);
    } catch (error) {
      expect(error).toBeInstanceOf(PlaceError);
      message = (error as Error).message;
    }
    expect(removed).toBe(true);
    expect(message).toBe(
      `TEST_KEY_FILE: the key file changed while it was opened (${link2}, on the way to it, is gone); try again`,
    );
    // Left alone, the same chain is read (with the group's warning).
    symlinkSync(secret(folder(0o700)), link2);
    expect(readSecretFile(name, KEY, () => {})).toBe(SECRET);
  });
});

describe("a secret that may come through a pipe (readSecretSource: serve's --client-key-file)", () => {
  const said: string[] = [];
  const source = (path: string, deadlineMs?: number) =>
    readSecretSource(path, KEY, (line) => said.push(line), deadlineMs !== undefined ? { deadlineMs } : {});
  async function refusedAsync(run: Promise<unknown>): Promise<string> {
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlaceError);
    expect((error as Error).message).not.toContain(SECRET);
    return (error as Error).message;
  }
  function fifo(mode: number): string {
    const pipe = join(folder(0o700), `key${n++}.pipe`);
    expect(spawnSync("mkfifo", ["-m", mode.toString(8), pipe]).status).toBe(0);
    return pipe;
  }

  it("a shell's process substitution (/dev/fd/63, a pipe of this user's, 0600) is read to its end", () => {
    // A real bash: `<(printf ...)` as a user writes it; the reader runs in that process.
    const script = `import("${join(process.cwd(), "src/files/place.ts")}").then(async ({ readSecretSource }) => {
      const key = await readSecretSource(process.argv[1], { file: "K", harm: "h" }, (l) => console.error(l));
      process.stdout.write(JSON.stringify(key));
    });`;
    const run = spawnSync(
      "bash",
      ["-c", 'exec "$@" <(printf "%s\\n" "$K")', "bash", process.execPath, "--import", "tsx", "-e", script],
      { env: { ...process.env, K: SECRET }, encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toBe(`${SECRET}\n`);
  });

  it("a removed file behind a descriptor (/dev/fd/N: bash before 5.1's here-document, exec 3<f; rm f) is read from it, checked on it", async () => {
    // The descriptor is what is read, as a pipe's: the file has no name left to swap, and its owner and mode are
    // checked on it. realpath cannot resolve its link ("/tmp/... (deleted)"); that was refused ENOENT.
    const behind = (mode: number): { name: string; close: () => void } => {
      const file = secret(folder(0o700), mode);
      const fd = openSync(file, "r");
      unlinkSync(file);
      return { name: `/dev/fd/${fd}`, close: () => closeSync(fd) };
    };
    const good = behind(0o600);
    try {
      expect(await source(good.name)).toBe(SECRET);
      expect(read(good.name)).toBe(SECRET);
    } finally {
      good.close();
    }
    const open = behind(0o644);
    try {
      expect(await refusedAsync(source(open.name))).toContain(
        `TEST_KEY_FILE: the key file is readable by every user (mode 0644), who could read the secret`,
      );
    } finally {
      open.close();
    }
    // A removed name that no descriptor holds is still missing (ENOENT: callers fall back).
    const gone = secret(folder(0o700));
    unlinkSync(gone);
    expect(() => read(gone)).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });

  it("a named pipe of this user's is read once its writer has written and closed it", async () => {
    const pipe = fifo(0o600);
    const reading = source(pipe);
    // The writer opens it after the reader: the read waits for it, not for a clock.
    const { writeFile } = await import("node:fs/promises");
    await writeFile(pipe, `${SECRET}\n`);
    expect(await reading).toBe(`${SECRET}\n`);
    expect(said.splice(0)).toEqual([]);
  });

  it("a pipe others may write into or read from is refused at once; so is another user's", async () => {
    for (const mode of [0o620, 0o602, 0o640, 0o604]) {
      expect(await refusedAsync(source(fifo(mode)))).toContain(
        `is a pipe others may write into or read from (mode 0${mode.toString(8)}), who could choose or take the secret`,
      );
    }
    if (isRoot) {
      const theirs = fifo(0o600);
      chownSync(theirs, 4321, 4321);
      expect(await refusedAsync(source(theirs))).toContain("belongs to another user (uid 4321)");
    }
  });

  it("a pipe that never ends, or gives more than the bound, is refused naming the file", async () => {
    const silent = fifo(0o600);
    expect(await refusedAsync(source(silent, 50))).toBe(
      "TEST_KEY_FILE: the key file is a pipe that did not end within 0.05 s (0 bytes read): its writer must write the secret and close it",
    );
    const big = fifo(0o600);
    const reading = source(big);
    const { open } = await import("node:fs/promises");
    const writer = await open(big, "w");
    // More than the bound and the pipe's buffer: the write is cut (short, or EPIPE) once the reader has stopped.
    const written = writer.write(Buffer.alloc(4 * SECRET_MAX_BYTES, 0x61)).then(
      ({ bytesWritten }) => (bytesWritten < 4 * SECRET_MAX_BYTES ? "cut" : "whole"),
      (error: NodeJS.ErrnoException) => (error.code === "EPIPE" ? "cut" : error.code),
    );
    expect(await refusedAsync(reading)).toBe(
      `TEST_KEY_FILE: the key file is a pipe that gave more than ${SECRET_MAX_BYTES} bytes: no key or token is that large`,
    );
    expect(await written).toBe("cut");
    await writer.close();
  });

  it("a regular file is read as readSecretFile reads one; a device, a folder, a socket: refused", async () => {
    const dir = folder(0o700);
    expect(await source(secret(dir))).toBe(SECRET);
    expect(await refusedAsync(source(secret(dir, 0o644)))).toContain("is readable by every user (mode 0644)");
    expect(await refusedAsync(source("/dev/zero"))).toContain("is not a regular file (a character device)");
    expect(await refusedAsync(source(folder(0o700)))).toContain("is not a regular file (a folder)");
    const { createServer } = await import("node:net");
    const socketPath = join(folder(0o700), "key.sock");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      expect(await refusedAsync(source(socketPath))).toBe(
        "TEST_KEY_FILE: the key file: cannot open it (ENXIO)",
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(said.splice(0)).toEqual([]);
  });
});

describe("the folders above a protected file", () => {
  it("a folder every user may write without the sticky bit (a Kubernetes emptyDir) is refused, saying how to make a private one", () => {
    const emptyDir = folder(0o777);
    const message = refusal(() => read(secret(emptyDir)));
    expect(message).toContain(
      `TEST_KEY_FILE: the key file's folder is writable by every user (mode 0777) without the sticky bit`,
    );
    expect(message).toContain(`mkdir -m 0700 ${emptyDir}/toolwright`);
  });

  it("a private folder of one's own inside it is a safe place for a secret or evidence; the state file needs the whole chain closed", async () => {
    const emptyDir = folder(0o777);
    const privateDir = join(emptyDir, "toolwright");
    mkdirSync(privateDir, { mode: 0o700 });
    warnings.length = 0;
    expect(read(secret(privateDir))).toBe(SECRET);

    // The audit log in a folder made so.
    mkdirSync(join(emptyDir, "audit"), { mode: 0o700 });
    const audit = join(emptyDir, "audit", "audit.jsonl");
    const { fd } = openEvidenceFile(audit, { file: "the audit file", harm: "forge" }, warn, () => "readable");
    closeSync(fd);
    expect(statSync(audit).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([]);

    // Not the state file: SQLite opens it and its side files by name, with no owner check on a descriptor, so whoever
    // could swap the private folder before SQLite's open would choose the file. Its whole chain counts.
    const state = join(emptyDir, "state", "state.sqlite");
    await expect(openStateStore({ kind: "sqlite", file: state, chosen: true })).rejects.toThrow(
      `the state file ${state}'s folder's parent ${emptyDir} is writable by every user (mode 0777) without the sticky bit`,
    );
    await expect(openStateStore({ kind: "sqlite", file: state, chosen: true })).rejects.toThrow(
      "or chmod +t",
    );
    expect(existsSync(state)).toBe(false);
    // Made sticky (chmod +t, as an initContainer can), the same place keeps state.
    chmodSync(emptyDir, 0o1777);
    const store = await openStateStore({ kind: "sqlite", file: state, chosen: true });
    expect(await store.claim({ key: "k", issuedAt: Date.now(), expiresAt: Date.now() + 60_000 })).toBe(
      "claimed",
    );
    await store.close();
    expect(statSync(join(emptyDir, "state")).mode & 0o7777).toBe(0o700);
    chmodSync(emptyDir, 0o777);

    // The emptyDir itself is refused for each kind, and nothing is created in it.
    for (const run of [
      () =>
        openEvidenceFile(
          join(emptyDir, "a.jsonl"),
          { file: "the audit file", harm: "forge" },
          warn,
          () => "",
        ),
      () => checkLibraryFile(join(emptyDir, "s.sqlite"), { file: "the state file", harm: "reuse" }, warn),
    ])
      expect(refusal(run)).toContain(
        "'s folder is writable by every user (mode 0777) without the sticky bit",
      );
    expect(existsSync(join(emptyDir, "a.jsonl"))).toBe(false);
  });

  it("a parent that every user may write is refused above a folder that is not private (the walk goes on)", () => {
    const open = folder(0o777);
    const shared = folder(0o775, open); // its group may write it: not private, so the walk goes up
    warnings.length = 0;
    const message = refusal(() => read(secret(shared)));
    expect(message).toContain(`the key file's folder's parent ${open} is writable by every user (mode 0777)`);
    expect(warnings.join("\n")).toContain("the key file's folder is writable by its group (mode 0775)");
  });

  it("a sticky folder every user may write (/tmp) holds its own secret or evidence, not the state file", () => {
    const sticky = folder(0o1777);
    expect(read(secret(sticky))).toBe(SECRET);
    const { fd } = openEvidenceFile(
      join(sticky, "a.jsonl"),
      { file: "the audit file", harm: "forge" },
      warn,
      () => "",
    );
    closeSync(fd);
    expect(
      refusal(() => checkLibraryFile(join(sticky, "s.sqlite"), { file: "the state file", harm: "x" }, warn)),
    ).toContain(
      "'s folder is writable by every user (mode 1777): they could place a link at a name the file's library opens later",
    );
  });

  it("a folder of another user is refused (as root, whom it could deceive; a user's own folder is private)", () => {
    const theirs = folder(0o755);
    const file = secret(theirs);
    if (isRoot) {
      chownSync(theirs, 65534, 65534);
      expect(refusal(() => read(file))).toContain(
        "the key file's folder belongs to another user (uid 65534)",
      );
    } else {
      expect(read(file)).toBe(SECRET);
    }
  });

  it("a group-writable folder is served with one warning line (a group of one, as a umask of 002 makes)", () => {
    warnings.length = 0;
    expect(read(secret(folder(0o770)))).toBe(SECRET);
    expect(warnings.join("\n")).toContain("the key file's folder is writable by its group (mode 0770)");
    expect(readFileSync(secret(folder(0o700)), "utf8")).toBe(SECRET);
  });
});
