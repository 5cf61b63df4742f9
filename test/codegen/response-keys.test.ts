import { join, relative } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostics } from "../../codegen/diagnostics.js";
import { writeCatalog } from "../../codegen/write.js";
import { resolveConfig } from "../../src/config/config.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Response keys written loosely: a lower-case range (`2xx`, as Fastify's route schemas write it), a status with a
 * space (`"200 "`), a YAML number (200), `Default`, a Swagger 2.0 range (2.0 has none). Each is read as the status
 * it plainly names, and the structure check says so (TW133 warning, at the key). Before, `"200 "` was no success
 * status (the tool published no output schema and served its reply unstructured), and the warning called a `2xx`,
 * which was read as the success status, a key toolwright ignores; of two loose keys in one responses object only
 * the first was said. `default` alone stays no success status: specs use it for errors as often as for results.
 */
const obj = (p: string) => `{ type: object, required: [${p}], properties: { ${p}: { type: string } } }`;
const SPEC30 = `openapi: 3.0.3
info: { title: Keys, version: "1" }
servers: [{ url: "https://keys.example.com" }]
paths:
  /lower:
    get:
      operationId: lower
      responses:
        2xx: { description: ok, content: { application/json: { schema: ${obj("a")} } } }
        5xx: { description: failed }
  /spaced:
    get:
      operationId: spaced
      responses:
        "200 ": { description: ok, content: { application/json: { schema: ${obj("b")} } } }
  /number:
    get:
      operationId: number
      responses:
        200: { description: ok, content: { application/json: { schema: ${obj("c")} } } }
        Default: { description: failed }
  /empty:
    post:
      operationId: emptyToo
      responses:
        "201": { description: made, content: { application/json: { schema: ${obj("d")} } } }
        " 204": { description: existed }
  /default:
    get:
      operationId: defaultOnly
      responses:
        default: { description: anything, content: { application/json: { schema: ${obj("e")} } } }
`;
const SPEC20 = `swagger: "2.0"
info: { title: Keys2, version: "1" }
host: keys.example.com
produces: [application/json]
paths:
  /lower:
    get:
      operationId: lower
      responses:
        2xx: { description: ok, schema: ${obj("a")} }
  /range:
    get:
      operationId: range
      responses:
        2XX: { description: ok, schema: ${obj("b")} }
        "404 ": { description: missing }
`;

const warnings = (diags: Diagnostics) =>
  diags.items
    .filter((d) => d.severity === "warning" && d.code === "TW133")
    .map((d) => `${d.source?.pointer} ${d.message.replace(/^\S+: /, "")}`);

async function generated(name: string, file: string, text: string) {
  const dir = writeTree(name, { [file]: text });
  const { cat, diags } = await genSpec(join(dir, file), name, relative(ROOT, join(dir, "out")));
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  return { cat, diags };
}

let upstream: RecordingServer;
let client: Client;

beforeAll(async () => {
  upstream = await startRecordingServer((req, res) => {
    const field = { "/lower": "a", "/spaced": "b", "/number": "c", "/empty": "d", "/default": "e" }[
      req.url ?? ""
    ];
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ [field ?? "x"]: "v" }));
  });
});

afterAll(async () => {
  await client?.close();
  await upstream?.close();
});

describe("response keys written loosely", () => {
  it("are read as the status they name, said at the key; default alone is no success", async () => {
    const { cat, diags } = await generated("response-keys", "openapi.yaml", SPEC30);
    expect(warnings(diags)).toEqual([
      '#/paths/~1lower/get/responses/2xx response key "2xx" is read as 2XX (OpenAPI writes three digits, a range such as 2XX, or default, with no spaces)',
      '#/paths/~1lower/get/responses/5xx response key "5xx" is read as 5XX (OpenAPI writes three digits, a range such as 2XX, or default, with no spaces)',
      '#/paths/~1spaced/get/responses/200  response key "200 " is read as 200 (OpenAPI writes three digits, a range such as 2XX, or default, with no spaces)',
      '#/paths/~1number/get/responses/Default response key "Default" is read as default (OpenAPI writes three digits, a range such as 2XX, or default, with no spaces)',
      '#/paths/~1empty/post/responses/ 204 response key " 204" is read as 204 (OpenAPI writes three digits, a range such as 2XX, or default, with no spaces)',
    ]);
    const tools = toolsOf(cat.files.get("catalog.json"));
    expect(tools).toEqual({
      lower: [{ status: "2XX", mediaType: "application/json" }, ["a"]],
      spaced: [{ status: "200", mediaType: "application/json" }, ["b"]],
      number: [{ status: "200", mediaType: "application/json" }, ["c"]],
      empty_too: [{ status: "201", mediaType: "application/json", empty: ["204"] }, ["d"]],
      default_only: [{ status: "200" }, []],
    });

    // Served: the reply to a tool whose success was `"200 "` is its structured result.
    writeCatalog(ROOT, cat);
    const catalog = await loadCatalog(join(ROOT, cat.dir));
    const base = catalog.doc.env.find((e) => e.name.endsWith("_BASE_URL"))?.name ?? "";
    const config = resolveConfig(catalog.doc.env, { [base]: upstream.url });
    const factory = createServer(catalog, config, { policy: { audit: false } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory({ era: "legacy" }).connect(serverSide);
    client = new Client({ name: "response-keys", version: "1.0.0" });
    await client.connect(clientSide);
    const listed = await client.listTools();
    expect(
      Object.keys(listed.tools.find((t) => t.name === "spaced")?.outputSchema?.properties ?? {}),
    ).toEqual(["b"]);
    const results = [];
    for (const name of ["lower", "spaced", "number", "empty_too"]) {
      const result = await client.callTool({ name, arguments: {} });
      results.push([name, result.isError ?? false, result.structuredContent]);
    }
    expect(results).toEqual([
      ["lower", false, { a: "v" }],
      ["spaced", false, { b: "v" }],
      ["number", false, { c: "v" }],
      ["empty_too", false, { d: "v" }],
    ]);
  });

  it("in Swagger 2.0 too, whose ranges (2XX) OpenAPI 3 defines", async () => {
    const { cat, diags } = await generated("response-keys-2", "swagger.yaml", SPEC20);
    expect(warnings(diags)).toEqual([
      '#/paths/~1lower/get/responses/2xx response key "2xx" is read as 2XX (OpenAPI writes three digits, a range such as 2XX, or default, with no spaces)',
      "#/paths/~1range/get/responses/2XX response key 2XX is a status range, which Swagger 2.0 does not define; read as OpenAPI 3 reads it",
      '#/paths/~1range/get/responses/404  response key "404 " is read as 404 (OpenAPI writes three digits, a range such as 2XX, or default, with no spaces)',
    ]);
    expect(toolsOf(cat.files.get("catalog.json"))).toEqual({
      lower: [{ status: "2XX", mediaType: "application/json" }, ["a"]],
      range: [{ status: "2XX", mediaType: "application/json" }, ["b"]],
    });
  });
});

/** Each tool of a catalog.json: its binding's success and its output schema's properties. */
function toolsOf(json: string | undefined): Record<string, unknown> {
  const doc = JSON.parse(json ?? "{}") as {
    tools: Array<{ name: string; binding: { success?: unknown }; outputSchema?: { properties?: object } }>;
  };
  return Object.fromEntries(
    doc.tools.map((t) => [t.name, [t.binding.success, Object.keys(t.outputSchema?.properties ?? {})]]),
  );
}
