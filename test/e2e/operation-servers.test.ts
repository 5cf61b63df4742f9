import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Operations with their own `servers` (OpenAPI 3: on the operation, or on its path item): uploads on another host
 * (GitHub's uploads.github.com, Dropbox's content.dropboxapi.com), a versioned path on the same host. Before, every
 * such call went to the document's server with a note saying so, which the upstream answered 404 (or, worse,
 * another operation). Now each is sent to its own server, variables filled with their defaults, a relative one
 * resolved against the document's; a base URL configured to anything else (a proxy, a mock) still takes every call.
 * The document server's variables and their allowed values are listed in the base URL variable's description.
 */
let doc: RecordingServer;
let uploads: RecordingServer;
let files: RecordingServer;
let proxy: RecordingServer;
let dir: string;
let catalog: {
  env: { name: string; description: string; default?: string }[];
  tools: { name: string; binding: { server?: { url: string; instead: string } } }[];
};
let diags: Diagnostics;

const spec = (docPort: number, uploadsUrl: string, filesPort: number) => `openapi: 3.0.3
info: { title: Servers, version: "1" }
servers:
  - url: http://{host}:{port}/v1
    variables:
      host: { default: 127.0.0.1, enum: [127.0.0.1, localhost] }
      port: { default: "${docPort}" }
paths:
  /items:
    get:
      operationId: listItems
      parameters: [{ name: q, in: query, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /uploads:
    servers: [{ url: "${uploadsUrl}/v2" }]
    post:
      operationId: upload
      requestBody: { content: { application/json: { schema: { type: object, properties: { a: { type: string } } } } } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
    get:
      operationId: listUploads
      servers: [{ url: "http://127.0.0.1:${docPort}/v1" }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /files/{id}:
    get:
      operationId: getFile
      servers:
        - url: http://127.0.0.1:{port}/{ver}
          variables:
            port: { default: "${filesPort}" }
            ver: { default: v9, enum: [v8, v9] }
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /rel:
    get:
      operationId: rel
      servers: [{ url: /other }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /relpath:
    servers: [{ url: "v5/" }]
    get:
      operationId: relPath
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

beforeAll(async () => {
  const ok = () => startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
  [doc, uploads, files, proxy] = await Promise.all([ok(), ok(), ok(), ok()]);
  const port = (s: RecordingServer) => new URL(s.url).port;
  dir = tmpDir("operation-servers");
  writeFileSync(
    join(dir, "openapi.yaml"),
    spec(Number(port(doc)), uploads.url.replace(/\/+$/, ""), Number(port(files))),
  );
  diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.yaml"), name: "srv" },
    { root: ROOT, out: relative(ROOT, join(dir, "out")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  dir = join(ROOT, cat.dir);
  catalog = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8"));
});

afterAll(async () => {
  await Promise.all([doc, uploads, files, proxy].map((s) => s?.close()));
});

const sentTo = (sent: { url: string }[]) => sent.map((r) => r.url);

describe("an operation's own server", () => {
  it("the base URL variable lists the spec's server variables and their allowed values", () => {
    const base = catalog.env.find((e) => e.name === "SRV_BASE_URL");
    expect(base?.default).toBe(`${doc.url.replace(/\/+$/, "")}/v1`);
    expect(base?.description).toContain("The spec's server is http://{host}:{port}/v1");
    expect(base?.description).toContain('{host}: one of "127.0.0.1", "localhost"; default "127.0.0.1"');
    expect(base?.description).toContain(`{port}: default "${new URL(doc.url).port}"`);
  });

  it("each call goes to its operation's server (path-level, operation-level with variables, relative), the others to the base URL", async () => {
    let served: Served | undefined;
    try {
      served = await serveOverStdio(dir, {});
      const call = async (server: RecordingServer, tool: string, args: Record<string, unknown>) => {
        const all = [doc, uploads, files, proxy];
        const before = all.map((s) => s.received.length);
        const { result, sent } = await callRecorded(served!.client, server, tool, args);
        expect(result.isError, JSON.stringify(result)).toBeFalsy();
        // Nothing reached any other upstream.
        all.forEach((s, i) => {
          if (s !== server) expect(s.received.length, `${tool} reached another upstream`).toBe(before[i]);
        });
        return sent;
      };
      expect(sentTo(await call(doc, "list_items", { q: "x" }))).toEqual(["/v1/items?q=x"]);
      const up = await call(uploads, "upload", { a: "b" });
      expect(sentTo(up)).toEqual(["/v2/uploads"]);
      expect(JSON.parse(up[0]!.body.toString())).toEqual({ a: "b" });
      // The path item's server is overridden by the operation's own (the document's, here).
      expect(sentTo(await call(doc, "list_uploads", {}))).toEqual(["/v1/uploads"]);
      expect(sentTo(await call(files, "get_file", { id: "a/b" }))).toEqual(["/v9/files/a%2Fb"]);
      expect(sentTo(await call(doc, "rel", {}))).toEqual(["/other/rel"]);
      expect(sentTo(await call(doc, "rel_path", {}))).toEqual(["/v1/v5/relpath"]);
    } finally {
      await served?.close();
    }
  });

  it("a base URL configured to another URL (a proxy, a mock) takes every call, a relative server resolved against it", async () => {
    let served: Served | undefined;
    try {
      served = await serveOverStdio(dir, { SRV_BASE_URL: `${proxy.url.replace(/\/+$/, "")}/p` });
      const urls: string[] = [];
      for (const [tool, args] of [
        ["list_items", {}],
        ["upload", { a: "b" }],
        ["rel", {}],
        ["rel_path", {}],
      ] as const) {
        const { result, sent } = await callRecorded(served.client, proxy, tool, args);
        expect(result.isError, JSON.stringify(result)).toBeFalsy();
        urls.push(...sentTo(sent));
      }
      // The spec's relative servers (`/other`, `v5/`) are resolved against the configured base URL as against the
      // spec's: before, the proxy got /p/rel and /p/relpath, without the operation's own path.
      expect(urls).toEqual(["/p/items", "/p/uploads", "/other/rel", "/p/v5/relpath"]);
      // get_file's own server http://127.0.0.1:{port}/{ver} reads this base URL as {ver} = p, which its enum (v8,
      // v9) does not list: a server the spec says does not exist, refused with no request
      // (test/e2e/operation-server-enum.test.ts).
      const refused = await callRecorded(served.client, proxy, "get_file", { id: "1" });
      expect(refused.result.content?.[0]?.text).toContain("with a value {ver} does not take");
      expect(refused.sent).toEqual([]);
    } finally {
      await served?.close();
    }
  });

  it("the binding records the server and what it stands in for; the tool's note says so", () => {
    const byName = new Map(catalog.tools.map((t) => [t.name, t]));
    expect(byName.get("list_items")?.binding.server).toBeUndefined();
    expect(byName.get("list_uploads")?.binding.server).toBeUndefined();
    // With its template (for the tenant lock: docs/safety.md), since its URL has variables.
    expect(byName.get("get_file")?.binding.server).toEqual({
      url: `http://127.0.0.1:${new URL(files.url).port}/v9`,
      instead: `http://127.0.0.1:${new URL(doc.url).port}/v1`,
      template: {
        template: "http://127.0.0.1:{port}/{ver}",
        variables: [{ name: "port" }, { name: "ver", enum: ["v8", "v9"] }],
      },
    });
    expect(JSON.stringify(byName.get("upload"))).toContain("its own server: it is sent to");
    expect(byName.get("rel")?.binding.server).toEqual({
      url: `http://127.0.0.1:${new URL(doc.url).port}/other`,
      instead: `http://127.0.0.1:${new URL(doc.url).port}/v1`,
      relative: "/other",
    });
    expect(JSON.stringify(byName.get("rel"))).toContain(
      "under another configured base URL, /other is resolved",
    );
  });

  it("a catalog whose relative server names a host or a scheme is refused at load", async () => {
    const { checkToolRecord } = await import("../../src/load/check.js");
    const tool = catalog.tools.find((t) => t.name === "rel") as unknown as Parameters<
      typeof checkToolRecord
    >[0];
    for (const relative of ["//evil.example/x", "\\\\evil.example", "https://evil.example", "/a#b"]) {
      const bad = {
        ...tool,
        binding: { ...tool.binding, server: { ...(tool.binding as { server: object }).server, relative } },
      };
      const problems = checkToolRecord(bad as typeof tool, catalog as never, {} as never);
      expect(problems.join("\n"), relative).toContain("its server's relative reference must be a path");
    }
  });
});

