import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/config.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { createRuntime } from "../../src/runtime/runtime.js";
import { errorsOf, genManifest, genToDisk, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

// Manifest features for catalogs of several sources (as Scaly's GraphQL control plane + REST data plane):
// `path` on a GraphQL source (its endpoint under a base URL the REST source shares), a per-scheme `hint` added to
// missing-credential messages, `internal: true` tools only handlers call, and the API's own error code kept
// from an error body. Generated from a small manifest, served in-process with a recording fetch.

const SCHEMA = join(ROOT, "specs/scaly/schema.graphql");

const OPENAPI = `openapi: 3.1.0
info: { title: data, version: "1" }
components:
  securitySchemes:
    session: { type: http, scheme: bearer }
security: [{ session: [] }]
paths:
  /v1/things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

const HANDLER = `import type { CustomHandler } from "toolwright/catalog";
const handler: CustomHandler = async (_args, ctx) => {
  const r = await ctx.call("mix_workspace", {});
  return r.ok ? { data: { slug: (r.data as { slug: string }).slug } } : { data: null, error: r.error };
};
export default handler;
`;

function manifest(extra = ""): string {
  return `catalog: mix
server: { name: mix }
env:
  API_URL: { type: url, description: Base URL of both planes. }
  API_KEY: { secret: true, description: Control-plane key. }
  SESSION: { secret: true, description: Data-plane token. }
sources:
  control:
    graphql: ${SCHEMA}
    path: /graphql
    base_url: { env: API_URL }
    mutations: listed
    auth:
      key: { type: apiKey, in: header, name: x-api-key, value: { env: API_KEY } }
  data:
    openapi: ./data.yaml
    base_url: { env: API_URL }
    auth:
      session:
        token: { env: SESSION }
        hint: Run \`mix login\` to get a session token.
tools:
  mix_workspace:
    from: control#Query.workspace
    internal: true
    selection: "{ slug revision }"
  mix_slug:
    handler: ./handlers/slug.ts
    safety: read
    description: The workspace slug, through the internal tool.
  mix_thing:
    from: data#getThing
${extra}`;
}

