import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { resultText, servedFixture } from "../helpers/served-fixture.js";

/**
 * A tenant carried in the upstream's host: the spec's server is `http://{tenant}.api.example.test/v1` (or Swagger
 * 2.0's `x-ms-parameterized-host` `{accountName}.blob.example.test`), and the base URL filled the variable with its
 * default at generate time, or the operator wrote another tenant's host. The lock checked arguments and bound
 * parameters only, so every call (credentials and all) went to that other tenant's host. Now the configured base
 * URL is read against the spec's template: a base URL naming another tenant is refused before any request, saying
 * which URL names the locked one (never the other tenant); the locked tenant's host (in any letter case) and a base
 * URL not of the template's form (a proxy, a mock) are sent. The upstream is a real server on 127.0.0.1 reached as
 * the HTTP proxy (NODE_USE_ENV_PROXY), so it sees each request's Host.
 */

const hosted = (operationId: string) => `openapi: 3.0.3
info: { title: Hosted, version: "1" }
servers:
  - url: http://{tenant}.api.example.test/v1
    variables:
      tenant: { default: demo, description: The customer's tenant. }
paths:
  /reports:
    get:
      operationId: ${operationId}
      parameters: [{ name: limit, in: query, schema: { type: integer } }]
      responses: { "200": { description: ok } }
`;

const AZURE = `swagger: "2.0"
info: { title: Blobs, version: "1" }
basePath: /v2
schemes: [http]
x-ms-parameterized-host:
  hostTemplate: "{accountName}.blob.example.test"
  parameters: [{ $ref: "#/parameters/AccountName" }]
parameters:
  AccountName: { name: accountName, in: path, required: true, type: string, x-ms-parameter-location: client }
paths:
  /containers:
    get:
      operationId: listContainers
      responses: { "200": { description: ok } }
`;

/** The document's server names no tenant; one path's own server does (`servers` at the path item). */
const OWN = `openapi: 3.0.3
info: { title: Uploads, version: "1" }
servers: [{ url: http://api.example.test/v1 }]
paths:
  /uploads:
    servers:
      - url: http://{tenant}.upload.example.test/v1
        variables: { tenant: { default: demo } }
    get:
      operationId: listUploads
      responses: { "200": { description: ok } }
  /status:
    get:
      operationId: getStatus
      responses: { "200": { description: ok } }
`;

const SOURCES = ["dflt", "other", "same", "upper", "mock"];

const MANIFEST = `catalog: hosted
env:
  HOST_TENANT: { description: "HOST_TENANT." }
${SOURCES.map((s) => `  ${s.toUpperCase()}_URL: { type: url, description: "${s}." }`).join("\n")}
  AZ_URL: { type: url, description: "AZ_URL." }
  OWN_URL: { type: url, description: "OWN_URL." }
policy:
  tenant: { env: HOST_TENANT }
sources:
${SOURCES.map((s) => `  ${s}: { openapi: ./${s}.yaml, base_url: { env: ${s.toUpperCase()}_URL } }`).join("\n")}
  az: { openapi: ./azure.yaml, base_url: { env: AZ_URL } }
  own: { openapi: ./own.yaml, base_url: { env: OWN_URL } }
select: [{ all: true }]
tools:
${SOURCES.map((s) => `  ${s}_reports: { from: ${s}Reports }`).join("\n")}
  list_containers: { from: listContainers, tenant_arg: accountName }
`;

const files: Record<string, string> = {
  "cat/tools.yaml": MANIFEST,
  "cat/azure.yaml": AZURE,
  "cat/own.yaml": OWN,
};
for (const s of SOURCES) files[`cat/${s}.yaml`] = hosted(`${s}Reports`);

const { call, served } = servedFixture("tenant-host", files, (url) => ({
  HOST_TENANT: "acme",
  OTHER_URL: "http://globex.api.example.test/v1",
  SAME_URL: "http://acme.api.example.test/v1",
  UPPER_URL: "http://ACME.Api.Example.test/v1/",
  MOCK_URL: `${url}/mock`,
  AZ_URL: "http://contoso.blob.example.test/v2",
  NODE_USE_ENV_PROXY: "1",
  HTTP_PROXY: url,
}));

