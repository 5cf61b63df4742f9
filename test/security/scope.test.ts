import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { genToDisk } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { serverPool } from "../helpers/server-pool.js";

/**
 * The path scope on operations ScaiVault does not have (issue 10, items 1-4): unconstrained path strings,
 * free-form objects next to a scoped name, redirects, paths relative to a mount, path patterns. A catalog
 * generated from test/security/scope, served over stdio in front of a real HTTP server on 127.0.0.1 that holds
 * a canary under every path; each refusal asserts what that server received (nothing of the forbidden path)
 * and that no canary reached the client, the audit log or stderr.
 *
 * No case leaves state in the server (refusals and reads only; redirects are the upstream's), so the cases share
 * one server per configuration (`served`): what a server said is checked over everything it said so far.
 */

const TOKEN = "scope-token-canary-51c7";
const canary = (path: string) => `canary-${Buffer.from(path).toString("hex")}`;

let upstream: RecordingServer;
let dir: string;
/** Redirects the upstream answers with: request path -> Location. */
const redirects = new Map<string, string>();

beforeAll(async () => {
  ({ dir } = await genToDisk(join(ROOT, "test/security/scope/tools.yaml"), tmpDir("scope")));
  upstream = await startRecordingServer((req, res) => {
    const location = redirects.get(req.path);
    if (location !== undefined) {
      res.writeHead(307, { location });
      return res.end();
    }
    const item = (path: string) => sendJson(res, 200, { path, value: canary(path) });
    const itemPath = /^\/v1\/(?:items|mirror)\/(.+)$/.exec(req.path);
    if (itemPath) return item(decodeURIComponent(itemPath[1]!));
    if (req.path === "/v1/lookup") return item(req.query.get("path") ?? "");
    if (req.path === "/v1/list") return sendJson(res, 200, { items: [] });
    if (req.path === "/v1/notes" || req.path === "/v1/copies" || req.path === "/v1/rules")
      return sendJson(res, 200, { ok: true });
    const store = /^\/v1\/stores\/([^/]+)$/.exec(req.path);
    if (store) return sendJson(res, 200, { id: store[1], mount_prefix: `mounts/${store[1]}/` });
    const inStore = /^\/v1\/stores\/([^/]+)\/items\/(.+)$/.exec(req.path);
    if (inStore) return item(`mounts/${inStore[1]}/${decodeURIComponent(inStore[2]!)}`);
  });
});
afterAll(async () => {
  await served.closeAll();
  await upstream?.close();
});
beforeEach(() => {
  upstream.received.length = 0;
  redirects.clear();
});

interface Server extends Served {
  call(name: string, args: Record<string, unknown>): Promise<{ isError?: boolean; text: string }>;
  said(): string;
}

async function start(env: Record<string, string>): Promise<Server> {
  const auditFile = join(mkdtempSync(join(tmpdir(), "tw-scope-audit-")), "audit.jsonl");
  const served = await serveOverStdio(dir, {
    SCOPE_URL: upstream.url,
    SCOPE_TOKEN: TOKEN,
    SCOPE_AUDIT_FILE: auditFile,
    ...env,
  });
  const traffic: string[] = [];
  return {
    ...served,
    async call(name, args) {
      const result = (await served.client.callTool({ name, arguments: args })) as {
        isError?: boolean;
        content?: Array<{ text?: string }>;
      };
      traffic.push(JSON.stringify(result));
      return { isError: result.isError, text: (result.content ?? []).map((c) => c.text ?? "").join("\n") };
    },
    said: () => [traffic.join("\n"), readFileSync(auditFile, "utf8"), served.stderr()].join("\n"),
  };
}

const served = serverPool(start);

/** Each server's paths checked by `expectNothingOf`: its stderr is read whole at the end of the file. */
const checkedOn = new Map<Server, Set<string>>();