describe("generator", () => {
  it("publishes path, hint and internal in catalog.json", async () => {
    const dir = writeTree("mix-gen", {
      "tools.yaml": manifest(),
      "data.yaml": OPENAPI,
      "handlers/slug.ts": HANDLER,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat!.files.get("catalog.json") ?? "{}");
    expect(doc.sources.find((s: any) => s.id === "control").path).toBe("/graphql");
    expect(doc.sources.find((s: any) => s.id === "data").auth[0].hint).toBe(
      "Run `mix login` to get a session token.",
    );
    expect(doc.tools.find((t: any) => t.name === "mix_workspace").internal).toBe(true);
    expect(doc.tools.find((t: any) => t.name === "mix_thing").internal).toBeUndefined();
    expect(cat!.files.get("CATALOG.md")).toContain("Internal: called only by the catalog's handlers");
  });

  it("refuses internal tools with aliases, confirmation or a resource template, and path on OpenAPI sources", async () => {
    const bad = manifest(`  mix_purge:
    from: control#Mutation.deleteStack
    safety: destructive
    internal: true
    aliases: [mix_purge_stack]
resource_templates:
  - uri_template: mix://workspace/{x}
    tool: mix_workspace
`).replace("    openapi: ./data.yaml\n", "    openapi: ./data.yaml\n    path: /v2\n");
    const dir = writeTree("mix-bad", {
      "tools.yaml": bad,
      "data.yaml": OPENAPI,
      "handlers/slug.ts": HANDLER,
    });
    const { diags } = await genManifest(join(dir, "tools.yaml"));
    const errors = errorsOf(diags).join("\n");
    expect(errors).toContain('tool "mix_purge": an internal tool has no aliases');
    expect(errors).toContain('tool "mix_purge": an internal tool cannot require confirmation');
    expect(errors).toContain('resource template mix://workspace/{x} calls internal tool "mix_workspace"');
    expect(errors).toContain('source "data": path applies to GraphQL sources');
  });
});

describe("runtime", () => {
  let catalog: LoadedCatalog;
  const seen: { url: string; headers: Headers }[] = [];
  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    seen.push({ url, headers: new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]) });
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    if (url.endsWith("/graphql")) return json({ data: { workspace: { slug: "acme", revision: 7 } } });
    return json({ error: { code: "THING_LOCKED", message: "the thing is locked" } }, 409);
  }) as typeof fetch;

  beforeAll(async () => {
    const dir = writeTree("mix-run", {
      "tools.yaml": manifest(),
      "data.yaml": OPENAPI,
      "handlers/slug.ts": HANDLER,
    });
    const { dir: out } = await genToDisk(join(dir, "tools.yaml"), join(dir, "out"));
    catalog = await loadCatalog(out);
  });

  async function connect(env: Record<string, string>) {
    const config = resolveConfig(catalog.doc.env, { API_URL: "http://upstream.test/base/", ...env });
    const factory = createServer(catalog, config, { fetch: fakeFetch, policy: { audit: false } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory({ era: "legacy" }).connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    return client;
  }
  const text = (r: { content?: unknown }) => (r.content as { text: string }[]).map((c) => c.text).join("\n");

  it("internal tools are not listed, unknown to tools/call, and reachable from handlers (GraphQL at base + path)", async () => {
    const client = await connect({ API_KEY: "k-123456789" });
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(["mix_slug", "mix_thing"]);
    await expect(client.callTool({ name: "mix_workspace", arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
    seen.length = 0;
    const slug = await client.callTool({ name: "mix_slug", arguments: {} });
    expect(JSON.parse(text(slug))).toEqual({ slug: "acme" });
    expect(seen.map((s) => s.url)).toEqual(["http://upstream.test/base/graphql"]);
    expect(seen[0]!.headers.get("x-api-key")).toBe("k-123456789");

    // No entry point but a handler's ctx.call reaches it, whatever routes there.
    const runtime = createRuntime(catalog, resolveConfig(catalog.doc.env, { API_URL: "http://x.test" }), {
      fetch: fakeFetch,
      policy: { audit: false },
    });
    const { outcome } = await runtime.call({
      tool: runtime.tools.get("mix_workspace")!,
      calledAs: "mix_workspace",
      entry: "resources/read",
      rawArgs: {},
      client: { capabilities: {}, era: "legacy" },
      signal: new AbortController().signal,
    });
    expect(outcome.error).toEqual({ message: "unknown tool 'mix_workspace'", code: "unknown_tool" });
  });

  it("a missing credential names where it comes from and the manifest's hint; nothing is sent", async () => {
    const client = await connect({});
    seen.length = 0;
    const result = await client.callTool({ name: "mix_thing", arguments: { id: "t1" } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      /^missing credentials: set SESSION \(session\)\. Run `mix login` to get a session token\. \(correlation id/,
    );
    expect(seen).toEqual([]);
  });

  it("an HTTP error keeps the API's own error code next to the status; only the source's credentials are sent", async () => {
    const runtime = createRuntime(
      catalog,
      resolveConfig(catalog.doc.env, { API_URL: "http://upstream.test", SESSION: "s-abc", API_KEY: "k-xyz" }),
      { fetch: fakeFetch, policy: { audit: false } },
    );
    seen.length = 0;
    const { outcome } = await runtime.call({
      tool: runtime.tools.get("mix_thing")!,
      calledAs: "mix_thing",
      entry: "tools/call",
      rawArgs: { id: "t1" },
      client: { capabilities: {}, era: "legacy" },
      signal: new AbortController().signal,
    });
    expect(outcome.error).toEqual({
      message: "upstream answered HTTP 409 Conflict: the thing is locked",
      code: "http_409",
      details: { upstream_code: "THING_LOCKED" },
      quoted: { pieces: ["upstream answered HTTP 409 Conflict: ", "the thing is locked", ""] },
    });
    expect(seen[0]!.url).toBe("http://upstream.test/v1/things/t1");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer s-abc");
    expect(seen[0]!.headers.get("x-api-key")).toBeNull();
  });
});