describe("a tenant in the base URL's host, where the spec's server has a variable for it", () => {
  it.each([
    ["the spec's default tenant (the base URL left unset)", "dflt_reports", "DFLT_URL", "dflt", "{tenant}"],
    ["another tenant's host the operator configured", "other_reports", "OTHER_URL", "other", "{tenant}"],
  ])("%s: refused before any request, naming the URL of the locked tenant", async (_l, tool, env, source) => {
    const { result, sent } = await call(tool, { limit: 5 });
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toContain(
      `refused by HOST_TENANT: this server is locked to tenant acme and the base URL of source '${source}' names another tenant where the spec's server http://{tenant}.api.example.test/v1 has {tenant} (it is named like the tenant); set ${env} to http://acme.api.example.test/v1, or change HOST_TENANT to act elsewhere`,
    );
    expect(resultText(result)).not.toMatch(/demo|globex/);
    expect(sent).toEqual([]);
    const line = new RegExp(
      `"tool":"${tool}".*"policy":"tenant-lock","rule":"HOST_TENANT","reason":"another tenant in the base URL"`,
    );
    expect(await served().waitForStderr(line)).toMatch(line);
  });

  it("a parameterized host (x-ms-parameterized-host) whose variable is the declared tenant_arg", async () => {
    const { result, sent } = await call("list_containers", {});
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toContain(
      "names another tenant where the spec's server http://{accountName}.blob.example.test/v2 has {accountName} (the manifest declares it the tenant argument); set AZ_URL to http://acme.blob.example.test/v2",
    );
    expect(resultText(result)).not.toContain("contoso");
    expect(sent).toEqual([]);
  });

  it("an operation's own server naming another tenant, while the base URL is the spec's server", async () => {
    const { result, sent } = await call("list_uploads", {});
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toContain(
      "refused by HOST_TENANT: this server is locked to tenant acme and the operation's own server, which takes the call while the base URL of source 'own' is the spec's, names another tenant where the spec's server http://{tenant}.upload.example.test/v1 has {tenant} (it is named like the tenant); give {tenant} the default acme in the spec (sources.own.patch), set OWN_URL to another URL, or change HOST_TENANT to act elsewhere",
    );
    expect(resultText(result)).not.toContain("demo");
    expect(sent).toEqual([]);
    const status = await call("get_status", {});
    expect(status.sent.map((r) => [r.headers.host, r.path])).toEqual([["api.example.test", "/v1/status"]]);
  });

  it("the locked tenant's host, in any letter case, is sent there; a base URL of another form is sent", async () => {
    const same = await call("same_reports", { limit: 5 });
    const upper = await call("upper_reports", {});
    const mock = await call("mock_reports", {});
    for (const r of [same, upper, mock]) expect(r.result.isError, resultText(r.result)).toBeFalsy();
    expect(same.sent.map((r) => [r.headers.host, r.path, r.query.get("limit")])).toEqual([
      ["acme.api.example.test", "/v1/reports", "5"],
    ]);
    expect(upper.sent.map((r) => [r.headers.host, r.path])).toEqual([
      ["acme.api.example.test", "/v1/reports"],
    ]);
    expect(mock.sent.map((r) => r.path)).toEqual(["/mock/reports"]);
  });
});

describe("generate: a lock argument found nowhere", () => {
  it("names the tool's arguments and its server's variables, located at the tool", async () => {
    const dir = writeTree("tenant-host-gen", {
      "openapi.yaml": hosted("listReports"),
      "tools.yaml": `catalog: hostgen
policy:
  tenant: { env: HG_TENANT }
env:
  HG_TENANT: { description: "HG_TENANT." }
sources:
  api: { openapi: ./openapi.yaml }
select: [{ all: true }]
tools:
  list_reports: { from: listReports, tenant_arg: tenant_slug }
`,
    });
    const { diags } = await genManifest(join(dir, "tools.yaml"), "test/.tmp/tenant-host-gen-out");
    const errors = diags.items.filter((d) => d.severity === "error").map(formatDiagnostic);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("tools.yaml:10:");
    expect(errors[0]).toContain(
      'tool "list_reports": tenant_arg "tenant_slug" is not one of its arguments (limit) nor a variable of its server (tenant in http://{tenant}.api.example.test/v1)',
    );
  });
});