describe("an operation's own relative server when the document's server is relative too (or absent)", () => {
  // Both are relative to where the document is served, which the configured base URL names: before, the call went
  // under the document's prefix (/api/v3/b), the operation's own (/v2) ignored with a note.
  const relSpec = (servers: string) => `openapi: 3.0.3
info: { title: Rel, version: "1" }
${servers}paths:
  /a:
    get: { operationId: a, responses: { "200": { description: ok } } }
  /b:
    get: { operationId: b, servers: [{ url: /v2 }], responses: { "200": { description: ok } } }
  /c:
    servers: [{ url: "v4/" }]
    get: { operationId: c, responses: { "200": { description: ok } } }
  /d:
    get: { operationId: d, servers: [{ url: "https://elsewhere.example.com/x" }], responses: { "200": { description: ok } } }
  /e:
    get: { operationId: e, servers: [{ url: "/{version}/{zone}", variables: { version: { default: v9 }, zone: { default: eu, enum: [eu, us] } } }], responses: { "200": { description: ok } } }
`;
  for (const [label, servers, expected] of [
    [
      "relative document server",
      "servers: [{ url: /api/v3 }]\n",
      ["/api/v3/a", "/v2/b", "/api/v3/v4/c", "/api/v3/d", "/v9/eu/e"],
    ],
    ["no document server", "", ["/a", "/v2/b", "/v4/c", "/d", "/v9/eu/e"]],
  ] as const) {
    it(`${label}: each call goes under its own path on the configured base URL`, async () => {
      const upstream = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
      const folder = tmpDir("operation-servers-rel");
      writeFileSync(join(folder, "openapi.yaml"), relSpec(servers));
      const d = new Diagnostics();
      const cat = await generateCatalog(
        { kind: "spec", spec: join(folder, "openapi.yaml"), name: "rel" },
        { root: ROOT, out: relative(ROOT, join(folder, "out")) },
        d,
      );
      expect(errorsOf(d)).toEqual([]);
      if (!cat) throw new Error("no catalog");
      writeCatalog(ROOT, cat);
      const doc = JSON.parse(readFileSync(join(ROOT, cat.dir, "catalog.json"), "utf8")) as {
        env: { name: string; type: string }[];
        tools: { name: string; notes?: string[]; description: string }[];
      };
      const urlVar = doc.env.find((e) => e.type === "url")?.name as string;
      let served: Served | undefined;
      try {
        served = await serveOverStdio(join(ROOT, cat.dir), { [urlVar]: upstream.url });
        const urls: string[] = [];
        for (const tool of ["a", "b", "c", "d", "e"]) {
          const { result, sent } = await callRecorded(served.client, upstream, tool, {});
          expect(result.isError, JSON.stringify(result)).toBeFalsy();
          urls.push(...sentTo(sent));
        }
        expect(urls).toEqual(expected);
        // Only the absolute server that cannot be resolved says the base URL takes it.
        const noted = doc.tools
          .filter((t) => JSON.stringify(t).includes("its own server"))
          .map((t) => t.name);
        expect(noted).toEqual(["d"]);
      } finally {
        await served?.close();
        await upstream.close();
      }
    });
  }
});

