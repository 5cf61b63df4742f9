import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio, type ToolResult } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * An operation with its own `servers` is sent there while the base URL is the spec's server, with the source's
 * credentials. A plain-http operation server in front of an https API would carry them, and the call's
 * arguments, across the network in clear: such a call is refused before any request (loopback literals excepted,
 * as for token URLs and issuers), and where the operation lists an https server too, generate chooses it over an
 * http one listed first (older specs list both schemes, http first). Served over stdio to a real client; the
 * document's https server and the plain-http hosts are names that never resolve, and the audit line says no
 * request was made.
 */

const TOKEN = "sk-operation-server-canary-4417";
let local: RecordingServer;
let dir: string;
let served: Served;
let catalog: { tools: { name: string; binding: { server?: { url: string; instead: string } } }[] };

const spec = (localUrl: string) => `openapi: 3.0.3
info: { title: Servers, version: "1" }
servers: [{ url: "https://api.example.test/v1" }]
components:
  securitySchemes: { bearer: { type: http, scheme: bearer } }
security: [{ bearer: [] }]
paths:
  /uploads:
    servers: [{ url: "http://uploads.example.test/v2" }]
    post:
      operationId: upload
      requestBody: { content: { application/json: { schema: { type: object, properties: { a: { type: string } } } } } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /blobs/{id}:
    get:
      operationId: getBlob
      servers:
        - url: "http://blobs.example.test"
        - url: "https://blobs.example.test"
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /legacy:
    get:
      operationId: legacy
      servers: [{ url: "HTTP://legacy.example.test:8080/" }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /local:
    get:
      operationId: local
      servers: [{ url: "${localUrl}/v3" }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

beforeAll(async () => {
  local = await startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
  dir = tmpDir("operation-server-tls");
  writeFileSync(join(dir, "openapi.yaml"), spec(local.url.replace(/\/+$/, "")));
  const diags = new Diagnostics();
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
  served = await serveOverStdio(dir, { SRV_TOKEN: TOKEN });
});

afterAll(async () => {
  await served?.close();
  await local?.close();
});

const auditOf = (tool: string) =>
  served
    .stderr()
    .split("\n")
    .filter((line) => line.startsWith("{") && line.includes(`"tool":"${tool}"`))
    .map((line) => JSON.parse(line) as { upstream?: { requests: number } });

describe("a plain-http operation server in front of an https API", () => {
  it.each([
    ["upload", { a: "b" }, "http://uploads.example.test"],
    ["legacy", {}, "http://legacy.example.test:8080"],
  ])("%s is refused before any request", async (tool, args, origin) => {
    const result = (await served.client.callTool({ name: tool, arguments: args })) as ToolResult;
    expect(result.isError).toBe(true);
    const text = result.content?.map((c) => c.text).join("\n") ?? "";
    expect(text).toContain(origin);
    expect(text).toMatch(/in clear/);
    expect(text).not.toContain(TOKEN);
    await expect.poll(() => auditOf(tool).length).toBe(1);
    expect(auditOf(tool)[0]?.upstream?.requests ?? 0).toBe(0);
  });

  it("the tool's note says so, at generate", () => {
    const note = JSON.stringify(catalog.tools.find((t) => t.name === "upload"));
    expect(note).toContain("plain http in front of an https API, so the call is refused there");
    expect(JSON.stringify(catalog.tools.find((t) => t.name === "local"))).not.toContain("plain http");
  });

  it("generate chooses the operation's https server over an http one listed first", () => {
    const blob = catalog.tools.find((t) => t.name === "get_blob");
    expect(blob?.binding.server).toEqual({
      url: "https://blobs.example.test",
      instead: "https://api.example.test/v1",
    });
  });

  it("a loopback operation server is served, with the credentials", async () => {
    const { result, sent } = await callRecorded(served.client, local, "local", {});
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent.map((r) => r.url)).toEqual(["/v3/local"]);
    expect(sent[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});