/**
 * No canary of a path under `prefix` (nor the token) in anything the server said. The server's stderr may still
 * hold an unread line here (its own pipe); the last case reads each server's stderr whole, once it has exited.
 */
function expectNothingOf(server: Server, paths: string[]): void {
  const checked = checkedOn.get(server) ?? new Set<string>();
  for (const path of paths) checked.add(path);
  checkedOn.set(server, checked);
  const said = server.said();
  for (const path of paths) expect(said).not.toContain(canary(path));
  expect(said).not.toContain(TOKEN);
}

const sent = () => upstream.received.map((r) => `${r.method} ${decodeURIComponent(r.url)}`);

/** The path given to every scoped position (a read, a lookup, a form field, a listing's prefix): each refused with `message`. */
async function expectRefusedEverywhere(server: Server, path: string, message: RegExp) {
  for (const [tool, args] of [
    ["scope_read_item", { path }],
    ["scope_lookup_item", { path }],
    ["scope_add_note", { path, note: "n" }],
    ["scope_list_items", { prefix: `${path}/` }],
  ] as const) {
    const result = await server.call(tool, args);
    expect(result.text, `${tool} ${JSON.stringify(path)}`).toMatch(message);
  }
}

describe("item 3: characters that render as nothing", () => {
  it("cannot carry a path past a deny entry: refused before any request, in every scoped position", async () => {
    const server = await served.get({ SCOPE_DENIED_PATHS: "infra/" });
    const invisible = [
      "\u200b", // zero-width space
      "\u200c", // zero-width non-joiner
      "\u200d", // zero-width joiner
      "\u2060", // word joiner
      "\ufeff", // byte order mark
      "\u00ad", // soft hyphen
      "\u034f", // combining grapheme joiner
      "\u202e", // right-to-left override
      "\u2067", // right-to-left isolate
      "\u200e", // left-to-right mark
      "\u180e", // Mongolian vowel separator
      "\u3164", // Hangul filler
      "\ufe0f", // variation selector
      "\u{e0041}", // tag letter A
      "\u2028", // line separator
      "\u2800", // blank Braille pattern
      "\u1680", // Ogham space mark
    ];
    const tried: string[] = [];
    for (const ch of invisible) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      const message = new RegExp(`contains an invisible or formatting character \\(U\\+${code}\\)`);
      for (const path of [`in${ch}fra/db`, `infra${ch}/db`, `${ch}infra/db`, `infra/db${ch}`]) {
        tried.push(path);
        await expectRefusedEverywhere(
          server,
          path,
          new RegExp(`^refused by the path policy: '(path|prefix)' ${message.source}`),
        );
      }
    }
    expect(sent()).toEqual([]);
    expectNothingOf(server, tried);
  });
});

