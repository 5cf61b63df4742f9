import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A oneOf whose variants take the same values: Elasticsearch's FieldValue (`oneOf: [number, number, string,
 * boolean, string nullable]`, the values of term queries and search_after) and its `oneOf: [string, string
 * nullable]` (24 such schemas in its serverless spec). Every number and every string matches two variants, so
 * "exactly one" refused all of them: arguments were refused before any request, and results carrying one were
 * reported as drift. Read as anyOf, with a located TW134 warning. Through a real MCP client to a recording upstream.
 */
const SPEC = `openapi: 3.0.3
info: { title: Overlap, version: "1" }
servers: [{ url: https://overlap.example.com }]
paths:
  /_search:
    post:
      operationId: search
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                search_after: { type: array, items: { $ref: "#/components/schemas/FieldValue" } }
                from: { oneOf: [{ type: string }, { type: string, nullable: true }] }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  reason: { oneOf: [{ type: string }, { type: string, nullable: true }] }
components:
  schemas:
    FieldValue:
      oneOf: [{ type: number }, { type: number }, { type: string }, { type: boolean }, { type: string, nullable: true }]
`;

let upstream: RecordingServer;
let served: Served;
let warnings: string[];

beforeAll(async () => {
  const dir = writeTree("oneof-overlap", { "openapi.yaml": SPEC });
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.yaml"), name: "overlap" },
    { root: ROOT, out: relative(ROOT, tmpDir("oneof-overlap-out")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  warnings = diags.items
    .filter((d) => d.severity === "warning")
    .map((d) => `${d.code} ${d.source?.line} ${d.message}`);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, { reason: "shard failed" }));
  served = await serveOverStdio(join(ROOT, cat.dir), { OVERLAP_BASE_URL: upstream.url });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("a oneOf whose variants take the same values", () => {
  it("is read as anyOf, said where it is written", () => {
    expect(warnings).toEqual([
      "TW134 29 oneOf variants 0 and 1 take the same values (number), so exactly one could never match them; read as anyOf",
      "TW134 16 oneOf variants 0 and 1 take the same values (string), so exactly one could never match them; read as anyOf",
      "TW134 25 oneOf variants 0 and 1 take the same values (string), so exactly one could never match them; read as anyOf",
    ]);
  });

  it("numbers and strings are sent, and a result holding a string is no drift", async () => {
    const result = await served.client.callTool({
      name: "search",
      arguments: { search_after: [1712, "doc#7", true], from: "10.0.0.1" },
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(upstream.received.at(-1)?.body.toString() ?? "")).toEqual({
      search_after: [1712, "doc#7", true],
      from: "10.0.0.1",
    });
    expect(textJson(result)).toEqual({ reason: "shard failed" });
    expect(served.stderr()).not.toContain("drift");
  });
});
