import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { BIN } from "../helpers/mcp.js";
import { tmpDir } from "../helpers/paths.js";
import { lockedSourcesFixture, REPORTS_PATHS, resultText, servedFixture } from "../helpers/served-fixture.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * A server variable's `enum` is the only values the spec says it takes (`https://{region}.api.example.test/v1`
 * with `region: { enum: [eu, us] }`). The runtime ignored it: a base URL of that server with another value
 * (`staging`, another tenant's host the lock let through because it was the locked one) was sent, credentials and
 * all. Now a call whose base URL a template reads with a value its enum does not list fails as a configuration
 * error before any request, naming the server, the variable and the values it takes (never the value read); a
 * listed value in any letter case, one of the spec's plain servers, and a base URL not of the template's form (a
 * proxy, a mock) are sent. The upstream is a real server on 127.0.0.1 reached as the HTTP proxy
 * (NODE_USE_ENV_PROXY), so it sees each request's Host.
 */

const REGIONS = `openapi: 3.0.3
info: { title: Regions, version: "1" }
servers:
  - url: http://{region}.api.example.test/v1
    variables: { region: { default: eu, enum: [eu, us] } }
  - url: http://api.example.test/v1
${REPORTS_PATHS}`;

const VERSIONS = `openapi: 3.0.3
info: { title: Versions, version: "1" }
servers:
  - url: http://api.example.test/{version}
    variables: { version: { default: v1, enum: [v1, v2] } }
${REPORTS_PATHS}`;

const TENANTS = `openapi: 3.0.3
info: { title: Tenants, version: "1" }
servers:
  - url: http://{tenant}.t.example.test/v1
    variables: { tenant: { default: demo, enum: [demo, acme] } }
${REPORTS_PATHS}`;

const FEW = `openapi: 3.0.3
info: { title: Few, version: "1" }
servers:
  - url: http://{tenant}.f.example.test/v1
    variables: { tenant: { default: demo, enum: [demo, globex] } }
${REPORTS_PATHS}`;

/** The base URLs outside an enum: each source is left to its spec's default while served (see OUTSIDE). */
const OUTSIDE: Record<string, string> = {
  STG_URL: "http://staging.api.example.test/v1",
  LABELS_URL: "http://x.eu.api.example.test/v1",
  V3_URL: "http://api.example.test/v3",
  LOCKED_OUT_URL: "http://acme.f.example.test/v1",
};

const SOURCES: Record<string, [spec: string, url: string | undefined]> = {
  stg: [REGIONS, undefined],
  labels: [REGIONS, undefined],
  upper: [REGIONS, "http://US.api.example.test/v1"],
  dflt: [REGIONS, undefined],
  plain: [REGIONS, "http://api.example.test/v1"],
  mock: [REGIONS, "MOCK"],
  v3: [VERSIONS, undefined],
  v2: [VERSIONS, "http://api.example.test/v2/"],
  locked_in: [TENANTS, "http://acme.t.example.test/v1"],
  locked_out: [FEW, undefined],
};

const { call, dir } = lockedSourcesFixture("server-enum", "enums", "ENUM_TENANT", SOURCES, {
  url: (configured, upstream) => (configured === "MOCK" ? `${upstream}/mock` : configured),
});

describe("a base URL holding a value its server variable's enum does not list", () => {
  /**
   * A base URL read from env (once, at start) outside its enum failed every call of its source at call time; the
   * server now does not start (exit 2), listing each source with its variable and the values it takes.
   */
  it("set in env: the server does not start, naming each env variable and the values allowed, never the value", () => {
    const run = spawnSync(process.execPath, [BIN, "serve", dir()], {
      env: childEnv({ ENUM_TENANT: "acme", ...OUTSIDE }),
      input: "",
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stdout).toBe("");
    const problems = [
      ["stg", "http://{region}.api.example.test/v1", "region", "eu, us"],
      ["labels", "http://{region}.api.example.test/v1", "region", "eu, us"],
      ["v3", "http://api.example.test/{version}", "version", "v1, v2"],
      ["locked_out", "http://{tenant}.f.example.test/v1", "tenant", "demo, globex"],
    ];
    for (const [s, server, name, allowed] of problems)
      expect(run.stderr).toContain(
        `  - the base URL for '${s}' (${s!.toUpperCase()}_URL) is of the spec's server ${server} with a value {${name}} does not take: the spec allows only ${allowed}; set it to that server with one of them, or add the value to the variable's enum (sources.${s}.patch)`,
      );
    expect(run.stderr).toContain("the environment is not valid for catalog enums:");
    for (const read of ["staging", "x.eu", "/v3", "acme.f"]) expect(run.stderr).not.toContain(read);
  });

  it("left to the spec's default or set within the enum: served", async () => {
    const { result, sent } = await call("stg_reports", {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => [r.headers.host, r.path])).toEqual([["eu.api.example.test", "/v1/reports"]]);
  });

  it.each([
    ["upper", "us.api.example.test", "/v1/reports"],
    ["dflt", "eu.api.example.test", "/v1/reports"],
    ["plain", "api.example.test", "/v1/reports"],
    ["v2", "api.example.test", "/v2/reports"],
    ["locked_in", "acme.t.example.test", "/v1/reports"],
  ])("%s: a value the enum lists (or a plain server) is sent", async (s, host, path) => {
    const { result, sent } = await call(`${s}_reports`, {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => [r.headers.host, r.path])).toEqual([[host, path]]);
  });

  it("a base URL of no template's form (a mock) is sent as configured", async () => {
    const { result, sent } = await call("mock_reports", {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => r.path)).toEqual(["/mock/reports"]);
  });
});

/**
 * A base URL read from a file is re-read on every call, so it may leave the enum after start: the call that meets
 * it is refused before any request, and the server keeps serving (a value within the enum again is sent).
 */
describe("a base URL read from a file, changed after start", () => {
  const place = tmpDir("server-enum-file");
  const file = join(place, "base-url");
  const write = (url: string) => {
    writeFileSync(file, url, { mode: 0o600 });
    chmodSync(file, 0o600);
  };
  write("http://us.api.example.test/v1");
  const { call } = servedFixture(
    "server-enum-file",
    {
      "cat/tools.yaml": `catalog: filed
env:
  FILED_URL_FILE: { type: path, description: "FILED_URL_FILE." }
sources:
  api: { openapi: ./openapi.yaml, base_url: { file: { path: { env: FILED_URL_FILE } } } }
select: [{ all: true }]
`,
      "cat/openapi.yaml": REGIONS.replace("REPORTS_ID", "reports"),
    },
    (upstream) => ({ FILED_URL_FILE: file, NODE_USE_ENV_PROXY: "1", HTTP_PROXY: upstream }),
  );

  it("within the enum: sent; outside it: refused with no request; within again: sent", async () => {
    const first = await call("reports", {});
    expect(first.result.isError, resultText(first.result)).toBeFalsy();
    expect(first.sent.map((r) => r.headers.host)).toEqual(["us.api.example.test"]);
    write("http://staging.api.example.test/v1");
    const refused = await call("reports", {});
    expect(refused.result.isError).toBe(true);
    expect(resultText(refused.result)).toContain(
      "the base URL for 'api' (the file named by FILED_URL_FILE) is of the spec's server http://{region}.api.example.test/v1 with a value {region} does not take: the spec allows only eu, us",
    );
    expect(resultText(refused.result)).not.toContain("staging");
    expect(refused.sent).toEqual([]);
    write("http://eu.api.example.test/v1");
    const again = await call("reports", {});
    expect(again.result.isError, resultText(again.result)).toBeFalsy();
    expect(again.sent.map((r) => r.headers.host)).toEqual(["eu.api.example.test"]);
  });
});