describe("segments Windows reads as another name", () => {
  // On a server that maps paths to files on Windows (or parses them with .NET Framework's Uri before 4.5), a
  // segment's trailing dots are dropped (`infra./db` is `infra/db`) and an NTFS stream opens the file or folder
  // before its colon (`billing:x`, `db::$DATA`, `infra::$INDEX_ALLOCATION`): a deny entry compares that name. An
  // 8.3 short name (`INFRAS~1` is `infrastructure`), or a stream with no name before it, no comparison can see.
  it("cannot carry a path past a deny entry: refused before any request while a deny list is set", async () => {
    const server = await served.get({ SCOPE_DENIED_PATHS: "infra/,apps/billing,infrastructure/" });
    const tried: string[] = [];
    for (const path of [
      "infra./db",
      "infra../db",
      "Infra .../db",
      "infra::$INDEX_ALLOCATION/db",
      "infra:$I30:$INDEX_ALLOCATION/db",
      "apps/billing./x",
      "apps/billing::$DATA",
      "apps/billing:$DATA",
      "apps/billing:x",
    ]) {
      tried.push(path);
      await expectRefusedEverywhere(
        server,
        path,
        /^refused by SCOPE_DENIED_PATHS: '(path|prefix)' is under the denied prefix (infra|apps\/billing)\//,
      );
    }
    for (const path of ["INFRAS~1/db", "infras~12/db", "apps/:x"]) {
      tried.push(path);
      await expectRefusedEverywhere(
        server,
        path,
        /^refused by SCOPE_DENIED_PATHS: '(path|prefix)' has a segment Windows reads as another name \(an 8\.3 short name such as 'INFRA~1', or a stream with no name before it such as ':x'\)/,
      );
    }
    expect(sent()).toEqual([]);
    expectNothingOf(server, tried);
    // A name Windows opens that is not denied is sent as written; so are a dot, a colon or a tilde otherwise.
    for (const path of [
      "apps/v1./x",
      "apps/v1.2/x",
      "apps/urn:x:y",
      "apps/fe80::1",
      "Foo::Bar/x",
      "apps/~home",
    ]) {
      const ok = await server.call("scope_read_item", { path });
      expect(ok.isError, `${path}: ${ok.text}`).toBeFalsy();
    }
    expect(sent()).toEqual([
      "GET /v1/items/apps/v1./x",
      "GET /v1/items/apps/v1.2/x",
      "GET /v1/items/apps/urn:x:y",
      "GET /v1/items/apps/fe80::1",
      "GET /v1/items/Foo::Bar/x",
      "GET /v1/items/apps/~home",
    ]);
  });

  it("without a deny list such a segment is only matched exactly (allow lists can only narrow)", async () => {
    const server = await served.get({ SCOPE_ALLOWED_PATHS: "apps/" });
    for (const path of ["apps/x::$DATA", "apps/x./y"]) {
      const inside = await server.call("scope_read_item", { path });
      expect(inside.isError, inside.text).toBeFalsy();
    }
    for (const path of ["APPS~1/x", "apps./x", "apps:x/y"]) {
      const outside = await server.call("scope_read_item", { path });
      expect(outside.text).toMatch(
        /^refused by SCOPE_ALLOWED_PATHS=apps\/: 'path' is outside the allowed prefixes/,
      );
    }
    expect(sent()).toEqual(["GET /v1/items/apps/x::$DATA", "GET /v1/items/apps/x./y"]);
  });

  it("segments of dots and spaces only are refused with no list set, as '..' is", async () => {
    const server = await served.get({});
    for (const path of ["a/.../b", "a/. ./b", "a/..:x/b", "a/..::$DATA/b", "a/. .:$I30/b"])
      await expectRefusedEverywhere(
        server,
        path,
        /^refused by the path policy: '(path|prefix)' has a segment of dots and spaces only/,
      );
    expect(sent()).toEqual([]);
  });

  it("dots before a stream's ':' cannot climb out of an allow list: '..:x' is '..' on Windows", async () => {
    const server = await served.get({ SCOPE_ALLOWED_PATHS: "apps/" });
    for (const path of ["apps/..:x/infra/db", "apps/..::$DATA/infra/db"])
      await expectRefusedEverywhere(
        server,
        path,
        /^refused by the path policy: '(path|prefix)' has a segment of dots/,
      );
    expect(sent()).toEqual([]);
  });
});

