import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../codegen/diff/compare.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { resolveConfig } from "../../src/config/config.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { errorsOf, genManifest, genToDisk, writeTree } from "../helpers/generate.js";
import { specWith } from "../helpers/spec-text.js";

/**
 * Argument naming rules (`naming.arguments`, per catalog or per source): the names an agent sees follow the rule,
 * the executors still send the API's names, and reviewers see both (catalog.json, CATALOG.md, `toolwright diff`).
 */

const OPENAPI = specWith(
  `  /v1/apps/{appId}/builds:
    post:
      operationId: createBuild
      parameters:
        - { name: appId, in: path, required: true, schema: { type: string } }
        - { name: dryRun, in: query, schema: { type: boolean } }
        - { name: X-Request-Id, in: header, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [displayName]
              properties:
                displayName: { type: string }
                commitSha: { type: string }
                buildArgs: { type: object, properties: { nodeEnv: { type: string } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object, properties: { buildId: { type: string } } } } } }
  /v1/clash:
    get:
      operationId: clash
      parameters:
        - { name: pageSize, in: query, schema: { type: integer } }
        - { name: page_size, in: header, schema: { type: integer } }
      responses: { "200": { description: ok } }
`,
  "",
  { title: "apps", url: "https://apps.example.com" },
);

const GRAPHQL = `type Query { app(appId: ID!, withUsage: Boolean): App }
type App { id: ID! name: String! }
type Mutation { scale(stackId: ID!, appIds: [ID!]): App }
`;

const HANDLER = `import type { CustomHandler } from "toolwright/catalog";
const h: CustomHandler = async (args) => ({ data: { got: args } });
export default h;
`;

function manifest(rule: string, extra = "", tools = ""): string {
  return `catalog: named
naming: { prefix: n_${rule ? `, arguments: ${rule}` : ""} }
env:
  APPS_URL: { type: url, default: https://apps.example.com, description: Base URL. }
  GQL_URL: { type: url, default: https://gql.example.com/graphql, description: GraphQL endpoint. }
sources:
  rest: { openapi: ./openapi.yaml, base_url: { env: APPS_URL } }
  gql: { graphql: ./schema.graphql, base_url: { env: GQL_URL }, mutations: listed${extra} }
tools:
  n_release:
    from: rest#createBuild
    args:
      commitSha: { rename: sha }
  n_app: { from: gql#Query.app }
  n_scale:
    document: |
      mutation Scale($stackId: ID!, $appIds: [ID!]) { scale(stackId: $stackId, appIds: $appIds) { id } }
  n_echo:
    handler: ./handlers/echo.ts
    safety: read
    description: Echo.
    input: { type: object, properties: { appId: { type: string }, plan_hash: { type: string } } }
${tools}`;
}

async function generate(rule: string, extra = "", spec = OPENAPI, tools = "") {
  const dir = writeTree("argnaming", {
    "openapi.yaml": spec,
    "schema.graphql": GRAPHQL,
    "handlers/echo.ts": HANDLER,
    "tools.yaml": manifest(rule, extra, tools),
  });
  return { dir, ...(await genManifest(join(dir, "tools.yaml"))) };
}

const OK_SPEC = OPENAPI.slice(0, OPENAPI.indexOf("  /v1/clash:"));

const props = (doc: CatalogDocument, tool: string) =>
  Object.keys((doc.tools.find((t) => t.name === tool)!.inputSchema.properties ?? {}) as object);

