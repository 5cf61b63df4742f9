import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createMemoryStore,
  defaultStateFile,
  deferStateStore,
  openStateStore,
  parseStateSpec,
  SqliteOpenError,
  StateSpecError,
  StoreUnavailableError,
} from "../../src/state/index.js";
import { tmpDir } from "../helpers/paths.js";
import { storeContract } from "./contract.js";

describe("memory store", () => storeContract(async () => createMemoryStore()));

describe("embedded SQLite store", () => {
  const dir = tmpDir("state-sqlite");
  let n = 0;
  storeContract(() => openStateStore({ kind: "sqlite", file: join(dir, `s${n++}.sqlite`), chosen: true }));

  it("keeps a claim across a close and a reopen of the same file (a restart), in a private file", async () => {
    const file = join(dir, "restart.sqlite");
    const first = await openStateStore({ kind: "sqlite", file, chosen: true });
    const claim = { key: "scaivault:spent:n1", issuedAt: Date.now(), expiresAt: Date.now() + 60_000 };
    expect(await first.claim(claim)).toBe("claimed");
    await first.close();
    const second = await openStateStore({ kind: "sqlite", file, chosen: true });
    expect(await second.claim(claim)).toBe("taken");
    // A token issued before this process started, but after the file was created, is remembered, not forgotten.
    expect(await second.claim({ ...claim, key: "scaivault:spent:n2" })).toBe("claimed");
    await second.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("two handles on one file (two processes on one machine) share claims", async () => {
    const file = join(dir, "shared.sqlite");
    const [a, b] = await Promise.all([
      openStateStore({ kind: "sqlite", file, chosen: true }),
      openStateStore({ kind: "sqlite", file, chosen: true }),
    ]);
    const claim = { key: "x:spent:shared", issuedAt: Date.now(), expiresAt: Date.now() + 60_000 };
    expect([await a.claim(claim), await b.claim(claim)]).toEqual(["claimed", "taken"]);
    expect(await a.add([{ key: "x:rate", expiresAt: Date.now() + 60_000 }])).toEqual([1]);
    expect(await b.add([{ key: "x:rate", expiresAt: Date.now() + 60_000 }])).toEqual([2]);
    await Promise.all([a.close(), b.close()]);
  });

  it("a file that cannot be created is a clear error naming the file", async () => {
    const file = join(dir, "not-a-dir.sqlite", "x", "state.sqlite");
    await (
      await openStateStore({ kind: "sqlite", file: join(dir, "not-a-dir.sqlite"), chosen: true })
    ).close();
    await expect(openStateStore({ kind: "sqlite", file, chosen: true })).rejects.toThrow(SqliteOpenError);
    await expect(openStateStore({ kind: "sqlite", file, chosen: true })).rejects.toThrow(
      /cannot open the state file .*state\.sqlite/,
    );
    expect(existsSync(file)).toBe(false);
  });
});

describe("choosing the store", () => {
  it("defaults to an embedded file under XDG_STATE_HOME or ~/.local/state", () => {
    expect(parseStateSpec(undefined, { XDG_STATE_HOME: "/srv/state" })).toEqual({
      kind: "sqlite",
      file: "/srv/state/toolwright/state.sqlite",
      chosen: false,
    });
    expect(defaultStateFile({})).toMatch(/\.local\/state\/toolwright\/state\.sqlite$/);
  });

  it("reads --state first, then TOOLWRIGHT_STATE", () => {
    const env = { TOOLWRIGHT_STATE: "redis://:pw@cache:6380/2" };
    expect(parseStateSpec("memory", env)).toEqual({ kind: "memory" });
    const redis = parseStateSpec(undefined, env);
    expect(redis.kind === "redis" && redis.url.port).toBe("6380");
    expect(parseStateSpec("sqlite:/var/lib/tw/state.db", {})).toEqual({
      kind: "sqlite",
      file: "/var/lib/tw/state.db",
      chosen: true,
    });
    expect(parseStateSpec("/data/state.sqlite", {})).toMatchObject({
      kind: "sqlite",
      file: "/data/state.sqlite",
    });
  });

  it.each([
    ["redis://", /not a valid redis:\/\/ URL|names no host/],
    ["redis://host:6379/not-a-db", /database number/],
    ["postgres://db/x", /expected redis:\/\/host:port/],
    ["state", /expected redis:\/\/host:port/],
    ["sqlite:", /expected/],
  ])("refuses %s with a message naming where it came from", (spec, message) => {
    expect(() => parseStateSpec(spec, {})).toThrow(StateSpecError);
    expect(() => parseStateSpec(spec, {})).toThrow(message);
    expect(() => parseStateSpec(undefined, { TOOLWRIGHT_STATE: spec })).toThrow(/^TOOLWRIGHT_STATE: /);
  });

  it.each([
    "redis://:hunter2-canary@cache:6379/nope",
    // A password with a stray % (not %25): a clear error naming the part, before anything is opened.
    "redis://:hunter2-canary%zz@cache:6379",
    "rediss://:%E0%A4%Ahunter2-canary@cache:6380/1",
    "redis://hunter2-canary%@cache:6379",
  ])("never puts a Redis password in an error (%#)", (spec) => {
    try {
      parseStateSpec(undefined, { TOOLWRIGHT_STATE: spec });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StateSpecError);
      expect(String(error)).toMatch(/^Error: TOOLWRIGHT_STATE: the redis:\/\/ URL's/);
      expect(String(error)).not.toContain("hunter2-canary");
    }
  });
  it("takes a percent-encoded password ('p@ss:w/rd' as p%40ss%3Aw%2Frd)", () => {
    const spec = parseStateSpec("redis://:p%40ss%3Aw%2Frd@cache:6379/0", {});
    expect(spec.kind === "redis" && decodeURIComponent(spec.url.password)).toBe("p@ss:w/rd");
  });
});

describe("embedded SQLite store opened on first use (what serve starts with)", () => {
  const dir = tmpDir("state-deferred");
  let n = 0;
  storeContract(() => deferStateStore({ kind: "sqlite", file: join(dir, `d${n++}.sqlite`), chosen: false }));

  it("creates nothing but its private folder until used, and remembers from when it was set up", async () => {
    const file = join(dir, "later", "state.sqlite");
    const issuedBefore = Date.now();
    const store = await deferStateStore({ kind: "sqlite", file, chosen: true });
    expect(statSync(join(dir, "later")).mode & 0o777).toBe(0o700);
    expect(existsSync(file)).toBe(false);
    const issuedAfter = Date.now();
    // A token issued by this process before the file existed is claimed, not forgotten; one from before is.
    expect(await store.claim({ key: "k:a", issuedAt: issuedAfter, expiresAt: Date.now() + 60_000 })).toBe(
      "claimed",
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(
      await store.claim({ key: "k:b", issuedAt: issuedBefore - 1, expiresAt: Date.now() + 60_000 }),
    ).toBe("forgotten");
    await store.close();
  });

  it("a folder that cannot be made is a configuration error at once, naming the file; nothing is created", async () => {
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "");
    const file = join(blocker, "sub", "state.sqlite");
    await expect(deferStateStore({ kind: "sqlite", file, chosen: false })).rejects.toThrow(SqliteOpenError);
    await expect(deferStateStore({ kind: "sqlite", file, chosen: false })).rejects.toThrow(
      /cannot open the state file .*blocker\/sub\/state\.sqlite/,
    );
    // The default file, which nobody chose, says how to choose another (HOME unset or read-only).
    await expect(deferStateStore({ kind: "sqlite", file, chosen: false })).rejects.toThrow(
      /set XDG_STATE_HOME to a folder this user can write, or choose the store: --state <file>\.sqlite, --state memory or redis:\/\/\.\.\., or TOOLWRIGHT_STATE$/,
    );
    // A file the user chose is named as it is, with nothing about defaults.
    await expect(deferStateStore({ kind: "sqlite", file, chosen: true })).rejects.toThrow(
      /^cannot open the state file .*blocker\/sub\/state\.sqlite \([A-Z]+\)$/,
    );
  });

  it("a file that cannot be opened on first use is refused as unavailable, and opened once it can be", async () => {
    const folder = join(dir, "goes-away");
    const file = join(folder, "state.sqlite");
    const store = await deferStateStore({ kind: "sqlite", file, chosen: true });
    rmSync(folder, { recursive: true });
    writeFileSync(folder, ""); // the folder's path is now a file: opening fails
    const claim = { key: "k:c", issuedAt: Date.now(), expiresAt: Date.now() + 60_000 };
    await expect(store.claim(claim)).rejects.toThrow(StoreUnavailableError);
    await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
    rmSync(folder);
    expect(await store.claim(claim)).toBe("claimed");
    expect(await store.claim(claim)).toBe("taken");
    await store.close();
  });

  it("closing a store never used opens nothing", async () => {
    const file = join(dir, "unused", "state.sqlite");
    const store = await deferStateStore({ kind: "sqlite", file, chosen: true });
    await store.close();
    expect(existsSync(file)).toBe(false);
  });
});

/**
 * Where the state file lies decides who can spend or un-spend confirmation tokens: a folder every user may write
 * (sticky or not), a symbolic link at the file's name or at a side file's (`-wal`, `-shm`), and a file of another
 * user are refused, at start (`deferStateStore`) and when the file is opened. Before, a link planted at the name was
 * followed: SQLite wrote into the file it named, and `chmod 0600` changed that file's mode.
 */
describe("where the state file lies", () => {
  const root = tmpDir("state-place");
  let n = 0;
  const folder = (mode: number) => {
    const dir = join(root, `f${n++}`);
    mkdirSync(dir);
    chmodSync(dir, mode);
    return dir;
  };
  const refusals = async (file: string, message: RegExp) => {
    await expect(deferStateStore({ kind: "sqlite", file, chosen: true })).rejects.toThrow(SqliteOpenError);
    await expect(deferStateStore({ kind: "sqlite", file, chosen: true })).rejects.toThrow(message);
    await expect(openStateStore({ kind: "sqlite", file, chosen: true })).rejects.toThrow(message);
  };

  it.each(["0777", "1777", "0773"])(
    "a folder every user may write (mode %s) is refused; nothing is created",
    async (shown) => {
      const dir = folder(Number.parseInt(shown, 8));
      const file = join(dir, "state.sqlite");
      await refusals(file, new RegExp(`'s folder is writable by every user \\(mode ${shown}\\)`));
      expect(existsSync(file)).toBe(false);
    },
  );

  it("a link at the file's name, or at its -wal or -shm, is refused; the file it names keeps its bytes and mode", async () => {
    const dir = folder(0o700);
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "keep me\n");
    chmodSync(victim, 0o644);
    for (const name of ["state.sqlite", "wal.sqlite-wal", "shm.sqlite-shm"]) {
      const link = join(dir, name);
      symlinkSync(victim, link);
      const file = join(dir, name.replace(/-(wal|shm)$/, ""));
      await refusals(file, /is a symbolic link: SQLite would write where it leads; name the file itself/);
    }
    expect(readFileSync(victim, "utf8")).toBe("keep me\n");
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it("a state file of another user is refused (as root, who could open it; another user could not)", async () => {
    const dir = folder(0o755);
    const file = join(dir, "theirs.sqlite");
    writeFileSync(file, "");
    chownSync(file, 65534, 65534);
    await refusals(file, /belongs to another user \(uid 65534\)/);
  });

  it("its own file in a private folder opens, 0600", async () => {
    const file = join(folder(0o750), "state.sqlite");
    const store = await openStateStore({ kind: "sqlite", file, chosen: true });
    expect(await store.claim({ key: "k:p", issuedAt: Date.now(), expiresAt: Date.now() + 60_000 })).toBe(
      "claimed",
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await store.close();
  });
});