describe("item 2: a name a policy reads is claimed even when its argument is absent", () => {
  it.each([
    ["scope_lookup_item", { opts: { path: "infra/db" } }, "query parameter", "path", "path"],
    ["scope_lookup_item", { opts: { PATH: "infra/db" } }, "query parameter", "PATH", "path"],
    ["scope_lookup_item", { opts: { "path[x]": "infra/db" } }, "query parameter", "path[x]", "path"],
    ["scope_lookup_item", { prefs: { "pa.th": "x", path: "infra/db" } }, "query parameter", "path", "path"],
    ["scope_lookup_item", { opts: { tenant: "globex" } }, "query parameter", "tenant", "tenant"],
    ["scope_list_items", { filter: { prefix: "infra/" } }, "query parameter", "prefix", "prefix"],
    ["scope_add_note", { note: "n", extra: { path: "infra/db" } }, "form field", "path", "path"],
    ["scope_add_note", { note: "n", extra: { Path: "infra/db" } }, "form field", "Path", "path"],
  ])("%s %j: refused before any request", async (tool, args, where, name, owner) => {
    const server = await served.get({ SCOPE_DENIED_PATHS: "infra/" });
    const result = await server.call(tool, args);
    expect(result.isError).toBe(true);
    expect(result.text).toContain(
      `would set the ${where} name ${JSON.stringify(name)}, which belongs to argument '${owner}'`,
    );
    expect(sent()).toEqual([]);
    expectNothingOf(server, ["infra/db"]);
  });

  it("other keys of the same objects still go out, and the scoped argument itself is checked", async () => {
    const server = await served.get({ SCOPE_DENIED_PATHS: "infra/" });
    const ok = await server.call("scope_lookup_item", { path: "apps/x", opts: { color: "red" } });
    expect(ok.isError, ok.text).toBeFalsy();
    const note = await server.call("scope_add_note", { path: "apps/x", note: "n", extra: { by: "me" } });
    expect(note.isError, note.text).toBeFalsy();
    expect(sent()).toEqual(["GET /v1/lookup?path=apps/x&color=red", "POST /v1/notes"]);
    expect(upstream.received[1]!.body.toString()).toBe("path=apps%2Fx&note=n&by=me");
  });
});

describe("item 4: same-origin redirects are re-checked against the scope", () => {
  it.each([
    [
      "a path outside the allow list",
      "/v1/items/apps/x",
      "/v1/items/infra/db",
      /^refused by SCOPE_DENIED_PATHS: 'path' is under the denied prefix infra\//,
    ],
    [
      "in another case",
      "/v1/items/apps/x",
      "/v1/items/INFRA/db",
      /^refused by SCOPE_DENIED_PATHS: 'path' is under the denied prefix infra\//,
    ],
    ["percent-encoded", "/v1/items/apps/x", "/v1/items/%69nfra/db", /^refused by SCOPE_DENIED_PATHS/],
    [
      "an encoded slash",
      "/v1/items/apps/x",
      "/v1/items/infra%2Fdb",
      /^refused by the path policy: the redirect's 'path' cannot be decoded/,
    ],
    ["traversal", "/v1/items/apps/x", "/v1/items/apps/../infra/db", /^refused by /],
    [
      "another endpoint",
      "/v1/items/apps/x",
      "/v1/mirror/infra/db",
      /^refused by the path policy: the upstream redirected the call to another endpoint/,
    ],
    [
      "a query value",
      "/v1/lookup",
      "/v1/lookup?path=infra/db",
      /^refused by SCOPE_DENIED_PATHS: 'path' is under the denied prefix infra\//,
    ],
    [
      "a second query value",
      "/v1/lookup",
      "/v1/lookup?path=apps/x&path=infra/db",
      /^refused by SCOPE_DENIED_PATHS/,
    ],
    [
      "a listing prefix",
      "/v1/list",
      "/v1/list?prefix=infra/",
      /^refused by SCOPE_DENIED_PATHS: 'prefix' is under the denied prefix infra\//,
    ],
  ])("%s: refused, the target never requested", async (_label, from, to, message) => {
    redirects.set(from.split("?")[0]!, to);
    const server = await served.get({ SCOPE_DENIED_PATHS: "infra/" });
    const [tool, args] = from.startsWith("/v1/items")
      ? ["scope_read_item", { path: "apps/x" }]
      : from.startsWith("/v1/lookup")
        ? ["scope_lookup_item", { path: "apps/x" }]
        : ["scope_list_items", { prefix: "apps/" }];
    const result = await server.call(tool, args);
    expect(result.text).toMatch(message);
    expect(upstream.received.map((r) => r.path)).toEqual([from.split("?")[0]]);
    expectNothingOf(server, ["infra/db", "INFRA/db"]);
  });

  it("a redirect inside the scope is followed", async () => {
    redirects.set("/v1/items/apps/old", "/v1/items/apps/new");
    const server = await served.get({ SCOPE_ALLOWED_PATHS: "apps/" });
    const result = await server.call("scope_read_item", { path: "apps/old" });
    expect(result.isError, result.text).toBeFalsy();
    expect(result.text).toContain(canary("apps/new"));
    expect(sent()).toEqual(["GET /v1/items/apps/old", "GET /v1/items/apps/new"]);
    redirects.set("/v1/items/apps/x", "/v1/items/payments/x");
    const out = await server.call("scope_read_item", { path: "apps/x" });
    expect(out.text).toMatch(
      /^refused by SCOPE_ALLOWED_PATHS=apps\/: 'path' is outside the allowed prefixes/,
    );
    expect(sent().at(-1)).toBe("GET /v1/items/apps/x");
    expectNothingOf(server, ["payments/x"]);
  });
});

