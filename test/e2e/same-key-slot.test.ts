import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

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

const served = servedSpec(
  join(writeTree("same-key-slot", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "fec",
  "same-key-slot-out",
  (url) => ({
    FEC_BASE_URL: url,
    FEC_APIKEYQUERYAUTH_API_KEY: QUERY_KEY,
    FEC_APIKEYHEADERAUTH_API_KEY: HEADER_KEY,
  }),
  (_req, res) => sendJson(res, 200, { results: [] }),
);

describe("two API key schemes of one requirement naming the very same slot", () => {
  it("declare one variable: the first scheme's, none for the merged-away one", () => {
    expect(served.doc().env.map((e) => e.name)).toEqual([
      "FEC_BASE_URL",
      "FEC_APIKEYHEADERAUTH_API_KEY",
      "FEC_APIKEYQUERYAUTH_API_KEY",
    ]);
  });

  it("send the key once: the query string carries api_key exactly once", async () => {
    const { result, sent } = await served.call("candidates", { q: "smith" });
    expect(result.isError).toBeFalsy();
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.query.getAll("api_key")).toEqual([QUERY_KEY]);
    expect(request?.url.split("api_key=")).toHaveLength(2);
    expect(request?.query.get("q")).toBe("smith");
    expect(request?.headers["x-api-key"]).toBe(HEADER_KEY);
  });
});
