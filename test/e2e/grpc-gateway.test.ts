import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf } from "../helpers/generate.js";
import { callConfirmed, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * gRPC-gateway's protoc-gen-openapiv2 output (test/e2e/specs/grpc-gateway.swagger.json, in the form of
 * grpc-ecosystem/grpc-gateway's examples/internal/proto/examplepb/a_bit_of_everything.swagger.json): Google's path
 * templates become a path parameter with a pattern, `/v1/{book.name}` with `publishers/[^/]+/books/[^/]+`. The value
 * is a resource name with slashes, and the gateway routes on them: before, it was sent as one encoded segment
 * (`/v1/publishers%2F1%2Fbooks%2F2`), which matches no route. Through a real MCP client to a recording upstream.
 */
let upstream: RecordingServer;
let served: Served;
let notes: Record<string, string[] | undefined>;

beforeAll(async () => {
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(ROOT, "test/e2e/specs/grpc-gateway.swagger.json"), name: "library" },
    { root: ROOT, out: relative(ROOT, tmpDir("grpc-gateway")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  // A query parameter typed object (a message field) and one without a type (a map field) are warned about,
  // located, and read; before, each was a structural error that left SearchBooks out (TW139).
  expect(
    diags.items
      .filter((d) => d.severity === "warning")
      .map((d) => `${d.code} ${d.message.split(": ")[1]} line ${d.source?.line}`),
  ).toEqual([
    'TW133 a query parameter of type "object" (Swagger 2.0 allows it only in the body); read as OpenAPI 3 reads an object parameter (form style line 220',
    "TW133 a query parameter without a type (Swagger 2.0 requires one); read as a string line 226",
  ]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  const tools = JSON.parse(cat.files.get("catalog.json") ?? "{}").tools as {
    name: string;
    notes?: string[];
  }[];
  notes = Object.fromEntries(tools.map((t) => [t.name, t.notes]));
  upstream = await startRecordingServer((req, res) => {
    if (req.path !== "/v1/books:stream") return sendJson(res, 200, {});
    // What the gateway sends for a server-streaming method: one JSON object per line, under application/json.
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      `${JSON.stringify({ result: { name: "b1" } })}\n${JSON.stringify({ error: { code: 5, message: "gone" } })}\n`,
    );
  });
  served = await serveOverStdio(join(ROOT, cat.dir), { LIBRARY_BASE_URL: upstream.url });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

async function call(name: string, args: Record<string, unknown>) {
  const before = upstream.received.length;
  const { result } = await callConfirmed(served.client, name, args);
  return { result, sent: upstream.received.slice(before).map((r) => `${r.method} ${r.url}`) };
}

describe("gRPC-gateway path templates", () => {
  it("a resource name goes out with its slashes, each segment encoded", async () => {
    const update = await call("library_service_update_book", {
      "book.name": "publishers/1257894000000000000/books/my book",
      allowMissing: true,
      title: "t",
    });
    expect(update.result.isError).toBeFalsy();
    expect(update.sent).toEqual([
      "PATCH /v1/publishers/1257894000000000000/books/my%20book?allowMissing=true",
    ]);
    expect(upstream.received.at(-1)?.body.toString()).toBe('{"title":"t"}');
    const list = await call("library_service_list_books", { parent: "publishers/p1", pageSize: 2 });
    expect(list.sent).toEqual(["GET /v1/publishers/p1/books?pageSize=2"]);
    // `**` (a final `.+`) takes the rest of the path.
    const read = await call("library_service_read_shelf", { name: "shelves/s1/a/b" });
    expect(read.sent).toEqual(["GET /v1/shelves/s1/a/b:read"]);
  });

  it("the value must be the whole template: other shapes, dot segments and a single-segment pattern stay closed", async () => {
    for (const name of [
      "x/publishers/1/books/2",
      "publishers/1/books/2/chapters/3",
      "publishers/1/books",
      "publishers/../books/2",
      "publishers/1/books/..",
    ]) {
      const r = await call("library_service_update_book", { "book.name": name, title: "t" });
      expect(r.result.isError, name).toBe(true);
      expect(r.sent, name).toEqual([]);
    }
    const dots = await call("library_service_read_shelf", { name: "shelves/s1/../../admin" });
    expect(dots.result.isError).toBe(true);
    expect(JSON.stringify(dots.result.content)).toContain("'.' or '..'");
    expect(dots.sent).toEqual([]);
    // A pattern without a slash is one segment, encoded as before.
    const one = await call("library_service_get_book", { id: "a/b" });
    expect(one.sent).toEqual(["GET /v1/books/a%2Fb"]);
  });

  it("a server-streaming method's lines reach the client as text, not as an output schema mismatch", async () => {
    const r = await call("library_service_stream_books", {});
    expect(r.sent).toEqual(["GET /v1/books:stream"]);
    expect(r.result.isError).toBeFalsy();
    expect(r.result.content).toEqual([
      { type: "text", text: '{"result":{"name":"b1"}}\n{"error":{"code":5,"message":"gone"}}\n' },
    ]);
    const tool = (await served.client.listTools()).tools.find(
      (t) => t.name === "library_service_stream_books",
    );
    expect(tool?.outputSchema).toBeUndefined();
    expect(notes.library_service_stream_books?.join(" ")).toContain("one JSON object per line");
  });

  it("gRPC-gateway's query parameters of a message type or without a type make no operation lost", async () => {
    const r = await call("library_service_search_books", { query: "q", oneofEmpty: { a: "1" }, labels: "x" });
    expect(r.result.isError).toBeFalsy();
    expect(r.sent).toEqual(["GET /v1/books:search?query=q&a=1&labels=x"]);
  });
});
