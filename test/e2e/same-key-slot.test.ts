import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * fec.gov ANDs two API key schemes of the very same slot (`ApiKeyQueryAuth` and `apiKey`, each the query `api_key`)
 * beside a header key in every operation: a request carries `api_key` once, so both are one key. The bare catalog
 * declares only the variables a call reads, and a real MCP client's call over stdio reaches a real upstream with
 * `api_key` once in the query string (and the header key, another slot, sent too).
 */
const SPEC = `openapi: 3.0.3
info: { title: Fec, version: "1" }
servers: [{ url: https://api.example }]
security: [{ ApiKeyHeaderAuth: [], ApiKeyQueryAuth: [], apiKey: [] }]
components:
  securitySchemes:
    ApiKeyHeaderAuth: { type: apiKey, in: header, name: X-Api-Key }
    ApiKeyQueryAuth: { type: apiKey, in: query, name: api_key }
    apiKey: { type: apiKey, in: query, name: api_key }
paths:
  /candidates:
    get:
      operationId: candidates
      parameters: [{ name: q, in: query, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;
const QUERY_KEY = "q-key-secret";
const HEADER_KEY = "h-key-secret";

let upstream: RecordingServer;
let served: Served;
let env: string[];

beforeAll(async () => {
  const dir = writeTree("same-key-slot", { "openapi.yaml": SPEC });
  const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "fec", "test/.tmp/same-key-slot-out");
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  env = (JSON.parse(cat.files.get("catalog.json") ?? "{}") as { env: { name: string }[] }).env.map(
    (e) => e.name,
  );
  writeCatalog(ROOT, cat);
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, { results: [] }));
  served = await serveOverStdio(join(ROOT, cat.dir), {
    FEC_BASE_URL: upstream.url,
    FEC_APIKEYQUERYAUTH_API_KEY: QUERY_KEY,
    FEC_APIKEYHEADERAUTH_API_KEY: HEADER_KEY,
  });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("two API key schemes of one requirement naming the very same slot", () => {
  it("declare one variable: the first scheme's, none for the merged-away one", () => {
    expect(env).toEqual(["FEC_BASE_URL", "FEC_APIKEYHEADERAUTH_API_KEY", "FEC_APIKEYQUERYAUTH_API_KEY"]);
  });

  it("send the key once: the query string carries api_key exactly once", async () => {
    const { result, sent } = await callRecorded(served.client, upstream, "candidates", { q: "smith" });
    expect(result.isError).toBeFalsy();
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.query.getAll("api_key")).toEqual([QUERY_KEY]);
    expect(request?.url.split("api_key=")).toHaveLength(2);
    expect(request?.query.get("q")).toBe("smith");
    expect(request?.headers["x-api-key"]).toBe(HEADER_KEY);
  });
});