describe("an operation's own server written as a reference that names a host", () => {
  it("is no relative reference: generate writes tools the runtime loads, and load refuses such a reference however it is spelled", async () => {
    // WHATWG URL reads a backslash as a slash and drops tabs, newlines and leading spaces, so `/\h/x`, `\\h/x` and
    // `\t//h/x` name the host h. Since 1230d01 generate kept them as `relative`, which the catalog check refuses:
    // every call of such a tool failed as an internal error. They name a host: the spec's base takes them as any
    // absolute operation server (its own URL under the spec's base URL, the configured one otherwise).
    const where = tmpDir("operation-servers-hosts");
    const ops = ["/\\\\other.example/x", "\\\\\\\\other.example/y", "\\t//other.example/z", "/v3"]
      .map(
        (url, i) => `  /p${i}:
    get:
      operationId: p${i}
      servers: [{ url: "${url}" }]
      responses: { "200": { description: ok } }
`,
      )
      .join("");
    writeFileSync(
      join(where, "openapi.yaml"),
      `openapi: 3.0.3\ninfo: { title: Hosts, version: "1" }\nservers: [{ url: "https://api.example.com/v1" }]\npaths:\n${ops}`,
    );
    const d = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: join(where, "openapi.yaml"), name: "hosts" },
      { root: ROOT, out: relative(ROOT, join(where, "out")) },
      d,
    );
    expect(errorsOf(d)).toEqual([]);
    if (!cat) throw new Error("no catalog");
    writeCatalog(ROOT, cat);
    const doc = JSON.parse(readFileSync(join(ROOT, cat.dir, "catalog.json"), "utf8"));
    const { checkToolRecord } = await import("../../src/load/check.js");
    const servers = doc.tools.map((t: { binding: { server?: object } }) => t.binding.server);
    expect(servers).toEqual([
      { url: "https://other.example/x", instead: "https://api.example.com/v1" },
      { url: "https://other.example/y", instead: "https://api.example.com/v1" },
      { url: "https://other.example/z", instead: "https://api.example.com/v1" },
      { url: "https://api.example.com/v3", instead: "https://api.example.com/v1", relative: "/v3" },
    ]);
    for (const tool of doc.tools) expect(checkToolRecord(tool, doc, {} as never), tool.name).toEqual([]);
    // A catalog edited to hold such a reference is refused at load, not resolved to the configured base alone.
    const rel = doc.tools[3];
    for (const bad of [
      "\t//evil.example/x",
      " //evil.example/x",
      "/\n/evil.example/x",
      "/\\evil.example",
      "\u0001//e.example",
    ]) {
      const tool = { ...rel, binding: { ...rel.binding, server: { ...rel.binding.server, relative: bad } } };
      expect(checkToolRecord(tool, doc, {} as never).join("\n"), JSON.stringify(bad)).toContain(
        "its server's relative reference must be a path",
      );
    }
  });
});

