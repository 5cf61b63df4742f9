import { join, relative } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics, formatDiagnostic } from "../../codegen/diagnostics.js";
import { type GeneratedCatalog, generateCatalog } from "../../codegen/index.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf } from "../helpers/generate.js";
import { callConfirmed, type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * An OpenAPI 3.2 document (test/e2e/specs/oas32.yaml) generated with its request/response types, type-checked,
 * and served to a real MCP client against a real upstream that records what it received: a `query` operation is a
 * read-only tool sending QUERY with its body, an `additionalOperations` entry sends its own method, a media type
 * `$ref` (components.mediaTypes) and a `$ref` through the document's `$self` are followed, a form `querystring`
 * parameter is the query string, and one of another content type leaves its operation out with a located reason.
 */
interface CatalogTool {
  name: string;
  safety: string;
  binding: { method: string; path: string };
  source: unknown;
}

const SPEC = join(ROOT, "test/e2e/specs/oas32.yaml");
const KEY = "k-32-secret";
const ITEM = { id: "a1", name: "lamp" };

let cat: GeneratedCatalog | undefined;
let diags: Diagnostics;
let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  diags = new Diagnostics();
  cat = await generateCatalog(
    { kind: "spec", spec: SPEC, name: "oas32" },
    { root: ROOT, out: relative(ROOT, tmpDir("oas32")), types: true },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  upstream = await startRecordingServer((req, res) => {
    if (req.method === "LINK") {
      res.writeHead(204);
      return res.end();
    }
    if (req.path === "/changes") {
      res.writeHead(200, { "content-type": "application/jsonl" });
      return res.end('{"id":"a1"}\n{"id":"a2"}\n');
    }
    if (req.path === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      return res.end('data: {"data":"created a1"}\n\n');
    }
    if (req.method === "QUERY" || (req.method === "GET" && req.path === "/items"))
      return sendJson(res, 200, [ITEM]);
    return sendJson(res, req.method === "POST" ? 201 : 200, ITEM);
  });
  served = await serveOverStdio(join(ROOT, cat.dir), {
    OAS32_BASE_URL: upstream.url,
    OAS32_API_KEY: KEY,
  });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("OpenAPI 3.2", () => {
  it("generates every operation it can send, types that compile, and locates the one it cannot", () => {
    if (!cat) throw new Error("no catalog");
    const doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as { tools: CatalogTool[] };
    const tools = doc.tools.map((t) => [t.name, `${t.binding.method} ${t.binding.path}`, t.safety]);
    expect(tools).toEqual([
      ["list_items", "GET /items", "read"],
      ["create_item", "POST /items", "write"],
      ["search_items", "QUERY /items", "read"],
      ["get_item", "GET /items/{id}", "read"],
      ["link_item", "LINK /items/{id}", "write"],
      ["find_by_query_string", "GET /find", "read"],
      ["stream_events", "GET /events", "read"],
      ["list_changes", "GET /changes", "read"],
      ["add_shape", "POST /shapes", "write"],
    ]);
    const left = diags.items.filter((d) => d.code === "TW139").map(formatDiagnostic);
    expect(left).toEqual([
      expect.stringMatching(
        /oas32\.yaml:112:11 \(#\/paths\/~1lookup\/get\/parameters\/0\) warning TW139: GET \/lookup is left out: parameter "q" has "in: querystring" \(OpenAPI 3\.2: the whole query string as one value\) with content application\/json; toolwright sends a query string only as application\/x-www-form-urlencoded/,
      ),
    ]);
    // The source of the LINK tool is where the spec writes it.
    const link = doc.tools.find((t) => t.name === "link_item");
    expect(link?.source).toMatchObject({
      pointer: "#/paths/~1items~1{id}/additionalOperations/LINK",
      line: 85,
    });
    // openapi-typescript types every operation but QUERY and LINK (it reads neither), and says so where they are;
    // the media type `$ref` and the `$self` reference are typed as the schema they name.
    expect(diags.items.filter((d) => d.code === "TW136").map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /oas32\.yaml:\d+:\d+ \(#\/paths\/~1items\/query\) warning TW136: .*: QUERY \/items, LINK \/items\/\{id\} have no request\/response types/,
      ),
    ]);
    const types = cat.files.get("api.openapi.gen.ts") ?? "";
    const typeOf = (op: string) => types.slice(types.indexOf(`    ${op}: {`)).split("\n    };")[0] ?? "";
    expect(typeOf("getItem")).toContain('"application/json": components["schemas"]["Item"];');
    expect(typeOf("createItem")).toContain('"application/json": components["schemas"]["Item"];');
    const problems = verifyCatalogs(ROOT, [cat]);
    expect(problems.map((p) => `${p.file.replace(/^.*\//, "")}:${p.line} ${p.message}`)).toEqual([]);
  });

  it("lists tools whose schemas ajv compiles, the query operation read-only", async () => {
    const { tools } = await served.client.listTools();
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const tool of tools) {
      ajv.compile(tool.inputSchema);
      if (tool.outputSchema) ajv.compile(tool.outputSchema);
    }
    const search = tools.find((t) => t.name === "search_items");
    expect(search?.annotations).toMatchObject({ readOnlyHint: true });
    // The media type `$ref` and the `$self` reference both give the item's output schema.
    for (const name of ["get_item", "create_item"]) {
      const output = tools.find((t) => t.name === name)?.outputSchema;
      expect(Object.keys(output?.properties ?? {})).toEqual(["id", "name"]);
    }
  });

  it("a query operation sends QUERY with its JSON body and the credential", async () => {
    const result = await served.client.callTool({
      name: "search_items",
      arguments: { text: "lamp", tags: ["home"] },
    });
    expect(result.isError ?? false).toBe(false);
    const got = upstream.received.at(-1);
    expect(got?.method).toBe("QUERY");
    expect(got?.path).toBe("/items");
    expect(got?.headers["x-api-key"]).toBe(KEY);
    expect(got?.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(got?.body.toString() ?? "null")).toEqual({ text: "lamp", tags: ["home"] });
    expect(result.structuredContent).toEqual({ result: [ITEM] });
  });

  it("a form querystring parameter is the whole query string, one pair a property", async () => {
    const result = await served.client.callTool({
      name: "find_by_query_string",
      arguments: { filter: { color: "dark red", size: "M" } },
    });
    expect(result.isError ?? false).toBe(false);
    const got = upstream.received.at(-1);
    expect(got?.method).toBe("GET");
    expect(got?.url).toBe("/find?color=dark%20red&size=M");
  });

  it("an additionalOperations entry sends its own method", async () => {
    const { result } = await callConfirmed(served.client, "link_item", { id: "a1" });
    expect(result.isError ?? false).toBe(false);
    const got = upstream.received.at(-1);
    expect(got?.method).toBe("LINK");
    expect(got?.path).toBe("/items/a1");
  });

  it("a response through a media type $ref is checked against its schema", async () => {
    const result = await served.client.callTool({ name: "get_item", arguments: { id: "a1" } });
    expect(result.isError ?? false).toBe(false);
    expect(upstream.received.at(-1)).toMatchObject({ method: "GET", path: "/items/a1" });
    expect(result.structuredContent).toEqual(ITEM);
  });

  it("a streamed (itemSchema) response comes back as text", async () => {
    const result = await served.client.callTool({ name: "stream_events", arguments: {} });
    expect(result.isError ?? false).toBe(false);
    const text = (result.content as { type: string; text: string }[])[0]?.text;
    expect(text).toContain('data: {"data":"created a1"}');
  });

  it("a JSON Lines (itemSchema) response comes back as its text, not as base64 bytes", async () => {
    const result = await served.client.callTool({ name: "list_changes", arguments: {} });
    expect(result.isError ?? false).toBe(false);
    const text = (result.content as { type: string; text: string }[])[0]?.text;
    expect(text).toBe('{"id":"a1"}\n{"id":"a2"}\n');
  });

  it("a body whose discriminator has a defaultMapping accepts the default variant", async () => {
    const { result } = await callConfirmed(served.client, "add_shape", { body: { kind: "square", side: 2 } });
    expect(result.isError ?? false).toBe(false);
    const got = upstream.received.at(-1);
    expect(got?.method).toBe("POST");
    expect(JSON.parse(got?.body.toString() ?? "null")).toEqual({ kind: "square", side: 2 });
    expect(textJson(result)).toEqual(ITEM);
  });
});