describe("naming.arguments", () => {
  it("snake_case renames parameters, body fields and GraphQL variables; bindings keep the API's names", async () => {
    const { cat, diags } = await generate("snake_case", "", OK_SPEC);
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat!.files.get("catalog.json")!) as CatalogDocument;
    expect(props(doc, "n_release")).toEqual([
      "app_id",
      "dry_run",
      "x_request_id",
      "display_name",
      "sha",
      "build_args",
    ]);
    const release = doc.tools.find((t) => t.name === "n_release")!;
    if (release.binding.kind !== "http") throw new Error("http binding expected");
    expect(release.binding.params.map((p) => [p.arg, p.name])).toEqual([
      ["app_id", "appId"],
      ["dry_run", "dryRun"],
      ["x_request_id", "X-Request-Id"],
    ]);
    expect(release.binding.body?.fields?.map((f) => [f.arg, f.name])).toEqual([
      ["display_name", "displayName"],
      ["sha", "commitSha"],
      ["build_args", "buildArgs"],
    ]);
    // Required-ness follows the renamed argument; nested properties keep the API's names.
    expect(release.inputSchema.required).toEqual(["app_id", "display_name"]);
    expect(JSON.stringify(release.inputSchema)).toContain('"nodeEnv"');
    expect(props(doc, "n_app")).toEqual(["app_id", "with_usage"]);
    expect(props(doc, "n_scale")).toEqual(["stack_id", "app_ids"]);
    const scale = doc.tools.find((t) => t.name === "n_scale")!;
    if (scale.binding.kind !== "graphql") throw new Error("graphql binding expected");
    expect(scale.binding.variables).toEqual([
      { arg: "stack_id", name: "stackId" },
      { arg: "app_ids", name: "appIds" },
    ]);
    expect(doc.sources.map((s) => [s.id, s.argumentNaming])).toEqual([
      ["rest", "snake_case"],
      ["gql", "snake_case"],
    ]);
    // Handler inputs are their author's: not renamed, but a name outside the rule is a located warning.
    expect(props(doc, "n_echo")).toEqual(["appId", "plan_hash"]);
    const warning = diags.items.find((d) => d.code === "TW126")!;
    expect(warning.message).toContain('argument "appId" does not follow the catalog\'s snake_case');
    expect(warning.source?.file).toMatch(/tools\.yaml$/);
    expect(warning.source?.line).toBeGreaterThan(0);
    expect(diags.items.filter((d) => d.code === "TW126")).toHaveLength(1);

    const md = cat!.files.get("CATALOG.md")!;
    expect(md).toContain("| `app_id` (API: `appId`) | string | yes |");
    expect(md).toContain("| `stack_id` (API: `$stackId`) |");
    expect(md).toContain("| `sha` (API: `commitSha`) |");
    expect(md).toContain("Argument naming: `rest` snake_case, `gql` snake_case.");
  });

  it("camelCase, a per-source override, and as_is by default", async () => {
    const camel = await generate("camelCase", "", OK_SPEC);
    const doc = JSON.parse(camel.cat!.files.get("catalog.json")!) as CatalogDocument;
    expect(props(doc, "n_release")).toEqual([
      "appId",
      "dryRun",
      "xRequestId",
      "displayName",
      "sha",
      "buildArgs",
    ]);
    const mixed = await generate("snake_case", ", naming: { arguments: as_is }", OK_SPEC);
    const mixedDoc = JSON.parse(mixed.cat!.files.get("catalog.json")!) as CatalogDocument;
    expect(props(mixedDoc, "n_release")[0]).toBe("app_id");
    expect(props(mixedDoc, "n_app")).toEqual(["appId", "withUsage"]);
    expect(mixedDoc.sources.find((s) => s.id === "gql")!.argumentNaming).toBeUndefined();
    const plain = await generate("", "", OK_SPEC);
    const plainDoc = JSON.parse(plain.cat!.files.get("catalog.json")!) as CatalogDocument;
    expect(props(plainDoc, "n_release")).toEqual([
      "appId",
      "dryRun",
      "X-Request-Id",
      "displayName",
      "sha",
      "buildArgs",
    ]);
    expect(plain.diags.items.some((d) => d.code === "TW126")).toBe(false);
  });

  it("args: on a handler tool is a located TW115 (it was ignored): a name input lacks, and one it has", async () => {
    const tools = manifest("").replace(
      "    input: { type: object, properties: { appId: { type: string }, plan_hash: { type: string } } }\n",
      "    input: { type: object, properties: { appId: { type: string }, plan_hash: { type: string } } }\n    args:\n      appid: { description: The app. }\n      plan_hash: { rename: plan }\n",
    );
    const dir = writeTree("argnaming-handler", {
      "openapi.yaml": OK_SPEC,
      "schema.graphql": GRAPHQL,
      "handlers/echo.ts": HANDLER,
      "tools.yaml": tools,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(cat).toBeUndefined();
    expect(errorsOf(diags)).toEqual([
      'TW115 tool "n_echo": args: "appid" is not an argument of the handler tool (input has: appId, plan_hash)',
      'TW115 tool "n_echo": args: "plan_hash" does not apply to a handler tool: its arguments are input\'s properties, which its handler reads by name',
    ]);
    const lines = diags.items.filter((d) => d.code === "TW115").map((d) => d.source?.line);
    expect(lines.every((l) => l !== undefined && tools.split("\n")[l - 1]?.includes(":"))).toBe(true);
    expect(new Set(lines).size).toBe(2);
  });

  it("two API names that become one argument are a located error; nothing is generated", async () => {
    const { cat, diags } = await generate("snake_case", "", OPENAPI, "  n_clash: { from: rest#clash }\n");
    expect(cat).toBeUndefined();
    const error = diags.items.find((d) => d.code === "TW125")!;
    expect(error.message).toBe(
      'GET /v1/clash: query parameter "pageSize" and header parameter "page_size" would both be argument "page_size" (naming rule snake_case); rename one with args:',
    );
    // At the tool's entry in the manifest, where the fix (args: rename) goes.
    expect(error.source?.file).toMatch(/tools\.yaml$/);
    expect(error.source?.line).toBeGreaterThan(0);
    const gql = GRAPHQL.replace("appIds: [ID!]): App", "appIds: [ID!], app_ids: [ID!]): App");
    const dir = writeTree("argnaming-gql", {
      "openapi.yaml": OK_SPEC,
      "schema.graphql": gql,
      "handlers/echo.ts": HANDLER,
      "tools.yaml": manifest("snake_case")
        .replace(
          "scale(stackId: $stackId, appIds: $appIds)",
          "scale(stackId: $stackId, appIds: $appIds, app_ids: $app_ids)",
        )
        .replace("$appIds: [ID!])", "$appIds: [ID!], $app_ids: [ID!])"),
    });
    const second = await genManifest(join(dir, "tools.yaml"));
    expect(errorsOf(second.diags)).toContain(
      'TW125 tool "n_scale": variables $appIds and $app_ids would both be argument "app_ids" (naming rule snake_case); rename one with args:',
    );
    const at = second.diags.items.find((d) => d.code === "TW125")!.source!;
    expect(at.file).toMatch(/tools\.yaml$/);
    expect(at.line).toBeGreaterThan(0);
  });

  it("toolwright diff reports renamed arguments (still sent as the API's name) and the rule change", async () => {
    const before = JSON.parse((await generate("", "", OK_SPEC)).cat!.files.get("catalog.json")!);
    const after = JSON.parse((await generate("snake_case", "", OK_SPEC)).cat!.files.get("catalog.json")!);
    const changes = compareCatalogs(before, after);
    expect(changes).toContainEqual({
      subject: "n_release",
      kind: "argument renamed",
      detail: "appId -> app_id (still sent as appId)",
      widens: false,
    });
    expect(changes).toContainEqual({
      subject: "n_scale",
      kind: "argument renamed",
      detail: "stackId -> stack_id (still sent as $stackId)",
      widens: false,
    });
    expect(changes).toContainEqual({
      subject: "catalog",
      kind: "argument naming changed",
      detail: "rest: as_is -> snake_case",
      widens: false,
    });
    expect(changes.filter((c) => c.kind === "argument added" || c.kind === "argument removed")).toEqual([]);
  });

  it("the executors send the API's names: path, query, header, body field and GraphQL variable", async () => {
    const { dir } = await generate("snake_case", "", OK_SPEC);
    const { dir: out } = await genToDisk(join(dir, "tools.yaml"), join(dir, "out"));
    const catalog = await loadCatalog(out);
    const seen: { url: string; headers: Headers; body: string }[] = [];
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push({
        url: String(input),
        headers: new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]),
        body: typeof init?.body === "string" ? init.body : "",
      });
      const data = String(input).includes("graphql") ? { data: { scale: { id: "a1" } } } : { buildId: "r1" };
      return new Response(JSON.stringify(data), { headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    const client = await connectedClient(catalog, fakeFetch);
    const release = await client.callTool({
      name: "n_release",
      arguments: { app_id: "a1", dry_run: true, x_request_id: "req-7", display_name: "v2", sha: "abc" },
    });
    expect(release.isError).toBeFalsy();
    expect(seen[0]!.url).toBe("https://apps.example.com/v1/apps/a1/builds?dryRun=true");
    expect(seen[0]!.headers.get("x-request-id")).toBe("req-7");
    expect(JSON.parse(seen[0]!.body)).toEqual({ displayName: "v2", commitSha: "abc" });
    await client.callTool({ name: "n_scale", arguments: { stack_id: "s1", app_ids: ["a1"] } });
    expect(JSON.parse(seen[1]!.body).variables).toEqual({ stackId: "s1", appIds: ["a1"] });
    // The API's own names are not arguments: the schema refuses them.
    const old = await client.callTool({ name: "n_scale", arguments: { stackId: "s1" } });
    expect(old.isError).toBe(true);
    expect(seen).toHaveLength(2);
    await client.close();
  });
});

describe("API names that only cleaning makes one argument", () => {
  // Twilio writes range filters as `StartTime<` and `StartTime>` beside `StartTime`; PHP-style APIs `tag[]`
  // beside `tag`. Each cleans to the plain name; the name written as is keeps it, wherever it stands.
  const SPEC = specWith(
    `  /calls:
    get:
      operationId: listCalls
      parameters:
        - { name: "StartTime<", in: query, description: Before this time., schema: { type: string } }
        - { name: StartTime, in: query, schema: { type: string } }
        - { name: "StartTime>", in: query, schema: { type: string } }
        - { name: "StartTime>=", in: query, schema: { type: string } }
        - { name: "tag()", in: query, schema: { type: string } }
        - { name: tag, in: query, schema: { type: string } }
        - { name: "tag{}", in: query, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /tags:
    get:
      operationId: listTags
      parameters:
        - { name: tag, in: query, schema: { type: string } }
        - { name: "tag[]", in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
`,
    "",
    { openapi: "3.0.3", title: "Calls", url: "https://calls.example.com" },
  );

  it("the cleaned name yields: its operators spelled out, else numbered; the wire names are sent", async () => {
    const dir = writeTree("argnaming-clean", {
      "openapi.yaml": SPEC,
      "tools.yaml":
        "catalog: calls\nsources: { api: { openapi: ./openapi.yaml } }\nselect: [{ all: true }]\n",
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(errorsOf(diags)).toEqual([]);
    // tag[] is tag to servers that read names as PHP does, and the executors send such a name from one argument
    // only: a tag_2 for it could never be sent, so that operation is still left out.
    const skipped = diags.items.filter((d) => d.code === "TW139");
    expect(skipped.map((d) => d.message)).toEqual([
      'GET /tags is left out: GET /tags: query parameter "tag" and query parameter "tag[]" would both be argument "tag"; rename one with args:',
    ]);
    const doc = JSON.parse(cat!.files.get("catalog.json")!) as CatalogDocument;
    const tool = doc.tools.find((t) => t.name === "list_calls")!;
    const props = tool.inputSchema.properties as Record<string, { description?: string }>;
    expect(Object.keys(props)).toEqual([
      "StartTime_lt",
      "StartTime",
      "StartTime_gt",
      "StartTime_gte",
      "tag_2",
      "tag",
      "tag_3",
    ]);
    expect(props.StartTime_lt?.description).toBe("Before this time.");
    const md = cat!.files.get("CATALOG.md")!;
    expect(md).toContain("| `StartTime_lt` (API: `StartTime<`) | string | no | Before this time. |");
    const notes = md.split("\n").filter((l) => l.startsWith("- Note: "));
    expect(notes).toEqual([
      '- Note: query parameter "StartTime&lt;" is argument "StartTime_lt" (the name "StartTime" is taken by query parameter "StartTime")',
      '- Note: query parameter "StartTime&gt;" is argument "StartTime_gt" (the name "StartTime" is taken by query parameter "StartTime")',
      '- Note: query parameter "StartTime&gt;=" is argument "StartTime_gte" (the name "StartTime" is taken by query parameter "StartTime")',
      '- Note: query parameter "tag()" is argument "tag_2" (the name "tag" is taken by query parameter "tag")',
      '- Note: query parameter "tag{}" is argument "tag_3" (the name "tag" is taken by query parameter "tag")',
    ]);

    const { dir: out } = await genToDisk(join(dir, "tools.yaml"), join(dir, "out"));
    const catalog = await loadCatalog(out);
    const urls: string[] = [];
    const fakeFetch = (async (input: string | URL | Request) => {
      urls.push(String(input));
      return new Response("{}", { headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    const client = await connectedClient(catalog, fakeFetch);
    const result = await client.callTool({
      name: "list_calls",
      arguments: { StartTime_lt: "b", StartTime: "e", StartTime_gt: "a", tag_2: "x", tag: "y", tag_3: "z" },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const query = new URL(urls[0]!).searchParams;
    expect([...query]).toEqual([
      ["StartTime<", "b"],
      ["StartTime", "e"],
      ["StartTime>", "a"],
      ["tag()", "x"],
      ["tag", "y"],
      ["tag{}", "z"],
    ]);
    await client.close();
  });
});

/** A client of the catalog's server in this process (audit off), its upstream requests made through `fetch`. */
async function connectedClient(
  catalog: Awaited<ReturnType<typeof loadCatalog>>,
  fetch: typeof globalThis.fetch,
): Promise<Client> {
  const factory = createServer(catalog, resolveConfig(catalog.doc.env, {}), {
    fetch,
    policy: { audit: false },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await factory({ era: "legacy" }).connect(serverSide);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientSide);
  return client;
}