describe("an operation's own server with a variable no default fills", () => {
  // Before, `/{version}` (the variable not declared, or declared without a default) was sent as the literal path
  // /%7Bversion%7D/a, and `https://api.example.com/{zone}` as https://api.example.com/%7Bzone%7D/b.
  it("leaves the operation out at its servers (TW133, then TW139); declared defaults are filled", async () => {
    const folder = tmpDir("operation-servers-vars");
    writeFileSync(
      join(folder, "openapi.yaml"),
      `openapi: 3.0.3
info: { title: Vars, version: "1" }
servers: [{ url: https://api.example.com }]
paths:
  /a:
    get: { operationId: a, servers: [{ url: "/{version}" }], responses: { "200": { description: ok } } }
  /b:
    servers: [{ url: "https://other.example.com/{zone}" }]
    get: { operationId: b, responses: { "200": { description: ok } } }
  /c:
    get: { operationId: c, servers: [{ url: "/{version}", variables: { version: { enum: [v1] } } }], responses: { "200": { description: ok } } }
  /d:
    get: { operationId: d, servers: [{ url: "/{version}", variables: { version: { default: v7 } } }], responses: { "200": { description: ok } } }
`,
    );
    const d = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: join(folder, "openapi.yaml"), name: "vars" },
      { root: ROOT, out: relative(ROOT, join(folder, "out")) },
      d,
    );
    expect(errorsOf(d)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as {
      tools: { name: string; binding: { server?: { url: string } } }[];
    };
    expect(doc.tools.map((t) => t.name)).toEqual(["d"]);
    expect(doc.tools[0]?.binding.server?.url).toBe("https://api.example.com/v7");
    const left = d.items.filter((i) => i.code === "TW139");
    expect(
      left.map((i) => `${i.source?.pointer} ${/\{(version|zone)\} with no default/.test(i.message)}`),
    ).toEqual(["#/paths/~1a/get/servers true", "#/paths/~1b/servers true", "#/paths/~1c/get/servers true"]);
    // The document's own relative server so would send every path under the literal text: refused, located.
    writeFileSync(
      join(folder, "doc.yaml"),
      `openapi: 3.0.3\ninfo: { title: Vars, version: "1" }\nservers: [{ url: "/api/{version}" }]\npaths:\n  /a:\n    get: { operationId: a, responses: { "200": { description: ok } } }\n`,
    );
    const refused = new Diagnostics();
    const none = await generateCatalog(
      { kind: "spec", spec: join(folder, "doc.yaml"), name: "vars" },
      { root: ROOT, out: relative(ROOT, join(folder, "out2")) },
      refused,
    );
    expect(none).toBeUndefined();
    expect(
      refused.items.filter((e) => e.severity === "error").map((e) => `${e.code} ${e.source?.pointer}`),
    ).toEqual(["TW133 #/servers"]);
  });
});