describe("item 1: a tool that touches paths without a scope fact fails closed", () => {
  const unscoped = ["scope_copy_tree", "scope_create_rule", "scope_mirror_item", "scope_read_store_item"];

  it("is not listed and is refused while a list is set, with zero requests; listed without lists", async () => {
    const open = await served.get({});
    const names = (await open.client.listTools()).tools.map((t) => t.name);
    for (const name of unscoped) expect(names).toContain(name);
    for (const env of [{ SCOPE_DENIED_PATHS: "infra/" }, { SCOPE_ALLOWED_PATHS: "apps/" }] as Record<
      string,
      string
    >[]) {
      const server = await served.get(env);
      const names = (await server.client.listTools()).tools.map((t) => t.name);
      for (const name of unscoped) expect(names, JSON.stringify(env)).not.toContain(name);
      expect(names).toContain("scope_read_item");
      // Refused exactly like an unknown tool (-32602), as denied tools are.
      await expect(server.call("scope_mirror_item", { key: "infra/db" })).rejects.toThrow(
        /Unknown tool: scope_mirror_item/,
      );
      expect(sent()).toEqual([]);
      expectNothingOf(server, ["infra/db"]);
    }
  });

  it("toolwright audit reports path scope coverage and a finding for each unscoped tool", async () => {
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync(process.execPath, [join(ROOT, "bin/toolwright.mjs"), "audit", dir], {
      cwd: ROOT,
      encoding: "utf8",
    });
    for (const [name, args] of [
      ["scope_mirror_item", "key"],
      ["scope_read_store_item", "path"],
      ["scope_copy_tree", "dest_prefix, source_path"],
      ["scope_create_rule", "rules.*.paths, watch_prefix"],
    ]) {
      expect(out).toContain(
        `[high] ${name}: takes path-like arguments no scope fact covers (${args}): while a path list is set the tool is not listed and is refused`,
      );
    }
    expect(out).not.toMatch(/\[high\] scope_(read_item|lookup_item|list_items|add_note): takes path-like/);
    expect(out).toMatch(/touch paths, 4 of them unscoped/);
    const json = JSON.parse(
      execFileSync(process.execPath, [join(ROOT, "bin/toolwright.mjs"), "audit", dir, "--json"], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    );
    const mirror = json.tools.find((t: { name: string }) => t.name === "scope_mirror_item");
    expect(mirror.policies.pathScope).toEqual({ touches: ["key"], unscoped: ["key"] });
  });
});

describe("stderr, read whole once each server has exited", () => {
  it("holds no canary of a path checked on that server, nor the token", async () => {
    expect(checkedOn.size).toBeGreaterThan(0);
    for (const [server, paths] of checkedOn) {
      const stderr = await server.stderrAtExit();
      for (const path of paths) expect(stderr).not.toContain(canary(path));
      expect(stderr).not.toContain(TOKEN);
    }
  });
});
